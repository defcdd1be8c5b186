/**
 * Subject access requests: everything held about a resident, found by the phone number or email they gave, and
 * erasure of it.
 *
 * What is held: their referrals (contact, answers, notes, history), the bot's conversation state for those
 * conversations, live chats with a hub worker (from those conversations, or reached by SMS on the number asked
 * about), and audit entries about all of these. Erasure deletes the referrals, the conversation state and the live
 * chats. Audit entries stay: they hold opaque ids and statuses only, never contact details or text,
 * and once the referrals and state are gone nothing links those ids to a person. Erasure leaves one audit entry of
 * its own, with counts and no identifier.
 */
import type { Clock } from '../clock';
import { parseEmail, parseUkPhone } from '../contact';
import { AppError } from '../errors';
import type { Handoff } from '../handoff/model';
import { CHANNELS, type Referral } from '../referrals/model';
import type { AuditEntry, ContactQuery, Store } from '../store/types';
import type { HubAuditor } from './auditor';
import { can, type Actor } from './roles';

export interface SubjectQuery {
  phone?: string;
  email?: string;
}

export interface SubjectExport {
  generatedAt: string;
  query: { phone: string | null; email: string | null };
  referrals: Referral[];
  conversationState: { key: string; doc: Record<string, unknown> }[];
  /** Live chats with a hub worker, with their transcripts. */
  handoffs: Handoff[];
  audit: (AuditEntry & { seq: number })[];
}

export interface ErasureResult {
  referrals: number;
  conversations: number;
  stateKeys: number;
  /** Omitted when there were none, so an erasure without live chats reads as it always has. */
  handoffs?: number;
}

export class SubjectAccessService {
  constructor(private readonly deps: { store: Store; clock: Clock; auditor: HubAuditor }) {}

  async exportFor(actor: Actor, query: SubjectQuery): Promise<SubjectExport> {
    demandAdmin(actor);
    const contact = contactQuery(query);
    const referrals = await this.deps.store.referrals.findByContact(contact);
    const keys = await this.stateKeysFor(referrals);
    const items = await this.deps.store.botState.read(keys);
    const handoffs = await this.handoffsFor(contact, referrals);
    const subjects = new Set([...referrals.map((r) => r.id), ...referrals.map((r) => r.conversationId), ...handoffs.map((h) => h.id), ...handoffs.map((h) => h.conversationId)]);
    const audit: (AuditEntry & { seq: number })[] = [];
    for (const subject of subjects) audit.push(...(await this.deps.store.audit.list({ subject })));
    audit.sort((a, b) => a.seq - b.seq);
    await this.deps.auditor.record(actor, 'hub.sar.exported', null, {
      by: contact.phones ? 'phone' : 'email',
      referrals: referrals.length,
      stateKeys: Object.keys(items).length,
      handoffs: handoffs.length,
      auditEntries: audit.length,
    });
    return {
      generatedAt: this.deps.clock.now().toISOString(),
      query: { phone: query.phone ?? null, email: query.email ?? null },
      referrals,
      conversationState: Object.entries(items).map(([key, item]) => ({ key, doc: item.doc })),
      handoffs,
      audit,
    };
  }

  async eraseFor(actor: Actor, query: SubjectQuery): Promise<ErasureResult> {
    demandAdmin(actor);
    const contact = contactQuery(query);
    const referrals = await this.deps.store.referrals.findByContact(contact);
    const keys = await this.stateKeysFor(referrals);
    await this.deps.store.botState.delete(keys);
    const deleted = await this.deps.store.referrals.deleteMany(referrals.map((r) => r.id));
    const handoffs = await this.handoffsFor(contact, referrals);
    const handoffsDeleted = await this.deps.store.handoffs.deleteMany(handoffs.map((h) => h.id));
    const result: ErasureResult = {
      referrals: deleted,
      conversations: new Set([...referrals.map((r) => r.conversationId), ...handoffs.map((h) => h.conversationId)]).size,
      stateKeys: keys.length,
      ...(handoffsDeleted > 0 ? { handoffs: handoffsDeleted } : {}),
    };
    // Counts only: the entry must not become the one place the erased person is still recorded.
    await this.deps.auditor.record(actor, 'hub.sar.erased', null, { by: contact.phones ? 'phone' : 'email', ...result });
    return result;
  }

  /** Live chats from the resident's referrals' conversations, or reached by SMS on the number asked about. */
  private async handoffsFor(contact: ContactQuery, referrals: Referral[]): Promise<Handoff[]> {
    const byConversation = referrals.length ? await this.deps.store.handoffs.list({ conversationIds: [...new Set(referrals.map((r) => r.conversationId))] }) : [];
    const e164 = (contact.phones ?? []).filter((p) => p.startsWith('+'));
    const byPhone = e164.length ? await this.deps.store.handoffs.list({ phones: e164 }) : [];
    return [...new Map([...byConversation, ...byPhone].map((h) => [h.id, h])).values()];
  }

  /**
   * botbuilder's ConversationState keys are `<channelId>/conversations/<conversationId>/…`. The referral records
   * the channel; one it did not recognise is stored as `other`, and then every key is checked.
   */
  private async stateKeysFor(referrals: Referral[]): Promise<string[]> {
    const keys = new Set<string>();
    const conversations = new Map(referrals.map((r) => [r.conversationId, r.channel]));
    for (const [conversationId, channel] of conversations) {
      const channels = channel === 'other' ? [] : [channel, ...CHANNELS.filter((c) => c !== channel && c !== 'other')];
      for (const c of channels) for (const key of await this.deps.store.botState.keys(`${c}/conversations/${conversationId}/`)) keys.add(key);
      if (channel === 'other') {
        const marker = `/conversations/${conversationId}/`;
        for (const key of await this.deps.store.botState.keys('')) if (key.includes(marker)) keys.add(key);
      }
    }
    return [...keys];
  }
}

function demandAdmin(actor: Actor): void {
  if (!can(actor.role, 'sar.manage')) throw new AppError('forbidden', 'Your role cannot do that.');
}

/** A phone number is matched in every form it may be stored in; an email in lower case. */
export function contactQuery(query: SubjectQuery): ContactQuery {
  if (query.phone && !query.email) {
    const phone = parseUkPhone(query.phone);
    if (!phone) throw new AppError('invalid-input', 'That is not a UK phone number.');
    return { phones: [...new Set([phone.national, phone.national.replace(/\s/g, ''), phone.e164, query.phone.trim()])] };
  }
  if (query.email && !query.phone) {
    const email = parseEmail(query.email);
    if (!email) throw new AppError('invalid-input', 'That is not an email address.');
    return { email };
  }
  throw new AppError('invalid-input', 'Give either a phone number or an email address.');
}
