/**
 * Ward digests, the use cases: build one (for a preview or to send), and send what is due.
 *
 * Sending reads like the story: for each active subscription, its latest due period → for each ward and channel,
 * claim it in the ledger (the idempotency point: a second run, or a second instance, gets nothing to do) → build
 * and render → send → record sent, or failed with a retry time. Failed sends are retried with backoff until they
 * succeed or run out of attempts, and the ledger is what admins look at to see what went wrong.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { CouncilProfile } from '../council/types';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { Store } from '../store/types';
import { buildWardDigest, type WardDigest } from './build';
import { MailerError, type Mailer } from './mailer';
import {
  addTallies,
  channelsOf,
  ledgerKey,
  type DigestChannel,
  type DigestLedgerEntry,
  type DigestPeriod,
  type DigestSubscription,
  type LedgerStatus,
  type WardTally,
} from './model';
import { dueAt, latestDuePeriod, previousPeriod } from './period';
import type { PlaceList } from './places';
import { renderDigest, type RenderedDigest } from './render';

/** Sends a councillor's text summary; resolves with an id for the ledger. Throws AppError 'conflict' after STOP. */
export interface DigestTextSender {
  send(e164: string, text: string): Promise<string | null>;
}

export interface DigestServiceOptions {
  /** Attempts before a digest is abandoned. */
  maxAttempts?: number;
  /** Wait before each retry; the last value repeats. */
  retryDelaysMs?: readonly number[];
  /** How long a claim holds before another instance may take it over. */
  leaseMs?: number;
  /** This instance, in the ledger's claimedBy. */
  instanceId?: string;
}

export interface DigestServiceDeps {
  store: Store;
  profile: Pick<CouncilProfile, 'shortName' | 'hub' | 'wards' | 'wardByCode' | 'areaById' | 'areaLabel'>;
  places: PlaceList;
  clock: Clock;
  logger: Logger;
  mailer: Mailer | null;
  texts: DigestTextSender | null;
  /**
   * Called once for every digest that could not be built or sent (each failed attempt, retried or abandoned), after
   * the ledger records it. The composition root counts these in /metrics; nothing here knows about Prometheus.
   * Carries no contact details. Must not throw; if it does, the error is logged and the run carries on.
   */
  onFailure?: (failure: DigestFailure) => void;
}

export interface DigestFailure {
  channel: DigestChannel;
  wardCode: string;
  outcome: 'failed' | 'abandoned';
  reason: string;
}

export interface RunSummary {
  sent: number;
  failed: number;
  abandoned: number;
  /** Due but already sent, being sent elsewhere, or waiting for a retry. */
  skipped: number;
}

export interface FailureSummary {
  counts: Record<LedgerStatus, number>;
  /** Failed (will retry) and abandoned sends, newest first; no contact details, only ids, wards, periods, reasons. */
  recent: Pick<DigestLedgerEntry, 'key' | 'subscriptionId' | 'wardCode' | 'channel' | 'status' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'updatedAt'>[];
  byReason: { reason: string; count: number }[];
}

const MINUTE = 60_000;
const DEFAULT_RETRY_DELAYS = [5 * MINUTE, 30 * MINUTE, 120 * MINUTE, 360 * MINUTE];
const PLACE_BATCH = 1_000;

export const UNKNOWN_WARD = 'unknown';

export class DigestService {
  readonly instanceId: string;
  private readonly maxAttempts: number;
  private readonly retryDelaysMs: readonly number[];
  private readonly leaseMs: number;

  constructor(private readonly deps: DigestServiceDeps, options: DigestServiceOptions = {}) {
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS;
    this.leaseMs = options.leaseMs ?? 10 * MINUTE;
  }

  /** One digest, for a ward code or {@link UNKNOWN_WARD}. Throws AppError 'not-found' for a code that is not a ward here. */
  async build(wardCode: string, period: DigestPeriod): Promise<WardDigest> {
    return this.buildWith(new TallyCache(this), wardCode, period);
  }

  /**
   * One area's digest (an area from the profile's `areas`, e.g. a neighbourhood for its manager): the counts of its
   * wards added together, then protected against small numbers as one area, the same way as a ward's.
   * Throws AppError 'not-found' for an id that is not an area here.
   */
  async buildArea(areaId: string, period: DigestPeriod): Promise<WardDigest> {
    const { profile } = this.deps;
    const area = profile.areaById(areaId);
    if (area === null) throw new AppError('not-found', `There is no area ${areaId} in this council.`);
    const cache = new TallyCache(this);
    const [now, before] = await Promise.all([cache.get(period), cache.get(previousPeriod(period))]);
    const sum = (tallies: Map<string, WardTally>) => addTallies(area.id, area.wardCodes.map((code) => tallies.get(code)));
    return buildWardDigest({
      profile,
      area: {
        code: area.id,
        name: area.name,
        title: `${area.name} ${profile.areaLabel.toLowerCase()}`,
        wards: area.wardCodes.map((code) => profile.wardByCode(code)?.name ?? code),
      },
      period,
      current: sum(now),
      previous: sum(before),
      unknownWardCount: Object.values(now.get('')?.raised ?? {}).reduce((a, b) => a + b, 0),
      places: this.deps.places,
    });
  }

