/**
 * The hub worker's use cases: see the queue, open a referral, claim it, work it, refer it on or close it, and the
 * lead's: assign, put back, see the team's workload. Every view and every change is audited, and every change is
 * published to the live queue.
 *
 * Rules live here, not in the HTTP layer: which status moves are allowed (STATUS_TRANSITIONS), who may make them
 * (a worker only on their own referrals; only a lead puts one back in the queue), and that closing or referring on
 * records an outcome.
 */
import type { Clock } from '../clock';
import type { CouncilProfile } from '../council/types';
import { AppError } from '../errors';
import { STATUS_TRANSITIONS, type Referral, type ReferralKind, type ReferralStatus } from '../referrals/model';
import {
  OPEN_STATUSES,
  StaleReferralError,
  type QueueCounts,
  type QueueFilter,
  type StaffUser,
  type Store,
  type WorkloadRow,
} from '../store/types';
import type { HubAuditor } from './auditor';
import type { HubEvents } from './events';
import { OUTCOMES } from './outcomes';
import type { ResidentMessenger, SentMessage } from './residentMessenger';
import { can, type Actor } from './roles';
import { councillorWeek, suppressForCouncillor, type CouncillorWardCounts } from './wardFigures';

export interface QueueQuery {
  kind?: ReferralKind[];
  wardCode?: string;
  /** An area from the council profile's `areas`: its wards (with wardCode as well, the ward if it is in the area). */
  areaId?: string;
  status?: ReferralStatus[];
  overdue?: boolean;
  urgent?: boolean;
  /** Only mine (true), or only unassigned (false). */
  mine?: boolean;
  page: number;
  pageSize: number;
}

export interface QueueItem {
  id: string;
  reference: string;
  kind: ReferralKind;
  status: ReferralStatus;
  urgent: boolean;
  wardCode: string | null;
  wardName: string | null;
  createdAt: string;
  slaDueAt: string;
  overdue: boolean;
  assignee: string | null;
}

export interface QueuePage {
  items: QueueItem[];
  page: number;
  pageSize: number;
  total: number;
  counts: QueueCounts;
}

export interface StatusChange {
  to: ReferralStatus;
  version: number;
  outcome?: string;
  why?: string;
}

export interface WardChange {
  /** GSS code of one of the council's wards. */
  wardCode: string;
  version: number;
  why: string;
}

/** Exact figures for hub staff, who can open every referral anyway; suppressed whole weeks for councillors. */
export type WardStats =
  | { precision: 'exact'; wardCode: string; wardName: string | null; from: string | null; to: string | null; counts: QueueCounts }
  | { precision: 'suppressed'; wardCode: string; wardName: string | null; from: string; to: string; label: string; counts: CouncillorWardCounts };

export interface QueueServiceDeps {
  store: Store;
  clock: Clock;
  profile: CouncilProfile;
  auditor: HubAuditor;
  events: HubEvents;
  messenger: ResidentMessenger;
}

/** About four SMS segments: enough for a call-back arrangement, short enough to read on a phone. */
export const MAX_TEXT_LENGTH = 612;

export class QueueService {
  constructor(private readonly deps: QueueServiceDeps) {}

  async listQueue(actor: Actor, query: QueueQuery): Promise<QueuePage> {
    demand(actor, 'queue.read');
    const now = this.now();
    const filter = this.filterFor(actor, query, now);
    const { items, total } = await this.deps.store.referrals.listPage(filter, {
      offset: (query.page - 1) * query.pageSize,
      limit: query.pageSize,
    });
    // Counts describe the queue the filters leave, whatever its status, so the tabs can show every status.
    const { status: _status, overdueAt: _overdue, ...countFilter } = filter;
    const counts = await this.deps.store.referrals.counts(countFilter, now);
    await this.deps.auditor.record(actor, 'hub.queue.viewed', null, {
      filter: { ...query, kind: query.kind ?? null, status: query.status ?? null },
      shown: items.length,
    });
    return { items: items.map((r) => toQueueItem(r, now)), page: query.page, pageSize: query.pageSize, total, counts };
  }

  /** Opening a referral shows a resident's details, so it is always audited. */
  async viewReferral(actor: Actor, id: string): Promise<Referral> {
    demand(actor, 'referral.read');
    const referral = await this.mustGet(id);
    await this.deps.auditor.record(actor, 'hub.referral.viewed', referral.id, { status: referral.status });
    return referral;
  }

