/**
 * The retention job: personal data is kept only as long as the council's profile says.
 *
 * - Closed, referred-on and withdrawn referrals, `closedReferralMonths` after their last change, are anonymised
 *   (contact, free text and the link to the conversation removed; kind, ward, dates, status and outcome kept for
 *   statistics) or, if the council chose so, erased.
 * - Bot conversation state not written for `conversationStateDays` is deleted: the resident starts afresh.
 * - Settled SMS rows (processed inbound, outbound no longer waiting to be sent) older than `smsDays` are deleted.
 * - Embedded Direct Line conversation logs not written for `directLineLogDays` are deleted.
 * - Live handoff transcripts (the whole handoff) `handoffTranscriptDays` after the chat ended are deleted; open
 *   handoffs are never touched.
 *
 * What it did is recorded in the audit log as counts only. Running it twice in a row does nothing the second time.
 */
import type { Clock } from './clock';
import type { RetentionSettings } from './council/types';
import type { Logger } from './logger';
import type { Referral, ReferralStatus } from './referrals/model';
import type { Store } from './store/types';

/** Statuses a referral ends in; only these are ever anonymised. */
export const FINISHED_STATUSES: readonly ReferralStatus[] = ['closed', 'referred-on', 'withdrawn'];
/** Kept in step with bot/directline/conversationLog.ts LOG_KEY_PREFIX (services may not import bot/). */
export const DIRECT_LINE_LOG_PREFIX = 'directline/log/';
/** Bot conversation state keys are `<channel>/conversations/<conversation id>/...` (botbuilder's ConversationState). */
const CONVERSATION_STATE_MARKER = '/conversations/';
export const ANONYMISED_WHY = 'anonymised under the retention policy';
export const REMOVED = '[removed under the retention policy]';
const PAGE = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionReport {
  referralsAnonymised: number;
  referralsErased: number;
  conversationStatesDeleted: number;
  smsInboundDeleted: number;
  smsOutboundDeleted: number;
  directLineLogsDeleted: number;
  handoffsDeleted: number;
}

export function isAnonymised(referral: Referral): boolean {
  return referral.history.some((h) => h.actor === 'system' && h.why === ANONYMISED_WHY);
}

/** The referral with everything that could identify the resident removed; what statistics need is kept. */
export function anonymiseReferral(referral: Referral, at: string): Referral {
  const answers: Referral['answers'] = (() => {
    const a = referral.answers;
    switch (a.kind) {
      case 'befriending':
        return { ...a, postcode: '', accessNeeds: null };
      case 'cost-of-living':
        return { ...a, postcode: '', notes: null };
      case 'asb': {
        // Coordinates (sent by Open311 clients) place the incident as precisely as the typed location.
        const asb = { ...a, postcode: null, location: REMOVED, description: null };
        delete asb.coordinates;
        return asb;
      }
    }
  })();
  const opaque = `anonymised:${referral.id}`;
  return {
    ...referral,
    contact: { anonymous: true },
    answers,
    conversationId: opaque,
    idempotencyKey: opaque,
    notes: referral.notes.map((note) => ({ ...note, text: REMOVED })),
    history: [...referral.history, { at, actor: 'system', from: referral.status, to: referral.status, why: ANONYMISED_WHY }],
    version: referral.version + 1,
  };
}

export function monthsBefore(now: Date, months: number): Date {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
}

export class RetentionJob {
  constructor(private readonly deps: { store: Store; clock: Clock; logger: Logger; settings: RetentionSettings }) {}

  async run(): Promise<RetentionReport> {
    const { store, clock, settings, logger } = this.deps;
    const now = clock.now();
    const at = now.toISOString();
    const report: RetentionReport = {
      referralsAnonymised: 0,
      referralsErased: 0,
      conversationStatesDeleted: 0,
      smsInboundDeleted: 0,
      smsOutboundDeleted: 0,
      directLineLogsDeleted: 0,
      handoffsDeleted: 0,
    };

    const referralCutoff = monthsBefore(now, settings.closedReferralMonths).toISOString();
    const due = await this.finishedReferralsBefore(referralCutoff);
    if (settings.closedReferralAction === 'erase') {
      report.referralsErased = await store.referrals.deleteMany(due.map((r) => r.id));
    } else {
      for (const referral of due) {
        if (await store.referrals.replaceAnonymised(anonymiseReferral(referral, at))) report.referralsAnonymised += 1;
      }
    }

    const stateCutoff = new Date(now.getTime() - settings.conversationStateDays * DAY_MS).toISOString();
    const staleState = (await store.botState.keysUpdatedBefore('', stateCutoff)).filter(
      (key) => key.includes(CONVERSATION_STATE_MARKER) && !key.startsWith(DIRECT_LINE_LOG_PREFIX),
    );
    await store.botState.delete(staleState);
    report.conversationStatesDeleted = staleState.length;

    const logCutoff = new Date(now.getTime() - settings.directLineLogDays * DAY_MS).toISOString();
    const staleLogs = await store.botState.keysUpdatedBefore(DIRECT_LINE_LOG_PREFIX, logCutoff);
    await store.botState.delete(staleLogs);
    report.directLineLogsDeleted = staleLogs.length;

    const handoffCutoff = new Date(now.getTime() - settings.handoffTranscriptDays * DAY_MS).toISOString();
    const endedHandoffs = await store.handoffs.list({ status: ['ended'], endedBefore: handoffCutoff });
    report.handoffsDeleted = await store.handoffs.deleteMany(endedHandoffs.map((h) => h.id));

    const smsCutoff = new Date(now.getTime() - settings.smsDays * DAY_MS).toISOString();
    const sms = await store.sms.deleteSettledBefore(smsCutoff);
    report.smsInboundDeleted = sms.inbound;
    report.smsOutboundDeleted = sms.outbound;

    await store.audit.append({ at, actor: 'system', action: 'retention.run', subject: null, detail: { ...report } });
    logger.info({ ...report }, 'retention run finished');
    return report;
  }

  /** Finished referrals last changed before the cut-off and not yet anonymised (a referral last changed before it
   * was also created before it, which narrows the scan). */
  private async finishedReferralsBefore(cutoff: string): Promise<Referral[]> {
    const found: Referral[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.deps.store.referrals.listPage({ status: [...FINISHED_STATUSES], createdBefore: cutoff }, { offset, limit: PAGE });
      for (const referral of page.items) if (referral.updatedAt < cutoff && !isAnonymised(referral)) found.push(referral);
      if (page.items.length < PAGE) return found;
    }
  }
}

/** Runs the job once a day (the first run an hour after start). Returns a function that stops it. */
export function scheduleRetention(job: Pick<RetentionJob, 'run'>, logger: Logger, options: { firstRunMs?: number; everyMs?: number } = {}): () => void {
  let running = false;
  const tick = (): void => {
    if (running) return;
    running = true;
    job
      .run()
      .catch((err: unknown) => logger.error({ errType: err instanceof Error ? err.name : 'unknown' }, 'retention run failed'))
      .finally(() => (running = false));
  };
  let interval: NodeJS.Timeout | null = null;
  const first = setTimeout(() => {
    tick();
    interval = setInterval(tick, options.everyMs ?? DAY_MS);
    interval.unref();
  }, options.firstRunMs ?? 60 * 60 * 1000);
  first.unref();
  return () => {
    clearTimeout(first);
    if (interval) clearInterval(interval);
  };
}
