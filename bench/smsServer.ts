/**
 * The server both SMS benchmarks drive (bench/sms.ts, bench/load.ts): the bench server in its own process, on its own
 * data directory, with a local Twilio REST stand-in, and texts signed exactly as Twilio signs them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import twilio from 'twilio';
import { TwilioStandIn } from '../bot/channels/twilio/twilioStandIn';
import { spawnServer, type SpawnedServer } from './spawnServer';

export const ACCOUNT = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'bench-auth-token-0123456789abcdef';
const PUBLIC_URL = 'https://hub.example.gov.uk/api/sms';

export interface SmsServer {
  server: SpawnedServer & { startupMs: number };
  standIn: TwilioStandIn;
  /** The X-Twilio-Signature Twilio would send with these form parameters. */
  sign(params: Record<string, string>): string;
  stop(): Promise<void>;
}

export async function startSmsServer(variant: 'echo' | 'resident', label: string): Promise<SmsServer> {
  const standIn = await new TwilioStandIn(ACCOUNT, TOKEN).start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${label}-${variant}-`));
  const server = await spawnServer(
    {
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_PHONE_NUMBER: '+447700900000',
      TWILIO_WEBHOOK_URL: PUBLIC_URL,
      TWILIO_API_URL: standIn.url,
      SMS_RATE_LIMIT: '100000',
      HASH_SECRET: 'bench-hash-secret-0123456789abcdef0123456789',
      DATA_DIR: dataDir,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
    },
    variant === 'echo' ? ['--bot', 'echo'] : [],
  );
  return {
    server,
    standIn,
    sign: (params) => twilio.getExpectedTwilioSignature(TOKEN, PUBLIC_URL, params),
    stop: async () => {
      await server.stop();
      await standIn.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
