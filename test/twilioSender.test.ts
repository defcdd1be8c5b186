/**
 * TwilioSender on its own: Twilio's library with its own keep-alive client, against the local stand-in for Twilio's
 * REST API (the far side of the network). What the outbox relies on: the text arrives as sent, authenticated; a
 * Twilio error is classified (retry or not, unsubscribed); a network failure is a retryable "network".
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TwilioStandIn } from '../bot/channels/twilio/twilioStandIn';
import { SmsSendError } from '../services/sms/outbox';
import { TwilioSender } from '../services/sms/twilioSender';

const ACCOUNT = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'sender-test-auth-token-0123456789';

describe('TwilioSender (Twilio library, keep-alive)', () => {
  let standIn: TwilioStandIn;
  beforeEach(async () => {
    standIn = await new TwilioStandIn(ACCOUNT, TOKEN).start();
  });
  afterEach(async () => {
    await standIn.stop();
  });

  it('when texts are sent, then each arrives with its number, our number, its exact body and callback, over one connection', async () => {
    const sender = new TwilioSender({ accountSid: ACCOUNT, authToken: TOKEN, from: '+447700900000', statusCallbackUrl: 'https://hub.example/api/sms/status', apiBaseUrl: standIn.url });
    const connections = new Set<unknown>();
    (standIn as unknown as { server: http.Server }).server.on('connection', (socket) => connections.add(socket));
    const bodies = ['Reply 1 for yes & 2 for no', 'Café + 50% off? £5 = "fine"\nnew line', 'emoji 😀 and spaces  '];
    const results = [];
    for (const body of bodies) results.push(await sender.send('+447700900123', body));
    assert.deepEqual(
      standIn.messages.map((m) => [m.to, m.from, m.body, m.statusCallback]),
      bodies.map((body) => ['+447700900123', '+447700900000', body, 'https://hub.example/api/sms/status']),
    );
    assert.deepEqual(results.map((r) => r.sid), standIn.messages.map((m) => m.sid));
    assert.ok(results.every((r) => r.status === 'queued'));
    assert.equal(connections.size, 1, 'keep-alive: one connection for the three sends');
  });

  it('when the auth token is wrong, then Twilio refuses it and the send is not retried', async () => {
    const sender = new TwilioSender({ accountSid: ACCOUNT, authToken: 'not-the-token', from: '+447700900000', apiBaseUrl: standIn.url });
    const err = await sender.send('+447700900123', 'hello').then(() => null, (e: unknown) => e);
    assert.ok(err instanceof SmsSendError);
    assert.deepEqual([err.retryable, err.reason, err.optedOut], [false, 'twilio 20003', false]);
    assert.equal(standIn.messages.length, 0);
  });

  it('when Twilio answers 503, or says the number is unsubscribed (21610), then the error is classified for the outbox', async () => {
    const sender = new TwilioSender({ accountSid: ACCOUNT, authToken: TOKEN, from: '+447700900000', apiBaseUrl: standIn.url });
    standIn.failNext(1, { status: 503, code: 20503, message: 'Service Unavailable' });
    standIn.failNext(1, { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const first = await sender.send('+447700900123', 'one').then(() => null, (e: unknown) => e);
    const second = await sender.send('+447700900123', 'two').then(() => null, (e: unknown) => e);
    assert.ok(first instanceof SmsSendError && second instanceof SmsSendError);
    assert.deepEqual([first.retryable, first.reason, first.optedOut], [true, 'twilio 20503', false]);
    assert.deepEqual([second.retryable, second.reason, second.optedOut], [false, 'twilio 21610', true]);
  });

  it('when nothing listens at the address, then the failure is a retryable "network" error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const sender = new TwilioSender({ accountSid: ACCOUNT, authToken: TOKEN, from: '+447700900000', apiBaseUrl: `http://127.0.0.1:${port}` });
    const err = await sender.send('+447700900123', 'hello').then(() => null, (e: unknown) => e);
    assert.ok(err instanceof SmsSendError);
    assert.deepEqual([err.retryable, err.reason], [true, 'network']);
  });
});