  /** Every ward's digest for one period (and the unknown-ward one), sharing one set of counts. */
  async buildAll(period: DigestPeriod): Promise<Map<string, WardDigest>> {
    const cache = new TallyCache(this);
    const digests = new Map<string, WardDigest>();
    for (const code of [...this.deps.profile.wards.map((w) => w.code), UNKNOWN_WARD]) {
      digests.set(code, await this.buildWith(cache, code, period));
    }
    return digests;
  }

  render(digest: WardDigest): RenderedDigest {
    return renderDigest(digest);
  }

  /**
   * Sends every digest that is due at the clock's now, then every retry that is due. Safe to run at any time, as
   * often as you like, on as many instances as you like: the ledger sends each (subscription, ward, period, channel)
   * once.
   */
  async runDue(): Promise<RunSummary> {
    const now = this.deps.clock.now();
    const summary: RunSummary = { sent: 0, failed: 0, abandoned: 0, skipped: 0 };
    const cache = new TallyCache(this);
    for (const subscription of await this.deps.store.digestSubscriptions.list({ active: true })) {
      const period = latestDuePeriod(subscription.frequency, now);
      // A councillor subscribed on Tuesday gets their first digest next Monday, not last week's straight away.
      if (dueAt(period).toISOString() < subscription.createdAt) continue;
      for (const wardCode of subscription.wardCodes) {
        for (const channel of channelsOf(subscription)) {
          count(summary, await this.attempt(cache, subscription.id, subscription, wardCode, period, channel));
        }
      }
    }
    for (const entry of await this.deps.store.digestLedger.dueRetries(now.toISOString())) {
      const subscription = await this.deps.store.digestSubscriptions.get(entry.subscriptionId);
      count(summary, await this.attempt(cache, entry.subscriptionId, subscription, entry.wardCode, entry.period, entry.channel));
    }
    if (summary.sent + summary.failed + summary.abandoned > 0) this.deps.logger.info({ ...summary }, 'digest run finished');
    return summary;
  }

  /** Sends one ward's digest for one period to every active subscriber of that ward, through the ledger. */
  async sendForWard(wardCode: string, period: DigestPeriod): Promise<RunSummary> {
    const summary: RunSummary = { sent: 0, failed: 0, abandoned: 0, skipped: 0 };
    const cache = new TallyCache(this);
    for (const subscription of await this.deps.store.digestSubscriptions.list({ active: true, wardCode })) {
      for (const channel of channelsOf(subscription)) {
        count(summary, await this.attempt(cache, subscription.id, subscription, wardCode, period, channel));
      }
    }
    return summary;
  }

  async failures(limit = 50): Promise<FailureSummary> {
    const ledger = this.deps.store.digestLedger;
    const problems = await ledger.list({ status: ['failed', 'abandoned'], limit });
    const reasons = new Map<string, number>();
    for (const p of problems) reasons.set(p.lastError ?? 'unknown', (reasons.get(p.lastError ?? 'unknown') ?? 0) + 1);
    return {
      counts: await ledger.countByStatus(),
      recent: problems.map(({ key, subscriptionId, wardCode, channel, status, attempts, lastError, nextAttemptAt, updatedAt }) => ({
        key, subscriptionId, wardCode, channel, status, attempts, lastError, nextAttemptAt, updatedAt,
      })),
      byReason: [...reasons].map(([reason, n]) => ({ reason, count: n })).sort((a, b) => b.count - a.count),
    };
  }

  /** Works out the place of ASB reports raised in the period that have not been placed with the current list. */
  async placeReports(period: Pick<DigestPeriod, 'start' | 'end'>): Promise<number> {
    const { places, store } = this.deps;
    let placed = 0;
    for (;;) {
      const batch = await store.digestStats.unplacedAsb(period, places.version, PLACE_BATCH);
      if (batch.length === 0) return placed;
      await store.digestStats.setPlaces(
        places.version,
        batch.map((r) => ({ referralId: r.referralId, ...places.match(r.location, r.wardCode, r.postcode) })),
      );
      placed += batch.length;
      if (batch.length < PLACE_BATCH) return placed;
    }
  }

  /** @internal counts for a period, by ward code ('' for unknown), after placing any new ASB reports. */
  async talliesFor(period: DigestPeriod): Promise<Map<string, WardTally>> {
    await this.placeReports(period);
    const tallies = await this.deps.store.digestStats.tally(period);
    return new Map(tallies.map((t) => [t.wardCode ?? '', t]));
  }