  async claim(actor: Actor, id: string): Promise<Referral> {
    demand(actor, 'referral.claim');
    const claimed = await this.deps.store.referrals.claim(id, actor.id, this.now());
    if (!claimed) {
      await this.mustGet(id);
      throw new AppError('conflict', 'Someone else has already picked up this referral.');
    }
    return this.changed(actor, claimed, 'hub.referral.claimed', { how: 'this-one' });
  }

  async claimNext(actor: Actor, query: { kind?: ReferralKind[]; wardCode?: string }): Promise<Referral> {
    demand(actor, 'referral.claim');
    const filter: QueueFilter = {};
    if (query.kind) filter.kind = query.kind;
    if (query.wardCode) filter.wardCodes = [query.wardCode];
    const claimed = await this.deps.store.referrals.claimNext(filter, actor.id, this.now());
    if (!claimed) throw new AppError('not-found', 'There are no new referrals waiting.');
    return this.changed(actor, claimed, 'hub.referral.claimed', { how: 'next' });
  }

  async changeStatus(actor: Actor, id: string, change: StatusChange): Promise<Referral> {
    demand(actor, 'referral.work');
    const referral = await this.mustGet(id);
    const from = referral.status;
    const to = change.to;
    if (to === 'claimed') throw new AppError('invalid-input', 'Use claim or assign to give a referral to someone.');
    if (!STATUS_TRANSITIONS[from].includes(to)) {
      throw new AppError('conflict', `A referral that is ${from} cannot be moved to ${to}.`);
    }
    if (to === 'new') {
      demand(actor, 'referral.release');
    } else {
      this.requireAssigneeOrLead(actor, referral);
    }
    const needsOutcome = to === 'closed' || to === 'referred-on';
    if (needsOutcome && !change.outcome) throw new AppError('invalid-input', 'Choose an outcome before closing or referring on.');
    if (change.outcome !== undefined && !(change.outcome in OUTCOMES)) throw new AppError('invalid-input', 'That is not a known outcome.');
    const at = this.now();
    const updated = await this.transition(referral, change.version, {
      expectedVersion: change.version,
      changes: {
        status: to,
        ...(to === 'new' ? { assignee: null, outcome: null } : {}),
        ...(needsOutcome ? { outcome: change.outcome ?? null } : {}),
      },
      history: { at, actor: actor.id, from, to, why: change.why?.trim() || defaultWhy(to, change.outcome) },
      at,
    });
    return this.changed(actor, updated, 'hub.referral.status-changed', { from, to, outcome: updated.outcome });
  }

