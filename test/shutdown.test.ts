/**
 * The real server process under signals: SIGTERM finishes what it accepted before exiting; SIGKILL loses nothing
 * that was accepted, because the next start answers it.
 */
import assert from 'node:assert/strict';
import { TwilioStandIn } from '../bot/channels/twilio/twilioStandIn';
import { SqliteStore } from '../services/store/sqliteStore';
import { startServerProcess } from './support/processHarness';
import { ACCOUNT_SID, AUTH_TOKEN, HUB_NUMBER, newMessageSid, postForm, PUBLIC_WEBHOOK, sign } from './support/smsHarness';
import { tempDataDir } from './support/testApp';

const RESIDENTS = 30;

function smsEnv(dataDir: string, apiUrl: string): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: HUB_NUMBER,
    TWILIO_WEBHOOK_URL: PUBLIC_WEBHOOK,
    TWILIO_API_URL: apiUrl,
    HASH_SECRET: 'test-hash-secret-0123456789abcdef0123456789',
  };
}

async function textFromEveryone(url: string): Promise<void> {
  const responses = await Promise.all(
    Array.from({ length: RESIDENTS }, (_, i) => {
      const params = {
        MessageSid: newMessageSid(),
        AccountSid: ACCOUNT_SID,
        From: `+447700900${String(200 + i)}`,
        To: HUB_NUMBER,
        Body: 'I feel lonely',
        NumMedia: '0',
      };
      return postForm(url, '/api/sms', params, sign(params));
    }),
  );
  assert.deepEqual(
    responses.map((r) => r.status),
    Array(RESIDENTS).fill(200),
  );
}

describe('shutdown and crash recovery (real process)', function () {
  this.timeout(60_000);
  let twilioApi: TwilioStandIn;
  beforeEach(async () => {
    twilioApi = await new TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN).start();
  });
  afterEach(async () => {
    await twilioApi.stop();
  });

  it('when SIGTERM arrives right after texts are accepted, then every one is answered before the process exits cleanly', async () => {
    const dataDir = tempDataDir();
    const server = await startServerProcess(smsEnv(dataDir, twilioApi.url));
    await textFromEveryone(server.url);
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, server.output());

    assert.equal(new Set(twilioApi.messages.map((m) => m.to)).size, RESIDENTS, 'each resident got their reply');
    const store = await SqliteStore.open(dataDir);
    try {
      assert.deepEqual(await store.sms.pendingInbound(), []);
      assert.deepEqual(await store.sms.pendingOutbound(), []);
    } finally {
      await store.close();
    }
  });

  it('when the process is killed with SIGKILL after accepting texts, then the next start answers every one exactly once', async () => {
    const dataDir = tempDataDir();
    twilioApi.failNext(1_000, { status: 503, code: 20503, message: 'Service Unavailable' }); // nothing leaves before the kill
    const first = await startServerProcess(smsEnv(dataDir, twilioApi.url));
    await textFromEveryone(first.url);
    first.child.kill('SIGKILL');
    await first.exited;
    assert.equal(twilioApi.messages.length, 0);

    twilioApi.clearFailures();
    const second = await startServerProcess(smsEnv(dataDir, twilioApi.url));
    try {
      await twilioApi.waitForMessages(RESIDENTS, 20_000);
      await new Promise((resolve) => setTimeout(resolve, 300)); // anything extra would arrive now
      const perResident = new Map<string, number>();
      for (const m of twilioApi.messages) perResident.set(m.to, (perResident.get(m.to) ?? 0) + 1);
      assert.equal(perResident.size, RESIDENTS);
      assert.ok([...perResident.values()].every((n) => n === 1), 'no resident was answered twice');
      assert.ok(twilioApi.messages.every((m) => /for you, or for someone else/.test(m.body)));
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
