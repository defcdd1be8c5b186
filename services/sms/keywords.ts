/**
 * Carrier and Twilio keywords, which act before any dialog. Matched on the whole message only, as Twilio does, so
 * "please stop the noise" is a report, not an opt-out.
 *
 * Opt-out and opt-in lists are Twilio's defaults (Advanced Opt-Out): STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT,
 * REVOKE, OPTOUT; START, YES, UNSTOP. YES is an opt-in only for a number that has opted out; otherwise it is an
 * answer to the bot's question.
 */
export type SmsKeyword = 'opt-out' | 'opt-in' | 'help';

const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'STOP ALL', 'OPT OUT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP', 'OPTIN', 'OPT IN']);
const HELP = new Set(['HELP', 'INFO']);

export function classifyKeyword(body: string): SmsKeyword | null {
  const word = body.trim().replace(/[.!]+$/, '').replace(/\s+/g, ' ').toUpperCase();
  if (OPT_OUT.has(word)) return 'opt-out';
  if (OPT_IN.has(word)) return 'opt-in';
  if (HELP.has(word)) return 'help';
  return null;
}
