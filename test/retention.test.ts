/**
 * The retention job against the real app and embedded store, with the fixed clock (Monday 16 November 2026):
 * what is anonymised, erased and deleted, what is kept, and what the audit log records.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_COUNCILS_DIR, loadCouncilProfile, RETENTION_DEFAULTS } from '../services/council/loadProfile';
import pino from 'pino';
import { loadConfig } from '../bot/config';
import { anonymiseReferral, isAnonymised, RetentionJob, REMOVED, scheduleRetention } from '../services/retention';
import type { OutboundSms } from '../services/store/types';
import { makeReferral, numbered } from './support/referralFactory';
import { startTestApp, tempDataDir, TEST_NOW, type TestApp } from './support/testApp';

const LONG_AGO = '2024-09-01T10:00:00.000Z'; // more than 24 months before TEST_NOW
const LAST_YEAR = '2025-12-01T10:00:00.000Z'; // less than 24 months before

function outbound(id: string, createdAt: string, status: OutboundSms['status']): Omit<OutboundSms, 'seq'> {
  return { id, conversationId: `sms-${id}`, to: '+447700900123', body: 'a reply', status, attempts: 1, lastError: null, nextAttemptAt: null, twilioSid: null, createdAt, updatedAt: createdAt };
}

describe('retention job', function () {
  this.timeout(20_000);
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.stop();
  });

  async function seed(): Promise<void> {
    const { store } = t.app;
    const asb = makeReferral({ ...numbered(1), kind: 'asb', status: 'closed', outcome: 'resolved', createdAt: LONG_AGO, updatedAt: LONG_AGO });
    await store.referrals.insertIfAbsent({
      ...asb,
      answers: { ...asb.answers, kind: 'asb', location: 'Outside 12 Example Road', description: 'The man at number 14 shouts' } as typeof asb.answers,
      notes: [{ at: LONG_AGO, actor: 'staff-1', text: 'Spoke to Margaret on 07700 900123' }],
    });
    await store.referrals.insertIfAbsent(makeReferral({ ...numbered(2), status: 'closed', outcome: 'helped', createdAt: LONG_AGO, updatedAt: LAST_YEAR }));
    await store.referrals.insertIfAbsent(makeReferral({ ...numbered(3), status: 'new', createdAt: LONG_AGO, updatedAt: LONG_AGO }));
    await store.referrals.insertIfAbsent(makeReferral({ ...numbered(4), kind: 'cost-of-living', status: 'withdrawn', createdAt: LONG_AGO, updatedAt: LONG_AGO }));

    t.clock.set('2026-07-01T10:00:00.000Z'); // 138 days before TEST_NOW
    await store.botState.write('webchat/conversations/old-conversation/', { dialogState: {} });
    t.clock.set('2026-10-01T10:00:00.000Z'); // 46 days before
    await store.botState.write('directline/log/old-log', { activities: [] });
    await store.botState.write('sms/conversations/recent-conversation/', { dialogState: {} });
    t.clock.set(TEST_NOW);
    await store.botState.write('directline/log/new-log', { activities: [] });

    await store.sms.enqueueOutbound(outbound('old', '2026-10-01T10:00:00.000Z', 'delivered'));
    await store.sms.enqueueOutbound(outbound('new', '2026-11-10T10:00:00.000Z', 'delivered'));
    await store.sms.recordInbound({ messageSid: 'SMold', conversationId: 'sms-x', from: '+447700900123', body: 'hi', numMedia: 0, receivedAt: '2026-10-01T10:00:00.000Z', processedAt: null });
    await store.sms.markInboundProcessed('SMold', '2026-10-01T10:00:01.000Z');
  }

  it('when data is past its retention period, then old finished referrals are anonymised and old state, logs and texts are deleted', async () => {
    await seed();
    const report = await t.app.retention.run();
    assert.deepEqual(report, {
      referralsAnonymised: 2,
      referralsErased: 0,
      conversationStatesDeleted: 1,
      smsInboundDeleted: 1,
      smsOutboundDeleted: 1,
      directLineLogsDeleted: 1,
      handoffsDeleted: 0,
    });
    const { store } = t.app;
    const asb = await store.referrals.get('referral-1');
    assert.ok(asb && isAnonymised(asb));
    assert.deepEqual(asb.contact, { anonymous: true });
    assert.equal(asb.answers.kind === 'asb' && asb.answers.location, REMOVED);
    assert.equal(asb.answers.kind === 'asb' && asb.answers.description, null);
    assert.deepEqual(asb.notes.map((n) => n.text), [REMOVED]);
    assert.equal(asb.kind, 'asb', 'kind kept for statistics');
    assert.equal(asb.ward.code, 'E05012345', 'ward kept for statistics');
    assert.equal(asb.outcome, 'resolved', 'outcome kept');
    assert.equal(asb.createdAt, LONG_AGO, 'dates kept');
    assert.ok(!JSON.stringify(asb).includes('07700') && !JSON.stringify(asb).includes('Test Resident'));
    assert.ok(isAnonymised((await store.referrals.get('referral-4'))!), 'withdrawn referrals too');
    assert.equal((await store.referrals.get('referral-2'))?.contact.anonymous, false, 'closed within 24 months: kept');
    assert.equal((await store.referrals.get('referral-3'))?.contact.anonymous, false, 'still open: kept whatever its age');
    assert.deepEqual(await store.botState.keys(''), ['directline/log/new-log', 'sms/conversations/recent-conversation/']);
    assert.equal(await store.sms.getOutbound('old'), null);
    assert.ok(await store.sms.getOutbound('new'));
  });

  it('when the job runs, then the audit log records counts only, and a second run changes nothing', async () => {
    await seed();
    await t.app.retention.run();
    const second = await t.app.retention.run();
    assert.deepEqual(Object.values(second), [0, 0, 0, 0, 0, 0, 0]);
    const entries = await t.app.store.audit.list({ action: 'retention.run' });
    assert.equal(entries.length, 2);
    const first = entries.find((e) => e.detail.referralsAnonymised === 2);
    assert.ok(first);
    assert.equal(first.actor, 'system');
    assert.equal(first.subject, null);
    assert.ok(Object.values(first.detail).every((v) => typeof v === 'number'), 'counts only');
  });

  it('when the council chose erasure, then old finished referrals are deleted instead', async () => {
    await seed();
    const job = new RetentionJob({ store: t.app.store, clock: t.clock, logger: t.app.logger, settings: { ...RETENTION_DEFAULTS, closedReferralAction: 'erase' } });
    const report = await job.run();
    assert.equal(report.referralsErased, 2);
    assert.equal(await t.app.store.referrals.get('referral-1'), null);
    assert.ok(await t.app.store.referrals.get('referral-2'));
  });
});

describe('retention settings in the council profile', () => {
  it('when Rotherham’s profile is loaded, then its retention periods are the documented ones', () => {
    assert.deepEqual(loadCouncilProfile('rotherham').retention, RETENTION_DEFAULTS);
  });

  it('when a profile says nothing about retention, then the defaults apply; a bad period is refused', () => {
    const dir = tempDataDir();
    fs.cpSync(path.join(DEFAULT_COUNCILS_DIR, 'rotherham'), path.join(dir, 'testshire'), { recursive: true });
    const file = path.join(dir, 'testshire', 'profile.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete json.retention;
    fs.writeFileSync(file, JSON.stringify(json));
    assert.deepEqual(loadCouncilProfile('testshire', { councilsDir: dir }).retention, RETENTION_DEFAULTS);
    fs.writeFileSync(file, JSON.stringify({ ...json, retention: { smsDays: 0 } }));
    assert.throws(() => loadCouncilProfile('testshire', { councilsDir: dir }), /retention/);
  });

  it('when an ASB report from an Open311 client is anonymised, then its coordinates go with the location', () => {
    const base = makeReferral({ kind: 'asb', status: 'closed' });
    const withCoordinates = makeReferral({ kind: 'asb', status: 'closed', answers: { ...(base.answers as Extract<typeof base.answers, { kind: 'asb' }>), coordinates: { lat: 53.43, long: -1.35 } } });
    const r = anonymiseReferral(withCoordinates, TEST_NOW);
    assert.ok(r.answers.kind === 'asb');
    assert.equal(r.answers.location, REMOVED);
    assert.equal('coordinates' in r.answers, false);
  });

  it('anonymising keeps the referral valid and marks it once', () => {
    const r = anonymiseReferral(makeReferral({ status: 'closed' }), TEST_NOW);
    assert.ok(isAnonymised(r));
    assert.equal(r.version, 1);
    assert.equal(r.history.at(-1)?.why, 'anonymised under the retention policy');
  });
});

describe('retention schedule', () => {
  it('when scheduled, then the job runs after the first delay and then on every interval, until stopped', async () => {
    let runs = 0;
    const job = { run: async () => { runs += 1; return { referralsAnonymised: 0, referralsErased: 0, conversationStatesDeleted: 0, smsInboundDeleted: 0, smsOutboundDeleted: 0, directLineLogsDeleted: 0, handoffsDeleted: 0 }; } };
    const silent = pino({ level: 'silent' });
    const stop = scheduleRetention(job, silent, { firstRunMs: 5, everyMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    stop();
    const seen = runs;
    assert.ok(seen >= 2, `ran ${seen} times`);
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(runs, seen, 'no run after stop');
  });

  it('when RETENTION_SCHEDULE is not set, then it is off', () => {
    assert.equal(loadConfig({}).RETENTION_SCHEDULE, 'off');
    assert.throws(() => loadConfig({ RETENTION_SCHEDULE: 'daily' }), /RETENTION_SCHEDULE/);
  });
});