  async addNote(actor: Actor, id: string, text: string): Promise<Referral> {
    demand(actor, 'referral.work');
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.length > 5000) throw new AppError('invalid-input', 'A note must be 1 to 5,000 characters.');
    const referral = await this.mustGet(id);
    this.requireAssigneeOrLead(actor, referral);
    const at = this.now();
    const updated = await this.deps.store.referrals.addNote(id, { at, actor: actor.id, text: trimmed }, at);
    if (!updated) throw notFound();
    // The audit records that a note was added, never what it says.
    return this.changed(actor, updated, 'hub.referral.note-added', { length: trimmed.length });
  }

  /** A lead gives a referral to someone (claiming it for them if it is new), or takes it back (`staffId` null). */
  async assign(actor: Actor, id: string, staffId: string | null, version: number): Promise<Referral> {
    demand(actor, 'referral.assign');
    const referral = await this.mustGet(id);
    if (!(['new', 'claimed', 'in-progress'] as ReferralStatus[]).includes(referral.status)) {
      throw new AppError('conflict', `A referral that is ${referral.status} cannot be assigned.`);
    }
    const at = this.now();
    let to: ReferralStatus = referral.status;
    if (staffId === null) {
      to = 'new';
    } else {
      const assignee = await this.deps.store.staff.get(staffId);
      if (!assignee || assignee.disabled || !can(assignee.role, 'referral.work')) {
        throw new AppError('invalid-input', 'Referrals can only be assigned to an active hub worker or lead.');
      }
      if (referral.status === 'new') to = 'claimed';
    }
    const why = staffId === null ? 'put back in the queue by a lead' : `assigned by a lead`;
    const updated = await this.transition(referral, version, {
      expectedVersion: version,
      changes: { assignee: staffId, status: to, ...(to === 'new' ? { outcome: null } : {}) },
      history: { at, actor: actor.id, from: referral.status, to, why },
      at,
    });
    return this.changed(actor, updated, 'hub.referral.assigned', { assignee: staffId, from: referral.status, to });
  }

  /**
   * Sets or corrects the referral's ward from the council's own list (the bot leaves it unknown for a postcode it
   * cannot place). The holder or a lead, like other changes to a referral; recorded in its history with the reason,
   * and audited with the ward codes before and after. The queue's ward filter and the ward digests follow it.
   */
  async setWard(actor: Actor, id: string, change: WardChange): Promise<Referral> {
    demand(actor, 'referral.work');
    const ward = this.deps.profile.wardByCode(change.wardCode);
    if (!ward) throw new AppError('invalid-input', `There is no ward ${change.wardCode} in ${this.deps.profile.shortName}. Choose one from the list.`);
    const why = change.why.trim();
    if (why.length === 0 || why.length > 500) throw new AppError('invalid-input', 'Say why the ward is being changed (up to 500 characters).');
    const referral = await this.mustGet(id);
    this.requireAssigneeOrLead(actor, referral);
    const from = referral.ward.code;
    const at = this.now();
    const updated = await this.transition(referral, change.version, {
      expectedVersion: change.version,
      changes: { ward: { code: ward.code, name: ward.name, source: 'staff' } },
      history: { at, actor: actor.id, from: referral.status, to: referral.status, why, ward: { from, to: ward.code } },
      at,
    });
    // Codes only: the reason is free text staff typed, kept with the referral like a status change's reason.
    return this.changed(actor, updated, 'hub.referral.ward-changed', { from, to: ward.code, fromSource: referral.ward.source });
  }

  async messageResident(actor: Actor, id: string, text: string): Promise<SentMessage> {
    demand(actor, 'referral.work');
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_TEXT_LENGTH) {
      throw new AppError('invalid-input', `A text must be 1 to ${MAX_TEXT_LENGTH} characters.`);
    }
    const referral = await this.mustGet(id);
    this.requireAssigneeOrLead(actor, referral);
    if (!mayText(referral)) throw new AppError('conflict', 'This resident did not agree to be contacted by text.');
    try {
      const sent = await this.deps.messenger.sendText(referral, trimmed, actor);
      await this.deps.auditor.record(actor, 'hub.referral.message-sent', referral.id, { length: trimmed.length, messageId: sent.messageId });
      return sent;
    } catch (err) {
      await this.deps.auditor.record(actor, 'hub.referral.message-failed', referral.id, { reason: err instanceof AppError ? err.code : 'error' });
      throw err;
    }
  }

  async workload(actor: Actor): Promise<{ rows: (WorkloadRow & { email: string | null })[]; overdueUnassigned: number }> {
    demand(actor, 'team.workload');
    const now = this.now();
    const [rows, staff, overdueUnassigned] = await Promise.all([
      this.deps.store.referrals.workload(now),
      this.deps.store.staff.list(),
      this.deps.store.referrals.counts({ assignee: null, overdueAt: now }, now),
    ]);
    const emails = new Map(staff.map((s) => [s.id, s.email]));
    await this.deps.auditor.record(actor, 'hub.workload.viewed', null);
    return { rows: rows.map((row) => ({ ...row, email: emails.get(row.assignee) ?? null })), overdueUnassigned: overdueUnassigned.total };
  }

  /**
   * Aggregates only. A councillor sees only their own wards, one ended week at a time with small numbers suppressed
   * (`wardFigures.ts`); hub staff see exact counts for any range.
   */
  async wardStats(actor: Actor, wardCode: string, range: { from?: string; to?: string }): Promise<WardStats> {
    demand(actor, 'wards.stats');
    if (actor.role === 'councillor' && !actor.wards.includes(wardCode)) {
      throw new AppError('forbidden', 'You can only see figures for your own wards.');
    }
    const ward = this.deps.profile.wardByCode(wardCode);
    if (!ward) throw new AppError('not-found', 'There is no such ward in this council.');
    if (actor.role === 'councillor') {
      const week = councillorWeek(range, this.deps.clock.now());
      const counts = await this.deps.store.referrals.counts({ wardCodes: [wardCode], createdFrom: week.from, createdBefore: week.to }, this.now());
      await this.deps.auditor.record(actor, 'hub.wards.stats-viewed', wardCode, { from: week.from, to: week.to });
      return { precision: 'suppressed', wardCode, wardName: ward.name, ...week, counts: suppressForCouncillor(counts) };
    }
    const filter: QueueFilter = { wardCodes: [wardCode] };
    if (range.from) filter.createdFrom = range.from;
    if (range.to) filter.createdBefore = range.to;
    const counts = await this.deps.store.referrals.counts(filter, this.now());
    await this.deps.auditor.record(actor, 'hub.wards.stats-viewed', wardCode, { from: range.from ?? null, to: range.to ?? null });
    return { precision: 'exact', wardCode, wardName: ward.name, from: range.from ?? null, to: range.to ?? null, counts };
  }

  /** Hub workers and leads who can be given a referral. */
  async assignableStaff(): Promise<Pick<StaffUser, 'id' | 'email' | 'role'>[]> {
    const staff = await this.deps.store.staff.list();
    return staff.filter((s) => !s.disabled && can(s.role, 'referral.work')).map((s) => ({ id: s.id, email: s.email, role: s.role }));
  }

  private filterFor(actor: Actor, query: QueueQuery, now: string): QueueFilter {
    const filter: QueueFilter = { status: query.status ?? [...OPEN_STATUSES] };
    if (query.kind) filter.kind = query.kind;
    if (query.wardCode) filter.wardCodes = [query.wardCode];
    if (query.areaId) {
      const area = this.deps.profile.areaById(query.areaId);
      if (area === null) throw new AppError('invalid-input', `There is no ${this.deps.profile.areaLabel.toLowerCase()} "${query.areaId}" here.`);
      filter.wardCodes = query.wardCode ? area.wardCodes.filter((code) => code === query.wardCode) : area.wardCodes;
    }
    if (query.urgent !== undefined) filter.urgent = query.urgent;
    if (query.overdue) filter.overdueAt = now;
    if (query.mine === true) filter.assignee = actor.id;
    if (query.mine === false) filter.assignee = null;
    return filter;
  }

  private requireAssigneeOrLead(actor: Actor, referral: Referral): void {
    if (actor.role === 'hub-lead') return;
    if (referral.assignee !== actor.id) {
      throw new AppError('forbidden', 'This referral is not assigned to you. Claim it first, or ask a hub lead.');
    }
  }

  private async transition(referral: Referral, version: number, request: Parameters<Store['referrals']['transition']>[1]): Promise<Referral> {
    if (referral.version !== version) throw stale();
    try {
      const updated = await this.deps.store.referrals.transition(referral.id, request);
      if (!updated) throw notFound();
      return updated;
    } catch (err) {
      if (err instanceof StaleReferralError) throw stale();
      throw err;
    }
  }

  private async changed(actor: Actor, referral: Referral, action: Parameters<HubAuditor['record']>[1], detail: Record<string, unknown>): Promise<Referral> {
    await this.deps.auditor.record(actor, action, referral.id, { ...detail, version: referral.version });
    this.deps.events.publish('referral.updated', referral);
    return referral;
  }

  private async mustGet(id: string): Promise<Referral> {
    const referral = await this.deps.store.referrals.get(id);
    if (!referral) throw notFound();
    return referral;
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

export function toQueueItem(referral: Referral, now: string): QueueItem {
  return {
    id: referral.id,
    reference: referral.reference,
    kind: referral.kind,
    status: referral.status,
    urgent: referral.urgent,
    wardCode: referral.ward.code,
    wardName: referral.ward.name,
    createdAt: referral.createdAt,
    slaDueAt: referral.slaDueAt,
    overdue: isOverdue(referral, now),
    assignee: referral.assignee,
  };
}

export function isOverdue(referral: Referral, now: string): boolean {
  return OPEN_STATUSES.includes(referral.status) && referral.slaDueAt < now;
}

/** A text only to a resident who gave a number and chose texts, or who reached us by text in the first place. */
export function mayText(referral: Referral): boolean {
  const contact = referral.contact;
  if (contact.anonymous || !contact.phone) return false;
  return contact.method === 'sms' || referral.channel === 'sms';
}

function demand(actor: Actor, capability: Parameters<typeof can>[1]): void {
  if (!can(actor.role, capability)) throw new AppError('forbidden', 'Your role cannot do that.');
}

function notFound(): AppError {
  return new AppError('not-found', 'There is no such referral.');
}

function stale(): AppError {
  return new AppError('conflict', 'Someone else changed this referral since you opened it. Reload it and try again.');
}

function defaultWhy(to: ReferralStatus, outcome: string | undefined): string {
  switch (to) {
    case 'in-progress':
      return 'work started';
    case 'closed':
      return `closed: ${outcome ?? 'no outcome'}`;
    case 'referred-on':
      return `referred on: ${outcome ?? 'no outcome'}`;
    case 'new':
      return 'put back in the queue by a lead';
    case 'withdrawn':
      return 'withdrawn';
    default:
      return to;
  }
}
