/**
 * The SMS pipeline after the webhook has checked the signature and the body:
 * record (de-duplicated on MessageSid) → per-resident queue → keywords → flood control (which still lets the
 * safeguarding check answer a crisis) → the bot → texts in the
 * outbox. Each inbound text is stored before Twilio gets its 200, and marked processed only after its replies
 * are in the outbox, so a crash in between replays it on restart rather than losing it.
 */
import type { TurnContext } from 'botbuilder';
import * as wording from '../../../dialogs/wording';
import type { Clock } from '../../../services/clock';
import { openingHoursText } from '../../../services/council/loadProfile';
import type { CouncilProfile } from '../../../services/council/types';
import { AppError } from '../../../services/errors';
import type { Logger } from '../../../services/logger';
import type { ReferralService } from '../../../services/referrals/referralService';
import type { SafeguardingDetector } from '../../../services/safeguarding/types';
import { classifyKeyword } from '../../../services/sms/keywords';
import type { SmsOutbox } from '../../../services/sms/outbox';
import { conversationIdForNumber } from '../../../services/sms/phoneHash';
import type { PerSenderRateLimiter } from '../../../services/sms/rateLimiter';
import type { InboundSms, OutboundSms, Store } from '../../../services/store/types';
import { renderForSms } from './render';
import { SmsAdapter } from './smsAdapter';

export interface SmsChannelDeps {
  bot: { run(context: TurnContext): Promise<void> };
  store: Store;
  outbox: SmsOutbox;
  clock: Clock;
  logger: Logger;
  profile: CouncilProfile;
  detector: SafeguardingDetector;
  referrals: Pick<ReferralService, 'recordSafeguardingEvent'>;
  rateLimiter: PerSenderRateLimiter;
  hashSecret: string;
  /** Our number or messaging service sid: the bot's identity on this channel. */
  botId: string;
  onTurnError: (context: TurnContext, error: Error) => Promise<void>;
  /** This instance, in the leases it takes on texts it processes (as SmsOutboxOptions.owner); 'single' by default. */
  owner?: string;
  /** How long a lease on an inbound text lasts: a dead instance's texts are taken over after this (ms). */
  leaseMs?: number;
}

export interface InboundWebhook {
  messageSid: string;
  from: string;
  body: string;
  numMedia: number;
}

export class SmsChannel {
  readonly adapter = new SmsAdapter();
  private readonly queues = new Map<string, Promise<void>>();
  /** MessageSids queued or being processed here, so a resume pass does not queue one twice. */
  private readonly scheduled = new Set<string>();
  private resumeTimer: NodeJS.Timeout | null = null;
  private readonly owner: string;
  private readonly leaseMs: number;

  constructor(private readonly deps: SmsChannelDeps) {
    this.adapter.onTurnError = deps.onTurnError;
    this.owner = deps.owner ?? 'single';
    this.leaseMs = deps.leaseMs ?? 60_000;
  }

  conversationIdFor(e164: string): string {
    return conversationIdForNumber(e164, this.deps.hashSecret);
  }

  /** Stores the text and queues it for the bot. False when Twilio re-delivered a MessageSid already seen. */
  async receive(message: InboundWebhook): Promise<boolean> {
    const inbound: InboundSms = {
      messageSid: message.messageSid,
      conversationId: this.conversationIdFor(message.from),
      from: message.from,
      body: message.body,
      numMedia: message.numMedia,
      receivedAt: this.deps.clock.now().toISOString(),
      processedAt: null,
    };
    if (!(await this.deps.store.sms.recordInbound(inbound))) return false;
    // Ours to process: no other instance's resume pass takes it while this one is alive.
    if (await this.lease(inbound.messageSid)) this.schedule(inbound);
    return true;
  }

  /**
   * Texts received but not processed (after a restart, or left by an instance that died) are processed now, in
   * order: those no other live instance holds. How many were queued.
   */
  async resumePending(): Promise<number> {
    const pending = await this.deps.store.sms.pendingInbound();
    let queued = 0;
    for (const inbound of pending) {
      if (this.scheduled.has(inbound.messageSid)) continue;
      if (!(await this.lease(inbound.messageSid))) continue;
      this.schedule(inbound);
      queued += 1;
    }
    return queued;
  }

  /** Looks for texts a dead instance left, every `intervalMs`. */
  startResuming(intervalMs = 30_000): void {
    this.stopResuming();
    this.resumeTimer = setInterval(() => {
      this.resumePending()
        .then((n) => n && this.deps.logger.info({ count: n }, 'processing sms another instance left'))
        .catch((err: unknown) => this.deps.logger.error({ errType: (err as Error).name }, 'sms resume pass failed'));
    }, intervalMs);
    this.resumeTimer.unref();
  }

  stopResuming(): void {
    if (this.resumeTimer) clearInterval(this.resumeTimer);
    this.resumeTimer = null;
  }

