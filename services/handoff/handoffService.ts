/**
 * Live handoff to a hub worker: the use cases on both sides.
 *
 * Resident side (called by the bot): join the queue with a wait estimate, add what the resident says to the
 * transcript and the holder's live stream, alert the holder when safeguarding fires, end on a timeout.
 * Worker side (called by the staff API and console): list, view, accept (one compare-and-swap: two workers never
 * both win), send a message (delivered on the resident's own channel), end, turn the conversation into a referral
 * or attach it to one. Every step is audited with ids, never words.
 *
 * Timeouts are driven by the injected clock: `sweep()` ends handoffs nobody accepted within the wait timeout, or idle
 * for the idle timeout after acceptance. The server calls it every minute; the bot also checks a conversation's own
 * handoff when the resident writes, so a timeout is never missed between sweeps.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { parseUkPhone } from '../contact';
import { AppError } from '../errors';
import type { HubAuditor } from '../hub/auditor';
import type { HubEvents } from '../hub/events';
import { can, type Actor } from '../hub/roles';
import type { Logger } from '../logger';
import { CHANNELS, type Channel, type CostOfLivingNeed, type Referral, type ReferralAnswers } from '../referrals/model';
import type { ReferralService } from '../referrals/referralService';
import type { RiskCategory } from '../safeguarding/types';
import type { Store } from '../store/types';
import type { Handoff, HandoffAddress, HandoffEndReason, TranscriptLine } from './model';
import type { HandoffStream } from './stream';

/** Delivers a line to the resident on the channel they came from (bot/handoffDelivery.ts). */
export interface ResidentChannel {
  deliver(handoff: Handoff, text: string): Promise<void>;
}

/** What the resident is told when a worker joins or the handoff ends (dialogs/wording.ts supplies it). */
export interface HandoffWording {
  accepted(channel: string): string;
  endedByWorker(channel: string): string;
  waitTimedOut(channel: string): string;
  idleTimedOut(channel: string): string;
  failed(channel: string): string;
}

export interface HandoffSettings {
  /** console: hub workers take handoffs in the staff console. external: a contact-centre product does (handoff.* events). */
  mode: 'console' | 'external';
  waitTimeoutMinutes: number;
  idleTimeoutMinutes: number;
  /** The wait quoted per resident ahead when there is no recent history to go on. */
  defaultWaitMinutes: number;
}

export interface HandoffServiceDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  auditor: HubAuditor;
  hubEvents: HubEvents;
  stream: HandoffStream;
  channel: ResidentChannel;
  wording: HandoffWording;
  referrals: Pick<ReferralService, 'submitReferral'>;
  settings: HandoffSettings;
}

export interface HandoffRequest {
  conversationId: string;
  channel: string;
  address: HandoffAddress;
  journey: Record<string, unknown>;
  urgent: boolean;
}

export interface QueuePlace {
  handoff: Handoff;
  created: boolean;
  /** 1 for the next resident to be accepted. */
  position: number;
  waitMinutes: number;
}

export interface HandoffSummary {
  id: string;
  channel: string;
  status: Handoff['status'];
  urgent: boolean;
  requestedAt: string;
  acceptedAt: string | null;
  acceptedBy: string | null;
  lastActivityAt: string;
  messages: number;
}

/** What the console prefills a referral with, from what was said. */
export interface ReferralPrefill {
  name: string | null;
  phone: string | null;
  notes: string;
}

export interface ToReferralInput {
  kind: 'befriending' | 'cost-of-living';
  name: string;
  phone: string;
  notes?: string;
  /** The worker confirms the resident agreed, in the chat, to the hub keeping their details. */
  consent: true;
}

/** Recorded on referrals made from a live chat: consent given to the worker in the conversation. */
export const LIVE_CHAT_CONSENT_VERSION = 'live-chat-worker-confirmed-v1';
const RECENT_DAYS = 7;
const MAX_LINE = 5000;
const MINUTE = 60_000;

export class HandoffService {
  constructor(private readonly deps: HandoffServiceDeps) {}

  get mode(): HandoffSettings['mode'] {
    return this.deps.settings.mode;
  }

  // ---- resident side --------------------------------------------------------------------------------------------

