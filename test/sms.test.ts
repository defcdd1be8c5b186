/**
 * The SMS channel end to end: the real `twilio` library sending to a local stand-in for Twilio's REST API, and
 * webhooks signed exactly as Twilio signs them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sinon from 'sinon';
import twilio from 'twilio';
import { renderForSms } from '../bot/channels/twilio/render';
import { countSegments } from '../services/sms/segments';
import { ACCOUNT_SID, AUTH_TOKEN, newMessageSid, Phone, postForm, PUBLIC_WEBHOOK, sign, startSmsHarness, type SmsHarness } from './support/smsHarness';
import { makeReferral } from './support/referralFactory';
import { startTestApp, tempDataDir } from './support/testApp';
import { referenceIn } from './support/transcript';

interface Vector {
  name: string;
  url: string;
  params: Record<string, string | string[]> | 'default_params';
  body?: string;
  signature: string;
}
const vectorsFile = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'twilio-signature-vectors.json'), 'utf8')) as {
  auth_token: string;
  default_params: Record<string, string>;
  vectors: Vector[];
};

describe('Twilio signature vectors (test/fixtures/twilio-signature-vectors.json)', () => {
  for (const v of vectorsFile.vectors) {
    it(`accepts "${v.name}" and rejects it with one character changed`, () => {
      const params = v.params === 'default_params' ? vectorsFile.default_params : v.params;
      const check = (signature: string) =>
        v.body !== undefined
          ? twilio.validateRequestWithBody(vectorsFile.auth_token, signature, v.url, v.body)
          : twilio.validateRequest(vectorsFile.auth_token, signature, v.url, params);
      assert.equal(check(v.signature), true);
      const tampered = (v.signature[0] === 'A' ? 'B' : 'A') + v.signature.slice(1);
      assert.equal(check(tampered), false);
    });
  }
});

describe('SMS channel', function () {
  let h: SmsHarness;
  beforeEach(async () => {
    h = await startSmsHarness();
  });
  afterEach(async () => {
    sinon.restore();
    await h.stop();
  });

  it('when a resident texts through the whole befriending journey, then they get a reference by text and the referral is saved', async () => {
    const phone = new Phone(h);
    const first = await phone.text('Im so lonely');
    assert.match(first, /for you, or for someone else/);
    assert.match(first, /Reply 1 for For me, 2 for For someone else/);
    assert.match(await phone.text('1'), /What is your name/);
    assert.match(await phone.text('Margaret Hall'), /Reply 1 for Phone call, 2 for Text message, 3 for Email/);
    assert.match(await phone.text('text'), /mobile number/);
    assert.match(await phone.text(phone.number.replace('+44', '0')), /best time/);
    assert.match(await phone.text('one'), /postcode/);
    assert.match(await phone.text('s60 9zz'), /1 A regular phone call/);
    assert.match(await phone.text('1 3'), /anything that would help/i);
    const consent = await phone.text('no');
    assert.match(consent, /^Privacy: Rotherham/);
    assert.match(consent, /We keep them 2 years after your request is closed, then remove anything that identifies you\./, "as the profile's retention says");
    assert.match(await phone.text('yes'), /Shall I send this/);
    const done = await phone.text('1');
    const referral = await h.t.app.store.referrals.getByReference(referenceIn(done));
    assert.ok(referral);
    assert.equal(referral.channel, 'sms');
    assert.match(referral.conversationId, /^sms-[0-9a-f]{40}$/);
    assert.ok(!referral.conversationId.includes(phone.number.slice(1)));
    assert.deepEqual(referral.answers.kind === 'befriending' && referral.answers.interests, ['phone-call', 'groups']);
    for (const sent of h.twilioApi.messagesTo(phone.number)) {
      assert.equal(sent.from, '+447700900000');
      assert.equal(sent.statusCallback, `${PUBLIC_WEBHOOK}/status`);
      assert.ok(countSegments(sent.body).units <= 320 || !sent.body.includes('\n\n'), `a text that could have been split: ${sent.body}`);
      assert.equal(countSegments(sent.body).encoding, 'GSM-7', `not GSM-7: ${sent.body}`);
    }
  });

  it('when the signature is missing or forged, then it answers 403 and nothing is stored or sent', async () => {
    const phone = new Phone(h);
    const params = phone.params('hello');
    assert.equal((await postForm(h.t.url, '/api/sms', params, null)).status, 403);
    assert.equal((await postForm(h.t.url, '/api/sms', params, sign(params, PUBLIC_WEBHOOK, 'wrong-token'))).status, 403);
    assert.equal((await postForm(h.t.url, '/api/sms', params, sign(params, 'https://attacker.example/api/sms'))).status, 403);
    const altered = { ...params, Body: 'STOP' };
    assert.equal((await postForm(h.t.url, '/api/sms', altered, sign(params))).status, 403, 'signature over a different body');
    await h.t.app.sms?.channel.idle();
    assert.deepEqual(await h.t.app.store.sms.pendingInbound(), []);
    assert.equal(h.twilioApi.attempts, 0);
    assert.deepEqual(await h.t.app.store.botState.keys(''), []);
  });

  it('when a signed body is malformed, then it answers 400 and nothing is stored', async () => {
    const phone = new Phone(h);
    const bodies: Record<string, string>[] = [
      { ...phone.params('hi'), MessageSid: 'not-a-sid' },
      { ...phone.params('hi'), From: 'not a number' },
      { ...phone.params('x'.repeat(1601)) },
      { AccountSid: ACCOUNT_SID },
    ];
    for (const params of bodies) {
      const res = await postForm(h.t.url, '/api/sms', params, sign(params));
      assert.equal(res.status, 400, JSON.stringify(params).slice(0, 80));
    }
    assert.equal(h.twilioApi.attempts, 0);
    assert.deepEqual(await h.t.app.store.botState.keys(''), []);
  });

  it('when the webhook is for another Twilio account, then it is refused', async () => {
    const phone = new Phone(h);
    const params = { ...phone.params('hi'), AccountSid: `AC${'f'.repeat(32)}` };
    assert.equal((await postForm(h.t.url, '/api/sms', params, sign(params))).status, 403);
  });

  it('when Twilio delivers the same MessageSid twice, then it is processed once', async () => {
    const phone = new Phone(h);
    const params = phone.params('I feel lonely');
    const [a, b] = await Promise.all([postForm(h.t.url, '/api/sms', params, sign(params)), postForm(h.t.url, '/api/sms', params, sign(params))]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.match(await a.text(), /<Response><\/Response>/);
    await h.t.app.sms?.channel.idle();
    assert.equal(phone.newReplies().length, 1, 'one reply text, not two');
    assert.match(await phone.text('1'), /What is your name/, 'the journey advanced by one step only');
  });

  it('when a resident texts STOP, then nothing is sent until START, and START brings the bot back', async () => {
    const phone = new Phone(h);
    await phone.text('hi');
    assert.equal(await phone.text('STOP'), '');
    assert.equal(await phone.text('I feel lonely'), '', 'no reply to an opted-out number');
    const proactive = h.t.app.sms?.channel.sendToResident(phone.number, 'Hello from the hub');
    await assert.rejects(proactive ?? Promise.reject(new Error('no sms')), /replied STOP/);
    assert.match(await phone.text('Start'), /You will get texts from Rotherham Community Hub again/);
    assert.match(await phone.text('I feel lonely'), /for you, or for someone else/);
    const audit = (await h.t.app.store.audit.list()).map((e) => e.action);
    assert.ok(audit.includes('sms.opted-out') && audit.includes('sms.opted-in'));
  });

  for (const keyword of ['STOPALL', 'unsubscribe', 'Cancel', 'END', 'quit']) {
    it(`when a resident texts ${keyword}, then they are opted out`, async () => {
      const phone = new Phone(h);
      await phone.text(keyword);
      assert.equal(await phone.text('hello'), '');
    });
  }

  it('when a resident texts "yes" without having opted out, then it is an answer, not a keyword', async () => {
    const phone = new Phone(h);
    await phone.text('I want someone to talk to for my dad');
    assert.match(await phone.text('2'), /Have they agreed/);
    assert.match(await phone.text('YES'), /What is their name/);
  });

  it('when an opted-out resident texts about suicide, then no text is sent but the risk is recorded for staff', async () => {
    const phone = new Phone(h);
    await phone.text('STOP');
    assert.equal(await phone.text('i want to kill myself'), '');
    const events = await h.t.app.store.audit.list({ action: 'safeguarding.risk-detected' });
    assert.equal(events.length, 1);
  });

  it('when a resident texts HELP or INFO, then they get the council contact details and the journey is untouched', async () => {
    const phone = new Phone(h);
    await phone.text('report anti-social behaviour');
    for (const word of ['HELP', 'info']) {
      const reply = await phone.text(word);
      assert.match(reply, /Rotherham Community Hub: call 0114 496 0/);
      assert.match(reply, /999/);
    }
    assert.match(await phone.text('1'), /Where is it happening/);
  });

  it('when a resident sends a picture, then they are told pictures cannot be used and the text is still read', async () => {
    const phone = new Phone(h);
    const reply = await phone.text('kids smashing windows on our street', { NumMedia: '1', MediaUrl0: 'https://api.twilio.com/x.jpg', MediaContentType0: 'image/jpeg' });
    assert.match(reply, /cannot use pictures/);
    assert.match(reply, /Where is it happening/);
  });

  it('when one number floods the hub, then it is told once to slow down and then ignored, while others are answered', async () => {
    await h.stop();
    h = await startSmsHarness({ env: { SMS_RATE_LIMIT: '3', SMS_RATE_WINDOW_SECONDS: '60' } });
    const flooder = new Phone(h);
    const other = new Phone(h);
    for (let i = 0; i < 3; i += 1) assert.notEqual(await flooder.text('hi'), '');
    assert.match(await flooder.text('hi'), /a lot of messages/);
    assert.equal(await flooder.text('hi'), '');
    assert.equal(await flooder.text('hi'), '');
    assert.match(await other.text('hi'), /What would you like help with/);
    h.t.clock.advance(61_000);
    assert.notEqual(await flooder.text('hi'), '', 'answered again after the window');
  });

  it('when a number over the flood limit texts about suicide, then it gets the crisis lines once per window and staff are alerted every time', async () => {
    await h.stop();
    h = await startSmsHarness({ env: { SMS_RATE_LIMIT: '3', SMS_RATE_WINDOW_SECONDS: '60' } });
    const alerts: string[] = [];
    h.t.app.alerts.subscribe((alert) => {
      alerts.push(alert.conversationId);
    });
    const flooder = new Phone(h);
    for (let i = 0; i < 3; i += 1) await flooder.text('hi');
    assert.match(await flooder.text('hi'), /a lot of messages/);
    assert.equal(await flooder.text('hi'), '', 'limited as before');

    const first = await flooder.text('i want to kill myself');
    assert.match(first, /Samaritans/);
    assert.match(first, /116 123/);
    assert.match(first, /999/);
    assert.equal(await flooder.text('i want to kill myself'), '', 'a flood of crisis texts is not a flood of replies');
    assert.equal(await flooder.text('i want to end my life'), '');

    const events = await h.t.app.store.audit.list({ action: 'safeguarding.risk-detected' });
    assert.equal(events.length, 3);
    assert.ok(events.every((e) => (e.detail as { rateLimited?: boolean }).rateLimited === true));
    assert.doesNotMatch(JSON.stringify(events), /kill myself|end my life/);
    assert.equal(alerts.length, 3);

    h.t.clock.advance(61_000);
    assert.match(await flooder.text('i want to kill myself'), /116 123/, 'after the window the bot answers again');
  });

  it('when Twilio fails, then the text is retried with backoff, attempts are recorded, and it is finally sent', async () => {
    const phone = new Phone(h);
    h.twilioApi.failNext(2, { status: 503, code: 20503, message: 'Service Unavailable' });
    assert.equal(await phone.text('hi'), '', 'nothing delivered yet');
    let [row] = await h.t.app.store.sms.outboundFor(h.t.app.sms?.channel.conversationIdFor(phone.number) ?? '');
    assert.equal(row?.status, 'retrying');
    assert.equal(row?.attempts, 1);
    assert.equal(row?.lastError, 'twilio 20503');
    h.t.clock.advance(2_000);
    await h.t.app.sms?.outbox.flush();
    h.t.clock.advance(4_000);
    await h.t.app.sms?.outbox.flush();
    [row] = await h.t.app.store.sms.outboundFor(row?.conversationId ?? '');
    assert.equal(row?.status, 'sent');
    assert.equal(row?.attempts, 3);
    assert.match(phone.newReplies().join(''), /What would you like help with/);
  });

  it('when a send keeps failing, then it ends as failed with the reason and is not dropped silently', async () => {
    const phone = new Phone(h);
    h.twilioApi.failNext(10);
    await phone.text('hi');
    for (let i = 0; i < 6; i += 1) {
      h.t.clock.advance(60_000);
      await h.t.app.sms?.outbox.flush();
    }
    const rows = await h.t.app.store.sms.outboundFor(h.t.app.sms?.channel.conversationIdFor(phone.number) ?? '');
    assert.equal(rows[0]?.status, 'failed');
    assert.equal(rows[0]?.attempts, 5);
    assert.equal(rows[0]?.lastError, 'twilio 20500');
  });

  it('when Twilio says the number is unsubscribed (21610), then the text is suppressed and the number opted out', async () => {
    const phone = new Phone(h);
    h.twilioApi.failNext(1, { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    await phone.text('hi');
    const conversationId = h.t.app.sms?.channel.conversationIdFor(phone.number) ?? '';
    assert.equal((await h.t.app.store.sms.outboundFor(conversationId))[0]?.status, 'suppressed');
    assert.equal(await h.t.app.store.sms.isOptedOut(conversationId), true);
  });

  it('when Twilio posts a signed delivery status, then it is stored; unsigned ones are refused', async () => {
    const phone = new Phone(h);
    await phone.text('hi');
    const [sent] = h.twilioApi.messagesTo(phone.number);
    assert.ok(sent);
    const statusUrl = `${PUBLIC_WEBHOOK}/status`;
    const params = { MessageSid: sent.sid, AccountSid: ACCOUNT_SID, MessageStatus: 'delivered', To: phone.number };
    assert.equal((await postForm(h.t.url, '/api/sms/status', params, null)).status, 403);
    assert.equal((await postForm(h.t.url, '/api/sms/status', params, sign(params))).status, 403, 'signed for the wrong URL');
    assert.equal((await postForm(h.t.url, '/api/sms/status', params, sign(params, statusUrl))).status, 204);
    const failedLater = { ...params, MessageStatus: 'sent' };
    assert.equal((await postForm(h.t.url, '/api/sms/status', failedLater, sign(failedLater, statusUrl))).status, 204);
    const rows = await h.t.app.store.sms.outboundFor(h.t.app.sms?.channel.conversationIdFor(phone.number) ?? '');
    assert.equal(rows[0]?.status, 'delivered');
    const bad = { MessageSid: sent.sid, AccountSid: ACCOUNT_SID, MessageStatus: 'exploded' };
    assert.equal((await postForm(h.t.url, '/api/sms/status', bad, sign(bad, statusUrl))).status, 400);
  });

  it('when the hub texts a resident who consented, then it goes through the outbox to Twilio', async () => {
    const phone = new Phone(h);
    await h.t.app.sms?.channel.sendToResident(phone.number, 'Hello, this is the hub. We will call you tomorrow morning.');
    await h.t.app.sms?.outbox.flush();
    assert.deepEqual(phone.newReplies(), ['Hello, this is the hub. We will call you tomorrow morning.']);
  });

  it('when a resident is half-way through by text and the server restarts, then the next text carries on', async () => {
    const dataDir = tempDataDir();
    await h.stop();
    h = await startSmsHarness({ dataDir });
    const phone = new Phone(h, '+447700900555');
    await phone.text('report anti-social behaviour');
    assert.match(await phone.text('2'), /Where/);
    await h.stop();
    h = await startSmsHarness({ dataDir });
    const resumed = new Phone(h, '+447700900555');
    assert.match(await resumed.text('Clifton Park gates'), /When is it happening/);
  });

  it('when the server stops after storing a text but before answering it, then the text is answered after restart', async () => {
    const dataDir = tempDataDir();
    await h.stop();
    h = await startSmsHarness({ dataDir });
    // Simulate the crash window: the webhook stored the text, the process died before the turn ran.
    await h.t.app.store.sms.recordInbound({
      messageSid: newMessageSid(),
      conversationId: h.t.app.sms?.channel.conversationIdFor('+447700900556') ?? '',
      from: '+447700900556',
      body: 'I feel lonely',
      numMedia: 0,
      receivedAt: '2026-11-16T09:59:00.000Z',
      processedAt: null,
    });
    await h.stop();
    h = await startSmsHarness({ dataDir });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await h.t.app.sms?.channel.idle();
    const phone = new Phone(h, '+447700900556');
    assert.match(phone.newReplies().join('\n'), /for you, or for someone else/);
    assert.deepEqual(await h.t.app.store.sms.pendingInbound(), []);
  });

  it('when the server dies after queuing the replies to a text but before marking it processed, then after restart the resident is not answered twice', async () => {
    const dataDir = tempDataDir();
    await h.stop();
    h = await startSmsHarness({ dataDir });
    const number = '+447700900557';
    // The crash window: the replies are in the outbox (and even sent) but the text is never marked processed.
    sinon.stub(h.t.app.store.sms, 'markInboundProcessed').resolves();
    assert.match(await new Phone(h, number).text('I feel lonely'), /for you, or for someone else/);
    const conversationId = h.t.app.sms?.channel.conversationIdFor(number) ?? '';
    const queuedBefore = (await h.t.app.store.sms.outboundFor(conversationId)).map((m) => m.id);
    assert.equal((await h.t.app.store.sms.pendingInbound()).length, 1);
    await h.stop();

    h = await startSmsHarness({ dataDir });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await h.t.app.sms?.channel.idle();
    const phone = new Phone(h, number);
    assert.deepEqual(phone.newReplies(), [], 'the replayed text found its replies already queued');
    assert.deepEqual((await h.t.app.store.sms.outboundFor(conversationId)).map((m) => m.id), queuedBefore);
    assert.deepEqual(await h.t.app.store.sms.pendingInbound(), []);
    assert.match(await phone.text('1'), /What is your name/, 'and the journey carries on from where it was');
  });

  it('when a text is processed, then neither the number nor the words are kept in the inbound record or the state keys', async () => {
    const phone = new Phone(h);
    await phone.text('can not afford food');
    const keys = await h.t.app.store.botState.keys('');
    assert.ok(keys.length > 0);
    assert.ok(keys.every((k) => !k.includes(phone.number.slice(3))), keys.join(','));
    assert.deepEqual(await h.t.app.store.sms.pendingInbound(), []);
  });
});

describe('SMS rendering', () => {
  it('turns suggested actions into numbered options, short ones inline and long ones as a list', () => {
    const [short] = renderForSms([{ type: 'message', text: 'Is anyone in danger?', suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Yes', value: 'Yes' }, { type: 'imBack', title: 'No', value: 'No' }] } }]);
    assert.equal(short, 'Is anyone in danger?\nReply 1 for Yes, 2 for No');
    const [long] = renderForSms([{ type: 'message', text: 'What kind?', suggestedActions: { to: [], actions: ['Noise', 'Vandalism or damage', 'Drug activity', 'Intimidation or harassment'].map((t) => ({ type: 'imBack', title: t, value: t })) } }]);
    assert.equal(long, 'What kind?\nReply with a number:\n1 Noise\n2 Vandalism or damage\n3 Drug activity\n4 Intimidation or harassment');
  });

  it('strips markdown and replaces typographic characters so the text stays GSM-7', () => {
    const [text] = renderForSms([{ type: 'message', text: '**Thank you** \u2014 we\u2019ll call. See [our page](https://example.org/hub)\u2026' }]);
    assert.equal(text, "Thank you - we'll call. See our page (https://example.org/hub)...");
    assert.equal(countSegments(text ?? '').encoding, 'GSM-7');
  });

  it('joins short replies into one text and splits long ones within 320 characters', () => {
    const joined = renderForSms([{ type: 'message', text: 'OK.' }, { type: 'message', text: 'What is your name?' }]);
    assert.deepEqual(joined, ['OK.\n\nWhat is your name?']);
    const long = 'This sentence is exactly long enough to matter. '.repeat(15).trim();
    const parts = renderForSms([{ type: 'message', text: long }]);
    assert.ok(parts.length >= 3);
    for (const p of parts) assert.ok(p.length <= 320, `${p.length} characters`);
    assert.equal(parts.join(' '), long);
  });

  it('counts segments as carriers do: GSM-7 160/153, extension characters double, UCS-2 70/67', () => {
    assert.deepEqual(countSegments('a'.repeat(160)), { encoding: 'GSM-7', units: 160, segments: 1 });
    assert.deepEqual(countSegments('a'.repeat(161)), { encoding: 'GSM-7', units: 161, segments: 2 });
    assert.deepEqual(countSegments('€'.repeat(80)), { encoding: 'GSM-7', units: 160, segments: 1 });
    assert.deepEqual(countSegments('ą'.repeat(70)), { encoding: 'UCS-2', units: 70, segments: 1 });
    assert.deepEqual(countSegments('ą'.repeat(71)), { encoding: 'UCS-2', units: 71, segments: 2 });
    assert.deepEqual(countSegments('😀'), { encoding: 'UCS-2', units: 2, segments: 1 });
  });
});

describe('npm run sms (the terminal phone)', () => {
  it('when the server simulates Twilio, then the script texts it and prints the replies', async () => {
    const t = await startTestApp({ env: { SMS_SIMULATOR: 'on' } });
    try {
      const child = spawn(process.execPath, ['--no-deprecation', '--import', 'tsx', path.join(__dirname, '..', 'scripts', 'sms.ts'), '--from', '+447700900777'], {
        env: { ...process.env, DATA_DIR: t.dataDir },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stdin.write('I feel lonely\n');
      child.stdin.write('1\n');
      child.stdin.end();
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 0, output);
      assert.match(output, /Texting the hub \(\+447700900000\) as \+447700900777/);
      assert.match(output, /hub> .*for you, or for someone else/s);
      assert.match(output, /hub> What is your name\?/);
    } finally {
      await t.stop();
    }
  });
});

describe('texts from the staff console (SMS channel as the ResidentMessenger)', () => {
  let h: SmsHarness;
  const actor = { id: 'staff-1', email: 'worker@example.org', role: 'hub-worker' as const, wards: [], ip: null };
  beforeEach(async () => {
    h = await startSmsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('when the resident chose texts, then the worker\'s message reaches their mobile through the outbox', async () => {
    const referral = makeReferral({ contact: { anonymous: false, name: 'Jo', method: 'sms', phone: '07700 900321', bestTime: 'any' } });
    const sent = await h.t.app.residentMessenger.sendText(referral, 'Hello Jo, this is the hub. We will call you tomorrow.', actor);
    assert.equal(sent.status, 'queued');
    await h.t.app.sms?.outbox.flush();
    assert.deepEqual(h.twilioApi.messagesTo('+447700900321').map((m) => m.body), ['Hello Jo, this is the hub. We will call you tomorrow.']);
  });

  it('when the resident chose a phone call, reported anonymously or has opted out, then the text is refused with a reason', async () => {
    const byPhone = makeReferral({ contact: { anonymous: false, name: 'Jo', method: 'phone', phone: '07700 900321', bestTime: 'any' } });
    await assert.rejects(h.t.app.residentMessenger.sendText(byPhone, 'hi', actor), /did not choose to be contacted by text/);
    await assert.rejects(h.t.app.residentMessenger.sendText(makeReferral({ contact: { anonymous: true } }), 'hi', actor), /anonymously/);
    const bySms = makeReferral({ contact: { anonymous: false, name: 'Jo', method: 'sms', phone: '07700 900322', bestTime: 'any' } });
    await new Phone(h, '+447700900322').text('STOP');
    await assert.rejects(h.t.app.residentMessenger.sendText(bySms, 'hi', actor), /replied STOP/);
    await h.t.app.sms?.outbox.flush();
    assert.equal(h.twilioApi.messagesTo('+447700900321').length, 0);
    assert.equal(h.twilioApi.messagesTo('+447700900322').length, 0);
  });
});