  private lease(messageSid: string): Promise<boolean> {
    const now = this.deps.clock.now();
    return this.deps.store.sms.leaseInbound(messageSid, this.owner, new Date(now.getTime() + this.leaseMs).toISOString(), now.toISOString());
  }

  /** Resolves when every queued inbound text has been processed and every due reply attempted. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
    await this.deps.outbox.flush();
  }

  /**
   * A text from the hub to a resident who consented (used by the staff console). Refused for a number that has
   * opted out; otherwise stored in the outbox and sent like any reply.
   */
  async sendToResident(e164: string, text: string): Promise<OutboundSms[]> {
    const conversationId = this.conversationIdFor(e164);
    if (await this.deps.store.sms.isOptedOut(conversationId)) {
      throw new AppError('conflict', 'This resident has replied STOP, so they cannot be sent texts.');
    }
    return this.deps.outbox.enqueue(conversationId, e164, renderForSms([{ type: 'message', text }]));
  }

  private schedule(inbound: InboundSms): void {
    this.scheduled.add(inbound.messageSid);
    const previous = this.queues.get(inbound.conversationId) ?? Promise.resolve();
    const next = previous
      .then(() => this.process(inbound))
      .catch((err: unknown) => this.deps.logger.error({ errType: (err as Error).name, conversationId: inbound.conversationId }, 'sms turn failed'))
      .finally(() => {
        this.scheduled.delete(inbound.messageSid);
        if (this.queues.get(inbound.conversationId) === next) this.queues.delete(inbound.conversationId);
      });
    this.queues.set(inbound.conversationId, next);
  }

  private async process(inbound: InboundSms): Promise<void> {
    const { store, outbox, clock } = this.deps;
    if (inbound.from !== null && inbound.body !== null) {
      const texts = await this.reply(inbound.conversationId, inbound.messageSid, inbound.body, inbound.numMedia, inbound.from);
      if (texts.length > 0) await outbox.enqueue(inbound.conversationId, inbound.from, texts, inbound.messageSid);
    }
    await store.sms.markInboundProcessed(inbound.messageSid, clock.now().toISOString());
  }

  private async reply(conversationId: string, messageSid: string, body: string, numMedia: number, from: string): Promise<string[]> {
    const { store, clock, profile, logger } = this.deps;
    const now = clock.now().toISOString();
    const keyword = classifyKeyword(body);

    if (keyword === 'opt-out') {
      await store.sms.setOptOut(conversationId, true, now);
      await this.audit(conversationId, 'sms.opted-out');
      logger.info({ conversationId }, 'sms opt-out recorded');
      return [];
    }
    if (await store.sms.isOptedOut(conversationId)) {
      if (keyword === 'opt-in') {
        await store.sms.setOptOut(conversationId, false, now);
        await this.audit(conversationId, 'sms.opted-in');
        return renderForSms([{ type: 'message', text: wording.sms.optedIn(profile.hub) }]);
      }
      // We never text a number that has opted out. A crisis message is still noticed, so staff can act by phone.
      const risk = this.deps.detector.assess(body);
      if (risk.categories.length) await this.deps.referrals.recordSafeguardingEvent(conversationId, risk.categories, risk.matched, { channel: 'sms' });
      return [];
    }
    if (keyword === 'help') {
      return renderForSms([{ type: 'message', text: wording.sms.help(profile.hub, openingHoursText(profile.hub)) }]);
    }

    const rate = this.deps.rateLimiter.check(conversationId);
    if (rate !== 'allow') {
      // Flood control must not hide a crisis: a limited text is still checked, staff are alerted every time, and the
      // crisis wording goes out at most once per rate window so a flood of crisis texts is not a flood of replies.
      const risk = this.deps.detector.assess(body);
      if (risk.categories.length > 0) {
        await this.deps.referrals.recordSafeguardingEvent(conversationId, risk.categories, risk.matched, { channel: 'sms', rateLimited: true });
        if (!this.deps.rateLimiter.claimCrisisReply(conversationId)) return [];
        return renderForSms(risk.categories.map((category) => ({ type: 'message', text: category === 'danger' ? wording.crisis.danger : wording.crisis.suicideSelfHarm })));
      }
    }
    if (rate === 'limit-quietly') return [];
    if (rate === 'limit-and-tell') {
      logger.warn({ conversationId }, 'sms rate limit reached');
      return renderForSms([{ type: 'message', text: wording.sms.slowDown }]);
    }

    const before = numMedia > 0 ? [{ type: 'message', text: wording.sms.noPictures }] : [];
    if (!body.trim()) return renderForSms(before);
    const activities = await this.adapter.processInbound(
      { messageSid, conversationId, text: body, botId: this.deps.botId, receivedAt: now, from },
      (context) => this.deps.bot.run(context),
    );
    return renderForSms([...before, ...activities]);
  }

  private async audit(conversationId: string, action: string): Promise<void> {
    await this.deps.store.audit.append({
      at: this.deps.clock.now().toISOString(),
      actor: `resident:${conversationId}`,
      action,
      subject: conversationId,
      detail: { channel: 'sms' },
    });
  }
}
