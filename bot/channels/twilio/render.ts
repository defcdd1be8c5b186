/**
 * Turns the bot's activities for one turn into plain texts: buttons and suggested actions become numbered options,
 * markdown is stripped, the replies are joined where they read better, and each text is kept within 320 GSM-7
 * characters where possible. Pure, so it is tested with recorded activities.
 */
import type { Activity, CardAction } from 'botbuilder';
import { countSegments, toGsmFriendly } from '../../../services/sms/segments';

export const SMS_TARGET_LENGTH = 320;

export function stripMarkdown(text: string): string {
  return text
    .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '$1 ($2)')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|\W)[*_](\S(?:.*?\S)?)[*_](?=\W|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/^\s*[*+]\s+/gm, '- ');
}

/**
 * Buttons as numbered options. In another language (the activity's locale is not English) the options are listed
 * without the English "Reply ... for": numbers read the same in every language.
 */
export function numberedOptions(actions: Pick<CardAction, 'title' | 'value'>[], locale?: string): string {
  const titles = actions.map((a) => String(a.title ?? a.value ?? '')).filter(Boolean);
  if (titles.length === 0) return '';
  if (locale !== undefined && !/^en\b/i.test(locale)) return titles.map((t, i) => `${i + 1} ${t}`).join('\n');
  const inline = `Reply ${titles.map((t, i) => `${i + 1} for ${t}`).join(', ')}`;
  if (inline.length <= 70) return inline;
  return ['Reply with a number:', ...titles.map((t, i) => `${i + 1} ${t}`)].join('\n');
}

function activityText(activity: Partial<Activity>): string {
  const parts = [activity.text ? stripMarkdown(activity.text) : ''];
  const actions = activity.suggestedActions?.actions ?? [];
  if (actions.length) parts.push(numberedOptions(actions, activity.locale));
  return parts.filter(Boolean).join('\n');
}

/** Splits one long paragraph at sentence ends, then at spaces, so no piece exceeds the target. */
function splitLong(paragraph: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = paragraph;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = Math.max(window.lastIndexOf('. '), window.lastIndexOf('\n'), window.lastIndexOf('? '));
    const at = cut > max / 3 ? cut + 1 : window.lastIndexOf(' ') > 0 ? window.lastIndexOf(' ') : max;
    pieces.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/**
 * Joins the turn's replies into as few texts as read well: paragraphs are packed greedily while a text stays
 * within `max` characters (in GSM-7 units when the text is GSM-7).
 */
export function renderForSms(activities: Partial<Activity>[], max = SMS_TARGET_LENGTH): string[] {
  const paragraphs = activities
    .filter((a) => a.type === undefined || a.type === 'message')
    .map(activityText)
    .map((t) => toGsmFriendly(t).trim())
    .filter(Boolean)
    .flatMap((t) => splitLong(t, max));
  const texts: string[] = [];
  for (const paragraph of paragraphs) {
    const last = texts[texts.length - 1];
    const joined = last === undefined ? paragraph : `${last}\n\n${paragraph}`;
    if (last !== undefined && countSegments(joined).units <= max) texts[texts.length - 1] = joined;
    else texts.push(paragraph);
  }
  return texts;
}