  /** Joins the live queue (or returns the place already held), with the wait likely from here. */
  async request(input: HandoffRequest): Promise<QueuePlace> {
    const now = this.now();
    const candidate: Handoff = {
      id: randomUUID(),
      conversationId: input.conversationId,
      channel: input.channel,
      address: input.address,
      mode: this.deps.settings.mode,
      status: 'waiting',
      urgent: input.urgent,
      requestedAt: now,
      acceptedAt: null,
      acceptedBy: null,
      endedAt: null,
      endReason: null,
      lastActivityAt: now,
      journey: input.journey,
      referralId: null,
      transcript: [],
    };
    const { handoff, created } = await this.deps.store.handoffs.openIfNone(candidate);
    const waiting = await this.deps.store.handoffs.list({ status: ['waiting'] });
    // Ties (two requests in the same millisecond) count as ahead: the quoted place is never better than the real one.
    const ahead = waiting.filter((h) => h.id !== handoff.id && h.requestedAt <= handoff.requestedAt).length;
    const position = handoff.status === 'waiting' ? ahead + 1 : 0;
    const waitMinutes = await this.estimateWaitMinutes(Math.max(position, 1));
    if (created) {
      await this.systemAudit('handoff.requested', handoff, { channel: handoff.channel, position, waitMinutes, urgent: handoff.urgent, mode: handoff.mode });
      this.deps.hubEvents.publishHandoff('handoff.waiting', handoff, now);
      this.deps.logger.info({ handoffId: handoff.id, conversationId: handoff.conversationId, position }, 'resident joined the live queue');
    }
    return { handoff, created, position, waitMinutes };
  }

  /**
   * The median time from request to acceptance over the last week, times the resident's place in the queue; the
   * configured default per place when nobody has been accepted lately. Rounded up to whole minutes, at least one.
   */
  async estimateWaitMinutes(position: number): Promise<number> {
    const since = new Date(this.deps.clock.now().getTime() - RECENT_DAYS * 24 * 60 * MINUTE).toISOString();
    const recent = await this.deps.store.handoffs.list({ acceptedFrom: since });
    const waits = recent
      .filter((h) => h.acceptedAt !== null && h.acceptedBy !== null)
      .map((h) => (Date.parse(h.acceptedAt as string) - Date.parse(h.requestedAt)) / MINUTE)
      .sort((a, b) => a - b);
    const perPlace = waits.length === 0 ? this.deps.settings.defaultWaitMinutes : median(waits);
    return Math.max(1, Math.ceil(perPlace * position));
  }

  /** The conversation's open handoff, after ending it if it has timed out (the resident is told). */
  async current(conversationId: string): Promise<Handoff | null> {
    const open = await this.deps.store.handoffs.openFor(conversationId);
    if (!open) return null;
    const reason = this.timedOut(open);
    if (!reason) return open;
    await this.finish(open, reason, null);
    return null;
  }

  /** A resident's message while a handoff is open: into the transcript and, live, to the worker holding it. */
  async residentSaid(handoff: Handoff, text: string): Promise<void> {
    await this.appendLine(handoff, { from: 'resident', staffId: null, text: text.slice(0, MAX_LINE) });
  }

  /** What the bot said while the resident waited, so the worker reads the whole conversation. */
  async botSaid(handoff: Handoff, text: string): Promise<void> {
    await this.appendLine(handoff, { from: 'bot', staffId: null, text: text.slice(0, MAX_LINE) });
  }

  /** Safeguarding fired during a handoff: the bot has sent the crisis lines; the worker is alerted at once. */
  async riskDetected(handoff: Handoff, categories: RiskCategory[]): Promise<void> {
    const at = this.now();
    const updated = (await this.deps.store.handoffs.update(handoff.id, { urgent: true })) ?? handoff;
    await this.appendLine(updated, { from: 'system', staffId: null, text: `Safeguarding: the crisis lines were sent to the resident (${categories.join(', ')}).` });
    this.deps.stream.publish({ type: 'safeguarding', handoffId: handoff.id, categories, at });
    this.deps.hubEvents.publishHandoff('handoff.alert', updated, at);
    await this.systemAudit('handoff.safeguarding-alert', updated, { categories });
  }

  /**
   * Bot Framework's `handoff.status` from an external contact-centre: accepted makes the handoff active (the bot
   * goes quiet), completed or failed ends it (the bot says so and is back).
   */
  async externalStatus(conversationId: string, state: 'accepted' | 'completed' | 'failed'): Promise<Handoff | null> {
    const open = await this.deps.store.handoffs.openFor(conversationId);
    if (!open) return null;
    if (state === 'accepted') {
      const accepted = await this.deps.store.handoffs.accept(open.id, 'external', this.now());
      if (!accepted) return null;
      await this.systemAudit('handoff.accepted-externally', accepted, {});
      this.deps.hubEvents.publishHandoff('handoff.accepted', accepted, this.now());
      return accepted;
    }
    return this.finish(open, state === 'completed' ? 'external' : 'failed', null);
  }

