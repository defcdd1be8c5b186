/**
 * Live events between instances (services/events/relay.ts): the relay on its own over one embedded store shared by
 * two "instances", then two whole servers on one store file, where a worker's console on one sees a resident whose
 * texts land on the other.
 */
import assert from 'node:assert/strict';
import { EventRelay, type RelayedEvent } from '../services/events/relay';
import type { Handoff } from '../services/handoff/model';
import { HandoffStream, type HandoffStreamEvent } from '../services/handoff/stream';
import { HubEvents, type HubEvent } from '../services/hub/events';
import { createLogger } from '../services/logger';
import { SqliteStore } from '../services/store/sqliteStore';
import type { TranscriptLine } from '../services/handoff/model';
import { clientWithSession, createStaffFast } from './support/hubClient';
import { Phone, startSmsHarness, type SmsHarness } from './support/smsHarness';
import { SseReader } from './support/sse';
import { makeReferral } from './support/referralFactory';
import { tempDataDir } from './support/testApp';

const logger = createLogger({ level: 'silent' });

interface Instance {
  relay: EventRelay;
  hubEvents: HubEvents;
  stream: HandoffStream;
  heard: HubEvent[];
}

function instance(store: SqliteStore, name: string, now: () => number): Instance {
  const hubEvents = new HubEvents();
  const stream = new HandoffStream();
  const heard: HubEvent[] = [];
  hubEvents.subscribe((e) => heard.push(e));
  // A long interval: the tests call poll() themselves.
  const relay = new EventRelay({ repo: store.relayEvents, hubEvents, handoffStream: stream, handoffs: store.handoffs, logger }, { intervalMs: 60_000, instanceId: name, now }).start();
  return { relay, hubEvents, stream, heard };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('event relay between instances', () => {
  let store: SqliteStore;
  let clock: number;
  let a: Instance;
  let b: Instance;
  beforeEach(async () => {
    store = await SqliteStore.open(':memory:');
    clock = Date.parse('2026-11-16T10:00:00.000Z');
    a = instance(store, 'instance-a', () => clock);
    b = instance(store, 'instance-b', () => clock);
  });
  afterEach(async () => {
    await a.relay.stop();
    await b.relay.stop();
    await store.close();
  });

  it('when a queue event is published on one instance, then the other delivers it once and the first does not hear it twice', async () => {
    const referral = makeReferral({ reference: 'HUB-RELAY1' });
    a.hubEvents.publish('referral.created', referral);
    await settle();
    clock += 1_000;
    await b.relay.poll();
    await a.relay.poll();
    await b.relay.poll();
    assert.deepEqual(b.heard.map((e) => [e.type, 'reference' in e ? e.reference : null]), [['referral.created', 'HUB-RELAY1']]);
    assert.equal(a.heard.length, 1, 'the publishing instance heard it once, when it was published');
    // Relayed events are not relayed again.
    assert.equal((await store.relayEvents.since('1970-01-01T00:00:00.000Z', 100)).length, 1);
  });

  it('when an event was stored with a time behind the reader (written late), then it is still delivered, once', async () => {
    clock += 5_000;
    await b.relay.poll(); // b has looked up to now
    const late: RelayedEvent = {
      id: 'late-1',
      origin: 'instance-c',
      at: new Date(clock - 3_000).toISOString(),
      body: { topic: 'hub', event: { type: 'safeguarding.alert', conversationId: 'sms-abc', channel: 'sms', categories: ['danger'], at: '2026-11-16T10:00:02.000Z' } },
    };
    await store.relayEvents.append(late);
    await b.relay.poll();
    await b.relay.poll();
    assert.deepEqual(b.heard.map((e) => e.type), ['safeguarding.alert']);
  });

  it("when a live chat message is relayed, then the store holds its line number, not the words, and the watching instance reads the words from the transcript", async () => {
    const now = new Date(clock).toISOString();
    const handoff: Handoff = {
      id: 'handoff-relay-1', conversationId: 'sms-relay', channel: 'sms', address: { kind: 'sms', phone: '+447700900123' }, mode: 'console',
      status: 'active', urgent: false, requestedAt: now, acceptedAt: now, acceptedBy: 'staff-1', endedAt: null, endReason: null,
      lastActivityAt: now, journey: {}, referralId: null, transcript: [],
    };
    await store.handoffs.openIfNone(handoff);
    const heard: HandoffStreamEvent[] = [];
    b.stream.subscribe(handoff.id, (e) => heard.push(e));
    const updated = await store.handoffs.append(handoff.id, { at: now, from: 'resident', staffId: null, text: 'my boiler has broken' });
    const line = updated?.transcript.at(-1) as TranscriptLine;
    a.stream.publish({ type: 'message', handoffId: handoff.id, line });
    a.stream.publish({ type: 'ended', handoffId: handoff.id, reason: 'worker', at: now });
    await settle();
    clock += 1_000;
    await b.relay.poll();
    assert.deepEqual(heard.map((e) => e.type), ['message', 'ended']);
    assert.equal(heard[0]?.type === 'message' && heard[0].line.text, 'my boiler has broken');
    const stored = JSON.stringify(await store.relayEvents.since('1970-01-01T00:00:00.000Z', 100));
    assert.doesNotMatch(stored, /boiler|07700/);
    assert.match(stored, /handoff-line/);
  });

  it('when more events arrive between two looks than one read takes, then every one is delivered', async () => {
    const small = new EventRelay(
      { repo: store.relayEvents, hubEvents: b.hubEvents, handoffStream: b.stream, handoffs: store.handoffs, logger },
      { intervalMs: 60_000, instanceId: 'instance-b2', now: () => clock, batch: 7 },
    );
    for (let n = 0; n < 30; n += 1) a.hubEvents.publish('referral.updated', makeReferral({ reference: `HUB-R${String(n).padStart(5, '0')}` }));
    await settle();
    clock += 1_000;
    await small.poll();
    assert.deepEqual(
      b.heard.map((e) => ('reference' in e ? e.reference : '')),
      Array.from({ length: 30 }, (_, n) => `HUB-R${String(n).padStart(5, '0')}`),
      'all thirty, in the order they were published',
    );
  });

  it('when relayed events are older than the keeping time, then a poll removes them', async () => {
    a.hubEvents.publish('referral.updated', makeReferral());
    await settle();
    clock += 11 * 60_000;
    await b.relay.poll();
    assert.deepEqual(await store.relayEvents.since('1970-01-01T00:00:00.000Z', 100), []);
  });
});

describe('two servers on one store, with EVENT_RELAY', function () {
  this.timeout(60_000);
  let one: SmsHarness;
  let two: SmsHarness;
  const readers: SseReader[] = [];
  afterEach(async () => {
    for (const r of readers.splice(0)) r.close();
    await two?.stop();
    await one?.stop();
  });

  it("when a resident's texts land on one server, then a worker whose console is on the other sees them join the queue and sees their words live", async () => {
    const dataDir = tempDataDir();
    const env = { EVENT_RELAY: 'true', EVENT_RELAY_INTERVAL_MS: '100' };
    one = await startSmsHarness({ dataDir, env });
    two = await startSmsHarness({ dataDir, env });
    const worker = await clientWithSession(one.t.app, one.t.url, await createStaffFast(one.t.app, 'hub-worker', 1));
    const hubEvents = await SseReader.open(worker, '/api/hub/events');
    readers.push(hubEvents);

    const phone = new Phone(two); // the load balancer sends this resident's texts to the second server
    await phone.text('I feel lonely');
    assert.match(await phone.text('speak to a person'), /in the queue/);
    const waiting = await hubEvents.next<{ id: string; channel: string }>('handoff.waiting');
    assert.equal(waiting.channel, 'sms');

    const accepted = await worker.post<Handoff>(`/api/hub/handoffs/${waiting.id}/accept`);
    assert.equal(accepted.status, 200);
    const stream = await SseReader.open(worker, `/api/hub/handoffs/${waiting.id}/events`);
    readers.push(stream);
    assert.equal(await phone.text('hello from the other server'), '', 'the bot stays silent on the server the text reached');
    const message = await stream.next<{ line: TranscriptLine }>('message');
    assert.equal(message.line.text, 'hello from the other server');
  });
});
