/**
 * `npm run sms`: text the running server from a terminal, with no Twilio account.
 *
 * `npm start` (with no TWILIO_ settings) simulates Twilio: it runs a local stand-in for Twilio's REST API and
 * writes how to reach it to DATA_DIR/sms-simulator.json. This script plays the resident's phone: each line you
 * type is posted to /api/sms signed exactly as Twilio signs it, and the texts the server sends back (captured by
 * the stand-in) are printed.
 *
 *   npm run sms                       # as +447700900123
 *   npm run sms -- --from +447700900456
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import twilio from 'twilio';
import { z } from 'zod';

const simulatorFile = z.object({
  webhookUrl: z.string().url(),
  accountSid: z.string(),
  authToken: z.string(),
  botNumber: z.string(),
  standInUrl: z.string().url(),
});

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const dataDir = path.resolve(process.env.DATA_DIR ?? './data');
  const file = path.join(dataDir, 'sms-simulator.json');
  if (!fs.existsSync(file)) {
    process.stderr.write(
      `No SMS simulator found at ${file}.\nStart the server first with \`npm start\` (with no TWILIO_ settings), then run \`npm run sms\` in another terminal.\n`,
    );
    process.exit(1);
  }
  const sim = simulatorFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const from = argument('from') ?? '+447700900123';
  let seen = (await fetchReplies(sim.standInUrl, from, 0)).next;

  out(`Texting the hub (${sim.botNumber}) as ${from}. Type a message and press Enter; Ctrl+D to finish.`);
  const rl = readline.createInterface({ input: process.stdin, terminal: process.stdin.isTTY === true });
  if (process.stdin.isTTY) rl.setPrompt('you> ');
  rl.prompt();
  for await (const line of rl) {
    const body = line.trim();
    if (body) {
      const params: Record<string, string> = {
        MessageSid: `SM${randomBytes(16).toString('hex')}`,
        AccountSid: sim.accountSid,
        From: from,
        To: sim.botNumber,
        Body: body,
        NumMedia: '0',
      };
      const res = await fetch(sim.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(sim.authToken, sim.webhookUrl, params),
        },
        body: new URLSearchParams(params).toString(),
      });
      if (res.status !== 200) out(`(the server answered ${res.status}: ${await res.text()})`);
      seen = await printReplies(sim.standInUrl, from, seen);
    }
    rl.prompt();
  }
  rl.close();
}

async function fetchReplies(standInUrl: string, to: string, after: number): Promise<{ messages: { body: string }[]; next: number }> {
  const res = await fetch(`${standInUrl}/_standin/messages?to=${encodeURIComponent(to)}&after=${after}`);
  return (await res.json()) as { messages: { body: string }[]; next: number };
}

/** Replies arrive asynchronously (the webhook answers at once); wait until they stop coming. */
async function printReplies(standInUrl: string, to: string, after: number): Promise<number> {
  let next = after;
  let quietSince = Date.now();
  const started = Date.now();
  while (Date.now() - quietSince < 400 && Date.now() - started < 10_000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const batch = await fetchReplies(standInUrl, to, next);
    for (const m of batch.messages) out(`hub> ${m.body.replace(/\n/g, '\n     ')}`);
    if (batch.next !== next) quietSince = Date.now();
    next = batch.next;
  }
  return next;
}

main().catch((err: unknown) => {
  process.stderr.write(`npm run sms failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
