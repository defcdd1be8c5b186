import assert from 'node:assert/strict';
import type { BotClient } from './botClient';

/** One turn: what the resident sends, and what the bot's reply must match (a regex, or a list of them). */
export type Turn = readonly [send: string, expect: RegExp | RegExp[]];

/** Plays a transcript against the real server, failing with the whole conversation so far when a reply differs. */
export async function play(client: BotClient, turns: readonly Turn[]): Promise<string> {
  let reply = '';
  for (const [send, expect] of turns) {
    reply = await client.say(send);
    for (const pattern of Array.isArray(expect) ? expect : [expect]) {
      assert.match(reply, pattern, `after "${send.slice(0, 60)}" the bot said:\n${reply}\n\nconversation:\n${client.transcript.map((t) => `${t.from}: ${t.text}`).join('\n')}`);
    }
  }
  return reply;
}

export function referenceIn(text: string): string {
  const match = /HUB-[0-9A-Z]{6}/.exec(text);
  assert.ok(match, `no reference in: ${text}`);
  return match[0];
}