  /** Ends every handoff past its wait or idle timeout. Returns how many ended. */
  async sweep(): Promise<number> {
    let ended = 0;
    for (const open of await this.deps.store.handoffs.list({ status: ['waiting', 'active'] })) {
      const reason = this.timedOut(open);
      if (reason && (await this.finish(open, reason, null))) ended += 1;
    }
    return ended;
  }

  // ---- worker side ----------------------------------------------------------------------------------------------

  /** Waiting residents (urgent first, then oldest) and the handoffs this worker holds. */
  async list(actor: Actor): Promise<HandoffSummary[]> {
    demand(actor);
    await this.sweep();
    const open = await this.deps.store.handoffs.list({ status: ['waiting', 'active'] });
    const visible = open.filter((h) => h.status === 'waiting' || h.acceptedBy === actor.id || actor.role === 'hub-lead');
    visible.sort((a, b) => Number(b.urgent) - Number(a.urgent) || a.requestedAt.localeCompare(b.requestedAt));
    await this.deps.auditor.record(actor, 'hub.handoff.listed', null, { shown: visible.length });
    return visible.map(summary);
  }

  /** One handoff with its transcript and the journey's answers. Viewing words is always audited. */
  async view(actor: Actor, id: string): Promise<{ handoff: Handoff; prefill: ReferralPrefill }> {
    demand(actor);
    const handoff = await this.mustGet(id);
    await this.deps.auditor.record(actor, 'hub.handoff.viewed', handoff.id, { status: handoff.status });
    return { handoff, prefill: prefillFrom(handoff) };
  }

  async accept(actor: Actor, id: string): Promise<Handoff> {
    demand(actor);
    const before = await this.mustGet(id);
    if (before.mode === 'external') throw new AppError('conflict', 'This conversation is handled by the contact centre.');
    const accepted = await this.deps.store.handoffs.accept(id, actor.id, this.now());
    if (!accepted) {
      const now = await this.mustGet(id);
      throw new AppError('conflict', now.status === 'active' ? 'Someone else has already accepted this conversation.' : 'This conversation has ended.');
    }
    await this.deps.auditor.record(actor, 'hub.handoff.accepted', accepted.id, { channel: accepted.channel, waitedSeconds: waitedSeconds(accepted) });
    this.deps.hubEvents.publishHandoff('handoff.accepted', accepted, this.now());
    try {
      await this.tellResident(accepted, this.deps.wording.accepted(accepted.channel), 'system');
    } catch (err) {
      // The worker holds the conversation either way; their first message will say the same, or fail visibly.
      this.deps.logger.warn({ handoffId: accepted.id, errType: (err as Error).name }, 'could not tell the resident a worker joined');
    }
    return (await this.deps.store.handoffs.get(id)) ?? accepted;
  }

