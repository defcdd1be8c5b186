/**
 * Subject access requests: everything held about a resident, found by the phone number or email they gave, and
 * erasure of it.
 *
 * What is held: their referrals (contact, answers, notes, history), the bot's conversation state for those
 * conversations, and audit entries about those referrals and conversations. Erasure deletes the referrals and the
 * conversation state. Audit entries stay: they hold opaque ids and statuses only, never contact details or text,
 * and once the referrals and state are gone nothing links those ids to a person. Erasure leaves one audit entry of
 * its own, with counts and no identifier.
 */
import type { Clock } from '../clock';
import { parseEmail, parseUkPhone } from '../contact';
import { AppError } from '../errors';
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
  audit: (AuditEntry & { seq: number })[];
}

export interface ErasureResult {
  referrals: number;
  conversations: number;
  stateKeys: number;
}

export class SubjectAccessService {
  constructor(private readonly deps: { store: Store; clock: Clock; auditor: HubAuditor }) {}

  async exportFor(actor: Actor, query: SubjectQuery): Promise<SubjectExport> {
    demandAdmin(actor);
    const contact = contactQuery(query);
    const referrals = await this.deps.store.referrals.findByContact(contact);
    const keys = await this.stateKeysFor(referrals);
    const items = await this.deps.store.botState.read(keys);
    const subjects = new Set([...referrals.map((r) => r.id), ...referrals.map((r) => r.conversationId)]);
    const audit: (AuditEntry & { seq: number })[] = [];
    for (const subject of subjects) audit.push(...(await this.deps.store.audit.list({ subject })));
    audit.sort((a, b) => a.seq - b.seq);
    await this.deps.auditor.record(actor, 'hub.sar.exported', null, {
      by: contact.phones ? 'phone' : 'email',
      referrals: referrals.length,
      stateKeys: Object.keys(items).length,
      auditEntries: audit.length,
    });
    return {
      generatedAt: this.deps.clock.now().toISOString(),
      query: { phone: query.phone ?? null, email: query.email ?? null },
      referrals,
      conversationState: Object.entries(items).map(([key, item]) => ({ key, doc: item.doc })),
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
    const result: ErasureResult = {
      referrals: deleted,
      conversations: new Set(referrals.map((r) => r.conversationId)).size,
      stateKeys: keys.length,
    };
    // Counts only: the entry must not become the one place the erased person is still recorded.
    await this.deps.auditor.record(actor, 'hub.sar.erased', null, { by: contact.phones ? 'phone' : 'email', ...result });
    return result;
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
