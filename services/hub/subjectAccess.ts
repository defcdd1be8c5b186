/**
 * Subject access requests: everything held about a resident, found by the phone number or email they gave, and
 * erasure of it.
 *
 * What is held: their referrals (contact, answers, notes, history), the bot's conversation state for those
 * conversations, web chat transcripts (embedded Direct Line logs) and texts (the SMS inbound and outbound rows) of
 * those conversations, and audit entries about those referrals and conversations. A phone number also finds its SMS
 * conversation (the HMAC of the number) with or without a referral; a web chat is found through the conversation id
 * on the resident's referrals, since a chat that made no referral holds no contact details to search by.
 * Also live chats with a hub worker (from those conversations, or reached by SMS on the number asked about).
 * Erasure deletes the referrals, conversation state, transcripts, texts and live chats; an SMS opt-out is kept, so that the
 * number is never texted again. Audit entries stay: they hold opaque ids and statuses only, never contact details or text,
 * and once the referrals and state are gone nothing links those ids to a person. Erasure leaves one audit entry of
 * its own, with counts and no identifier.
 */
import type { Clock } from '../clock';
import { parseEmail, parseUkPhone } from '../contact';
import { AppError } from '../errors';
import type { Handoff } from '../handoff/model';
import { CHANNELS, type Channel, type Referral } from '../referrals/model';
import { DIRECT_LINE_LOG_PREFIX } from '../retention';
import type { AuditEntry, ContactQuery, OutboundSms, Store } from '../store/types';
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
  /** Embedded Direct Line logs: every activity of the chat, the resident's words included. */
  webChatTranscripts: { conversationId: string; doc: Record<string, unknown> }[];
  /** Texts sent to the resident, oldest first. */
  texts: OutboundSms[];
  /** Live chats with a hub worker, with their transcripts. */
  handoffs: Handoff[];
  audit: (AuditEntry & { seq: number })[];
}

export interface ErasureResult {
  referrals: number;
  conversations: number;
  stateKeys: number;
  webChatTranscripts: number;
  /** Inbound and outbound SMS rows. */
  texts: number;
  /** Omitted when there were none, so an erasure without live chats reads as it always has. */
  handoffs?: number;
}

export interface SubjectAccessDeps {
  store: Store;
  clock: Clock;
  auditor: HubAuditor;
  /** The SMS conversation id for a number in E.164 (an HMAC); absent when SMS is not set up. */
  smsConversationFor?: (e164: string) => string;
}

export class SubjectAccessService {
  constructor(private readonly deps: SubjectAccessDeps) {}

  async exportFor(actor: Actor, query: SubjectQuery): Promise<SubjectExport> {
    demandAdmin(actor);
    const contact = contactQuery(query);
    const referrals = await this.deps.store.referrals.findByContact(contact);
    const conversations = this.conversationsOf(referrals, query);
    const keys = await this.stateKeysFor(conversations);
    const items = await this.deps.store.botState.read(keys);
    const transcripts = await this.deps.store.botState.read([...conversations.keys()].map(transcriptKey));
    const texts: OutboundSms[] = [];
    for (const conversationId of conversations.keys()) texts.push(...(await this.deps.store.sms.outboundFor(conversationId)));
    const handoffs = await this.handoffsFor(contact, referrals);
    const subjects = new Set([...referrals.map((r) => r.id), ...conversations.keys(), ...handoffs.map((h) => h.id), ...handoffs.map((h) => h.conversationId)]);
    const audit: (AuditEntry & { seq: number })[] = [];
    for (const subject of subjects) audit.push(...(await this.deps.store.audit.list({ subject })));
    audit.sort((a, b) => a.seq - b.seq);
    await this.deps.auditor.record(actor, 'hub.sar.exported', null, {
      by: contact.phones ? 'phone' : 'email',
      referrals: referrals.length,
      stateKeys: Object.keys(items).length,
      webChatTranscripts: Object.keys(transcripts).length,
      texts: texts.length,
      handoffs: handoffs.length,
      auditEntries: audit.length,
    });
    return {
      generatedAt: this.deps.clock.now().toISOString(),
      query: { phone: query.phone ?? null, email: query.email ?? null },
      referrals,
      conversationState: Object.entries(items).map(([key, item]) => ({ key, doc: item.doc })),
      webChatTranscripts: Object.entries(transcripts).map(([key, item]) => ({ conversationId: key.slice(DIRECT_LINE_LOG_PREFIX.length), doc: item.doc })),
      texts,
      handoffs,
      audit,
    };
  }

  async eraseFor(actor: Actor, query: SubjectQuery): Promise<ErasureResult> {
    demandAdmin(actor);
    const contact = contactQuery(query);
    const referrals = await this.deps.store.referrals.findByContact(contact);
    const conversations = this.conversationsOf(referrals, query);
    const keys = await this.stateKeysFor(conversations);
    const transcripts = Object.keys(await this.deps.store.botState.read([...conversations.keys()].map(transcriptKey)));
    await this.deps.store.botState.delete([...keys, ...transcripts]);
    let texts = 0;
    for (const conversationId of conversations.keys()) {
      const { inbound, outbound } = await this.deps.store.sms.deleteForConversation(conversationId);
      texts += inbound + outbound;
    }
    const deleted = await this.deps.store.referrals.deleteMany(referrals.map((r) => r.id));
    const handoffs = await this.handoffsFor(contact, referrals);
    const handoffsDeleted = await this.deps.store.handoffs.deleteMany(handoffs.map((h) => h.id));
    const result: ErasureResult = {
      referrals: deleted,
      conversations: new Set([...conversations.keys(), ...handoffs.map((h) => h.conversationId)]).size,
      stateKeys: keys.length,
      webChatTranscripts: transcripts.length,
      texts,
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
  private async stateKeysFor(conversations: Map<string, Channel>): Promise<string[]> {
    const keys = new Set<string>();
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

  /** The resident's conversations and their channels: those of their referrals, and by phone, their SMS one. */
  private conversationsOf(referrals: Referral[], query: SubjectQuery): Map<string, Channel> {
    const conversations = new Map<string, Channel>(referrals.map((r) => [r.conversationId, r.channel]));
    const phone = query.phone ? parseUkPhone(query.phone) : null;
    if (phone && this.deps.smsConversationFor) conversations.set(this.deps.smsConversationFor(phone.e164), 'sms');
    return conversations;
  }
}

function transcriptKey(conversationId: string): string {
  return `${DIRECT_LINE_LOG_PREFIX}${conversationId}`;
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