  /** The worker's message, on the resident's own channel. Refused (409) if the resident opted out of texts. */
  async send(actor: Actor, id: string, text: string): Promise<TranscriptLine> {
    demand(actor);
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.length > 1600) throw new AppError('invalid-input', 'A message must be 1 to 1,600 characters.');
    const handoff = await this.mustGet(id);
    this.requireHolder(actor, handoff, false);
    await this.deps.channel.deliver(handoff, trimmed);
    const updated = await this.appendLine(handoff, { from: 'worker', staffId: actor.id, text: trimmed });
    const line = updated.transcript[updated.transcript.length - 1] as TranscriptLine;
    await this.deps.auditor.record(actor, 'hub.handoff.message-sent', handoff.id, { seq: line.seq, length: trimmed.length });
    return line;
  }

  /** The holder ends it (or a lead, for a worker who cannot): the bot tells the resident it is back. */
  async end(actor: Actor, id: string): Promise<Handoff> {
    demand(actor);
    const handoff = await this.mustGet(id);
    this.requireHolder(actor, handoff, true);
    const ended = await this.finish(handoff, 'worker', actor);
    if (!ended) throw new AppError('conflict', 'This conversation has already ended.');
    return ended;
  }

  /** A referral from what was said, claimed for the worker, linked to the handoff; one per handoff. */
  async toReferral(actor: Actor, id: string, input: ToReferralInput): Promise<Referral> {
    demand(actor);
    const handoff = await this.mustGet(id);
    this.requireHolder(actor, handoff, true, true);
    const phone = parseUkPhone(input.phone);
    if (!phone) throw new AppError('invalid-input', 'That is not a UK phone number.', { details: [{ path: 'phone', problem: 'not a UK phone number' }] });
    const now = this.now();
    const notes = (input.notes ?? prefillFrom(handoff).notes).slice(0, 1000) || null;
    const postcode = typeof handoff.journey['postcode'] === 'string' ? handoff.journey['postcode'] : '';
    const answers: ReferralAnswers =
      input.kind === 'befriending'
        ? { kind: 'befriending', forWhom: 'self', postcode, interests: ['phone-call'], accessNeeds: notes }
        : { kind: 'cost-of-living', needs: needsFrom(handoff.journey), postcode, signposted: [], notes };
    const { referral } = await this.deps.referrals.submitReferral(
      {
        kind: input.kind,
        answers,
        contact: { anonymous: false, name: input.name, method: 'phone', phone: phone.national, bestTime: 'any' },
        consent: { given: true, wordingVersion: LIVE_CHAT_CONSENT_VERSION, at: now },
        channel: channelOf(handoff.channel),
        conversationId: handoff.conversationId,
        urgencyReasons: handoff.urgent ? ['safeguarding'] : [],
      },
      `handoff:${handoff.id}`,
    );
    const claimed = (await this.deps.store.referrals.claim(referral.id, actor.id, now)) ?? referral;
    await this.deps.store.handoffs.update(handoff.id, { referralId: referral.id });
    await this.deps.auditor.record(actor, 'hub.handoff.referral-created', handoff.id, { referralId: referral.id, kind: referral.kind });
    this.deps.hubEvents.publish('referral.updated', claimed);
    return claimed;
  }

  /** Links the conversation to an existing referral and copies the transcript into a note on it. */
  async attach(actor: Actor, id: string, reference: string): Promise<Referral> {
    demand(actor);
    const handoff = await this.mustGet(id);
    this.requireHolder(actor, handoff, true, true);
    const referral = await this.deps.store.referrals.getByReference(reference.trim().toUpperCase());
    if (!referral) throw new AppError('not-found', 'There is no referral with that reference.');
    const at = this.now();
    const text = `Live chat ${handoff.id} attached.\n${transcriptText(handoff)}`.slice(0, 5000);
    const noted = (await this.deps.store.referrals.addNote(referral.id, { at, actor: actor.id, text }, at)) ?? referral;
    await this.deps.store.handoffs.update(handoff.id, { referralId: referral.id });
    await this.deps.auditor.record(actor, 'hub.handoff.attached', handoff.id, { referralId: referral.id });
    return noted;
  }

  /** For the holder's live stream: only the worker holding it, or a lead. */
  async authoriseStream(actor: Actor, id: string): Promise<Handoff> {
    demand(actor);
    const handoff = await this.mustGet(id);
    this.requireHolder(actor, handoff, true, true);
    await this.deps.auditor.record(actor, 'hub.handoff.stream-opened', handoff.id, {});
    return handoff;
  }

  // ---- inside -----------------------------------------------------------------------------------------------------

  private async finish(handoff: Handoff, reason: HandoffEndReason, actor: Actor | null): Promise<Handoff | null> {
    const at = this.now();
    const ended = await this.deps.store.handoffs.end(handoff.id, reason, at);
    if (!ended) return null;
    if (actor) await this.deps.auditor.record(actor, 'hub.handoff.ended', ended.id, { reason, messages: ended.transcript.length });
    else await this.systemAudit('handoff.ended', ended, { reason, messages: ended.transcript.length });
    this.deps.stream.publish({ type: 'ended', handoffId: ended.id, reason, at });
    this.deps.hubEvents.publishHandoff('handoff.ended', ended, at);
    const w = this.deps.wording;
    const text = { worker: w.endedByWorker, 'wait-timeout': w.waitTimedOut, 'idle-timeout': w.idleTimedOut, external: w.endedByWorker, failed: w.failed }[reason](ended.channel);
    try {
      await this.tellResident(ended, text, 'system');
    } catch (err) {
      // The handoff has ended either way; a resident who opted out of texts simply is not told.
      this.deps.logger.warn({ handoffId: ended.id, errType: (err as Error).name }, 'could not tell the resident the handoff ended');
    }
    return (await this.deps.store.handoffs.get(ended.id)) ?? ended;
  }

  private async tellResident(handoff: Handoff, text: string, from: 'system'): Promise<void> {
    await this.deps.channel.deliver(handoff, text);
    await this.appendLine(handoff, { from, staffId: null, text });
  }

  private async appendLine(handoff: Handoff, line: Omit<TranscriptLine, 'seq' | 'at'>): Promise<Handoff> {
    const updated = await this.deps.store.handoffs.append(handoff.id, { ...line, at: this.now() });
    if (!updated) throw new AppError('not-found', 'There is no such conversation.');
    const stored = updated.transcript[updated.transcript.length - 1];
    if (stored) this.deps.stream.publish({ type: 'message', handoffId: handoff.id, line: stored });
    return updated;
  }

  private timedOut(handoff: Handoff): HandoffEndReason | null {
    // An external contact-centre runs its own timers.
    if (handoff.mode === 'external') return null;
    const now = this.deps.clock.now().getTime();
    const { waitTimeoutMinutes, idleTimeoutMinutes } = this.deps.settings;
    if (handoff.status === 'waiting' && now - Date.parse(handoff.requestedAt) >= waitTimeoutMinutes * MINUTE) return 'wait-timeout';
    if (handoff.status === 'active' && now - Date.parse(handoff.lastActivityAt) >= idleTimeoutMinutes * MINUTE) return 'idle-timeout';
    return null;
  }

  /** Chatting needs the handoff to be active and held by this worker; ending and referrals also allow a lead. */
  private requireHolder(actor: Actor, handoff: Handoff, leadMay: boolean, endedToo = false): void {
    if (handoff.status === 'waiting') throw new AppError('conflict', 'Accept this conversation first.');
    if (handoff.status === 'ended' && !endedToo) throw new AppError('conflict', 'This conversation has ended.');
    if (handoff.acceptedBy === actor.id) return;
    if (leadMay && actor.role === 'hub-lead') return;
    throw new AppError('forbidden', 'Another worker is holding this conversation.');
  }

  private async mustGet(id: string): Promise<Handoff> {
    const handoff = await this.deps.store.handoffs.get(id);
    if (!handoff) throw new AppError('not-found', 'There is no such conversation.');
    return handoff;
  }

  private async systemAudit(action: string, handoff: Handoff, detail: Record<string, unknown>): Promise<void> {
    await this.deps.store.audit.append({
      at: this.now(),
      actor: `resident:${handoff.conversationId}`,
      action,
      subject: handoff.id,
      detail: { conversationId: handoff.conversationId, ...detail },
    });
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

function demand(actor: Actor): void {
  if (!can(actor.role, 'handoff.work')) throw new AppError('forbidden', 'Your role cannot do that.');
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function waitedSeconds(h: Handoff): number {
  return h.acceptedAt ? Math.round((Date.parse(h.acceptedAt) - Date.parse(h.requestedAt)) / 1000) : 0;
}

function summary(h: Handoff): HandoffSummary {
  return {
    id: h.id,
    channel: h.channel,
    status: h.status,
    urgent: h.urgent,
    requestedAt: h.requestedAt,
    acceptedAt: h.acceptedAt,
    acceptedBy: h.acceptedBy,
    lastActivityAt: h.lastActivityAt,
    messages: h.transcript.length,
  };
}

function channelOf(channel: string): Channel {
  return (CHANNELS as readonly string[]).includes(channel) ? (channel as Channel) : 'other';
}

function needsFrom(journey: Record<string, unknown>): CostOfLivingNeed[] {
  const needs = journey['needs'];
  const known: CostOfLivingNeed[] = ['food', 'energy', 'money-advice', 'warm-spaces', 'housing-costs'];
  const found = Array.isArray(needs) ? needs.filter((n): n is CostOfLivingNeed => known.includes(n as CostOfLivingNeed)) : [];
  return found.length > 0 ? found : ['money-advice'];
}

function transcriptText(h: Handoff): string {
  return h.transcript.map((l) => `${l.from === 'worker' ? 'Hub' : l.from === 'resident' ? 'Resident' : l.from === 'bot' ? 'Bot' : 'Note'}: ${l.text}`).join('\n');
}

/** Name and number from the journey's answers or the channel; notes from what the resident wrote. */
export function prefillFrom(h: Handoff): ReferralPrefill {
  const name = typeof h.journey['name'] === 'string' ? h.journey['name'] : null;
  const journeyPhone = typeof h.journey['phone'] === 'string' ? h.journey['phone'] : null;
  const phone = h.address.kind === 'sms' ? (parseUkPhone(h.address.phone)?.national ?? h.address.phone) : journeyPhone;
  const notes = h.transcript
    .filter((l) => l.from === 'resident')
    .map((l) => l.text)
    .join('\n')
    .slice(0, 1000);
  return { name, phone, notes };
}
