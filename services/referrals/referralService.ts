/**
 * Use cases for the resident side of a referral: submit it, and record that someone asked for a person.
 *
 * `submitReferral` reads like the story: validate → place in a ward → build → save once → audit. It is
 * idempotent on the journey's key, so a resident who sends "yes" twice, or a turn retried after a crash between
 * saving the referral and saving the dialog state, gets the same reference and never a second referral.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { CouncilProfile } from '../council/types';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { SafeguardingAlerts } from '../safeguarding/alerts';
import type { RiskCategory } from '../safeguarding/types';
import { DuplicateReferenceError, type Store } from '../store/types';
import { newReference } from './reference';
import { referralDraft, type Referral, type ReferralDraft, type WardRef } from './model';

export interface ReferralServiceDeps {
  store: Store;
  profile: CouncilProfile;
  clock: Clock;
  logger: Logger;
  /** Called after a new referral is saved (staff alerts, live queue updates). Failures are logged, not thrown. */
  onSubmitted?: (referral: Referral) => Promise<void> | void;
  /** Told of every safeguarding risk, after it is audited (the hub console subscribes). */
  alerts?: SafeguardingAlerts;
}

const MAX_REFERENCE_ATTEMPTS = 5;

export class ReferralService {
  constructor(private readonly deps: ReferralServiceDeps) {}

  async submitReferral(input: ReferralDraft, idempotencyKey: string): Promise<{ referral: Referral; created: boolean }> {
    const parsed = referralDraft.safeParse(input);
    if (!parsed.success) {
      throw new AppError('invalid-input', 'The referral is incomplete', { details: parsed.error.issues });
    }
    const draft = parsed.data;
    const ward = await this.placeInWard(draft.answers.postcode);
    const now = this.deps.clock.now();
    const urgent = draft.urgencyReasons.length > 0;
    const levels = this.deps.profile.serviceLevels[draft.kind];
    const dueHours = urgent ? levels.urgentHours : levels.standardHours;

    for (let attempt = 1; ; attempt += 1) {
      const candidate: Referral = {
        id: randomUUID(),
        reference: newReference(),
        idempotencyKey,
        kind: draft.kind,
        status: 'new',
        urgent,
        urgencyReasons: [...new Set(draft.urgencyReasons)],
        partial: draft.partial,
        ward,
        contact: draft.contact,
        consent: draft.consent,
        answers: draft.answers,
        channel: draft.channel,
        conversationId: draft.conversationId,
        preferredLanguage: draft.preferredLanguage,
        ...(draft.sharing ? { sharing: draft.sharing } : {}),
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        slaDueAt: new Date(now.getTime() + dueHours * 3_600_000).toISOString(),
        assignee: null,
        outcome: null,
        history: [{ at: now.toISOString(), actor: 'resident', from: null, to: 'new', why: 'submitted by the resident' }],
        notes: [],
        version: 0,
      };
      try {
        const result = await this.deps.store.referrals.insertIfAbsent(candidate);
        if (result.created) await this.afterCreated(result.referral);
        return result;
      } catch (err) {
        if (err instanceof DuplicateReferenceError && attempt < MAX_REFERENCE_ATTEMPTS) continue;
        throw err;
      }
    }
  }

  /** "Speak to a person": the request itself is worth knowing about even if the resident then rings the hub. */
  async recordPersonRequest(conversationId: string, channel: string): Promise<void> {
    await this.deps.store.audit.append({
      at: this.deps.clock.now().toISOString(),
      actor: `resident:${conversationId}`,
      action: 'resident.asked-for-person',
      subject: conversationId,
      detail: { channel },
    });
  }

  /**
   * A safeguarding risk was detected: audited with the phrase ids only, never the words, then staff are alerted.
   * The alert goes out even if the audit write fails, and neither failure reaches the resident.
   */
  async recordSafeguardingEvent(
    conversationId: string,
    categories: RiskCategory[],
    matched: string[],
    context: { channel?: string; rateLimited?: boolean } = {},
  ): Promise<void> {
    const at = this.deps.clock.now().toISOString();
    const channel = context.channel ?? 'unknown';
    try {
      await this.deps.store.audit.append({
        at,
        actor: `resident:${conversationId}`,
        action: 'safeguarding.risk-detected',
        subject: conversationId,
        // rateLimited: the text came from a number over the SMS flood limit, so the bot itself did not see it.
        detail: { categories, matched, channel, ...(context.rateLimited ? { rateLimited: true } : {}) },
      });
    } catch (err) {
      this.deps.logger.error({ errType: (err as Error).name, conversationId }, 'could not audit a safeguarding risk');
    }
    this.deps.alerts?.onRisk({ conversationId, channel, categories, matched, at });
  }

  /** After a risk: the bot asked once more and offered a call-back, and what the resident said (never their words). */
  async recordSafeguardingFollowUp(conversationId: string, step: 'offered' | 'call-back-accepted' | 'call-back-declined'): Promise<void> {
    await this.deps.store.audit.append({
      at: this.deps.clock.now().toISOString(),
      actor: `resident:${conversationId}`,
      action: 'safeguarding.follow-up',
      subject: conversationId,
      detail: { step },
    });
  }

  private async placeInWard(postcode: string | null): Promise<WardRef> {
    if (!postcode) return { code: null, name: null, source: 'unknown' };
    try {
      const ward = await this.deps.profile.postcodes.wardFor(postcode);
      return ward ? { code: ward.code, name: ward.name, source: ward.source ?? 'postcode-table' } : { code: null, name: null, source: 'unknown' };
    } catch (err) {
      // A lookup outage must not lose the referral: staff can set the ward by hand.
      this.deps.logger.warn({ errType: (err as Error).name }, 'ward lookup failed; saving with the ward unknown');
      return { code: null, name: null, source: 'unknown' };
    }
  }

  private async afterCreated(referral: Referral): Promise<void> {
    await this.deps.store.audit.append({
      at: referral.createdAt,
      actor: `resident:${referral.conversationId}`,
      action: 'referral.submitted',
      subject: referral.id,
      detail: { reference: referral.reference, kind: referral.kind, urgent: referral.urgent, channel: referral.channel },
    });
    this.deps.logger.info(
      { referralId: referral.id, kind: referral.kind, urgent: referral.urgent, ward: referral.ward.code },
      'referral submitted',
    );
    if (!this.deps.onSubmitted) return;
    try {
      await this.deps.onSubmitted(referral);
    } catch (err) {
      this.deps.logger.error({ errType: (err as Error).name, referralId: referral.id }, 'post-submit notification failed');
    }
  }
}