  private async buildWith(cache: TallyCache, wardCode: string, period: DigestPeriod): Promise<WardDigest> {
    const unknown = wardCode === UNKNOWN_WARD;
    const ward = unknown ? null : this.deps.profile.wardByCode(wardCode);
    if (!unknown && ward === null) throw new AppError('not-found', `There is no ward ${wardCode} in this council.`);
    const key = unknown ? '' : (ward?.code ?? '');
    const [now, before] = await Promise.all([cache.get(period), cache.get(previousPeriod(period))]);
    return buildWardDigest({
      profile: this.deps.profile,
      area: unknown ? { code: null, name: 'Ward not known' } : { code: key, name: ward?.name ?? key },
      period,
      current: now.get(key),
      previous: before.get(key),
      unknownWardCount: Object.values(now.get('')?.raised ?? {}).reduce((a, b) => a + b, 0),
      places: this.deps.places,
    });
  }

  /** `subscription` null: it was deleted since the first attempt, so a retry is abandoned rather than sent. */
  private async attempt(
    cache: TallyCache,
    subscriptionId: string,
    subscription: DigestSubscription | null,
    wardCode: string,
    period: DigestPeriod,
    channel: DigestChannel,
  ): Promise<'sent' | 'failed' | 'abandoned' | 'skipped'> {
    const { store, clock, logger } = this.deps;
    const entry = await store.digestLedger.claim({
      subscriptionId,
      wardCode,
      period,
      channel,
      owner: this.instanceId,
      now: clock.now().toISOString(),
      leaseMs: this.leaseMs,
    });
    if (entry === null) return 'skipped';
    const key = ledgerKey(subscriptionId, wardCode, period, channel);
    const log = { subscriptionId, wardCode, period: period.firstDay, channel, attempt: entry.attempts };
    try {
      const to = subscription?.active ? (channel === 'email' ? subscription.email : subscription.mobile) : null;
      if (!to) throw new PermanentFailure(subscription?.active ? 'no address for this channel' : 'unsubscribed');
      const rendered = renderDigest(await this.buildWith(cache, wardCode, period));
      const providerId = await this.deliver(channel, to, rendered, key);
      await store.digestLedger.markSent(key, this.instanceId, { at: clock.now().toISOString(), providerId });
      logger.info({ ...log, outcome: 'sent' }, 'digest sent');
      return 'sent';
    } catch (err) {
      const permanent = err instanceof PermanentFailure;
      const reason = permanent || err instanceof MailerError ? err.reason : err instanceof AppError ? `error ${err.code}` : 'internal error';
      const giveUp = permanent || entry.attempts >= this.maxAttempts;
      const at = clock.now();
      const delay = this.retryDelaysMs[Math.min(entry.attempts - 1, this.retryDelaysMs.length - 1)] ?? 30 * MINUTE;
      const nextAttemptAt = giveUp ? null : new Date(at.getTime() + delay).toISOString();
      await store.digestLedger.markFailed(key, this.instanceId, { at: at.toISOString(), error: reason, nextAttemptAt });
      const outcome = giveUp ? 'abandoned' : 'failed';
      logger.warn({ ...log, outcome, reason, errType: (err as Error).name }, 'digest not sent');
      try {
        this.deps.onFailure?.({ channel, wardCode, outcome, reason });
      } catch (hookErr) {
        logger.warn({ errType: (hookErr as Error).name }, 'digest failure hook threw');
      }
      return outcome;
    }
  }

  private async deliver(channel: DigestChannel, to: string, rendered: RenderedDigest, reference: string): Promise<string | null> {
    if (channel === 'email') {
      if (!this.deps.mailer) throw new MailerError('email not configured');
      return (await this.deps.mailer.send({ to, subject: rendered.subject, html: rendered.html, text: rendered.text, reference })).id;
    }
    if (!this.deps.texts) throw new MailerError('sms not configured');
    try {
      return await this.deps.texts.send(to, rendered.sms);
    } catch (err) {
      if (err instanceof AppError && err.code === 'conflict') throw new PermanentFailure('opted out of texts');
      throw err;
    }
  }
}

class PermanentFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'PermanentFailure';
  }
}

function count(summary: RunSummary, outcome: 'sent' | 'failed' | 'abandoned' | 'skipped'): void {
  summary[outcome] += 1;
}

/** One run's counts by period, so twenty councillors for one ward share one query. */
class TallyCache {
  private readonly byPeriod = new Map<string, Promise<Map<string, WardTally>>>();
  constructor(private readonly service: DigestService) {}

  get(period: DigestPeriod): Promise<Map<string, WardTally>> {
    const key = `${period.start}/${period.end}`;
    let tallies = this.byPeriod.get(key);
    if (!tallies) {
      tallies = this.service.talliesFor(period);
      this.byPeriod.set(key, tallies);
    }
    return tallies;
  }
}
