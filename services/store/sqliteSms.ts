/**
 * SMS tables for the embedded store: inbound de-duplication and replay, the outbox with its send attempts, and
 * opt-outs keyed by the hashed number.
 */
import type Database from 'better-sqlite3';
import type { InboundSms, OutboundSms, OutboundStatus, SmsRepository } from './types';

/** Leases (see SmsRepository.leaseInbound): which instance processes a text, or sends one, and until when. */
export const SMS_LEASE_MIGRATION = `
  ALTER TABLE sms_inbound ADD COLUMN lease_owner TEXT;
  ALTER TABLE sms_inbound ADD COLUMN lease_until TEXT;
  ALTER TABLE sms_outbound ADD COLUMN lease_owner TEXT;
  ALTER TABLE sms_outbound ADD COLUMN lease_until TEXT;
`;

export const SMS_MIGRATION = `
  CREATE TABLE sms_inbound (
    message_sid     TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    sender          TEXT,
    body            TEXT,
    num_media       INTEGER NOT NULL,
    received_at     TEXT NOT NULL,
    processed_at    TEXT
  );
  CREATE INDEX sms_inbound_pending ON sms_inbound (processed_at, received_at);

  CREATE TABLE sms_outbound (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    last_error      TEXT,
    next_attempt_at TEXT,
    twilio_sid      TEXT UNIQUE,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
  );
  CREATE INDEX sms_outbound_status ON sms_outbound (status, seq);
  CREATE INDEX sms_outbound_conversation ON sms_outbound (conversation_id, seq);

  CREATE TABLE sms_opt_outs (
    conversation_id TEXT PRIMARY KEY,
    opted_out       INTEGER NOT NULL,
    updated_at      TEXT NOT NULL
  );
`;

interface InboundRow {
  message_sid: string;
  conversation_id: string;
  sender: string | null;
  body: string | null;
  num_media: number;
  received_at: string;
  processed_at: string | null;
}

interface OutboundRow {
  seq: number;
  id: string;
  conversation_id: string;
  recipient: string;
  body: string;
  status: OutboundStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  twilio_sid: string | null;
  created_at: string;
  updated_at: string;
}

/** Statuses a later callback may not overwrite: Twilio's callbacks can arrive out of order. */
const FINAL: ReadonlySet<OutboundStatus> = new Set(['delivered', 'undelivered', 'failed', 'suppressed']);

const toInbound = (r: InboundRow): InboundSms => ({
  messageSid: r.message_sid,
  conversationId: r.conversation_id,
  from: r.sender,
  body: r.body,
  numMedia: r.num_media,
  receivedAt: r.received_at,
  processedAt: r.processed_at,
});

const toOutbound = (r: OutboundRow): OutboundSms => ({
  id: r.id,
  seq: r.seq,
  conversationId: r.conversation_id,
  to: r.recipient,
  body: r.body,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  nextAttemptAt: r.next_attempt_at,
  twilioSid: r.twilio_sid,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const OUTBOUND_COLUMNS: Record<string, string> = {
  status: 'status',
  attempts: 'attempts',
  lastError: 'last_error',
  nextAttemptAt: 'next_attempt_at',
  twilioSid: 'twilio_sid',
  updatedAt: 'updated_at',
};

export class SqliteSmsRepository implements SmsRepository {
  private readonly insertInbound: Database.Statement<unknown[]>;
  private readonly markProcessed: Database.Statement<unknown[]>;
  private readonly selectPendingInbound: Database.Statement<unknown[], InboundRow>;
  private readonly insertOutbound: Database.Statement<unknown[]>;
  private readonly selectOutbound: Database.Statement<unknown[], OutboundRow>;
  private readonly selectPendingOutbound: Database.Statement<unknown[], OutboundRow>;
  private readonly selectNextPending: Database.Statement<unknown[], OutboundRow>;
  private readonly selectBySid: Database.Statement<unknown[], OutboundRow>;
  private readonly selectForConversation: Database.Statement<unknown[], OutboundRow>;
  private readonly upsertOptOut: Database.Statement<unknown[]>;
  private readonly selectOptOut: Database.Statement<unknown[], { opted_out: number }>;
  private readonly updateDeliveryStatus: Database.Statement<unknown[]>;
  private readonly leaseIn: Database.Statement<unknown[]>;
  private readonly leaseOut: Database.Statement<unknown[]>;
  /**
   * UPDATE statements by the columns they set. The outbox updates every text it sends, with one of a handful of
   * column sets; preparing the statement each time cost more than running it (the SMS benchmark's profile).
   */
  private readonly outboundUpdates = new Map<string, Database.Statement<unknown[]>>();

  constructor(private readonly db: Database.Database) {
    this.insertInbound = db.prepare(
      `INSERT INTO sms_inbound (message_sid, conversation_id, sender, body, num_media, received_at, processed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_sid) DO NOTHING`,
    );
    this.markProcessed = db.prepare('UPDATE sms_inbound SET processed_at = ?, sender = NULL, body = NULL WHERE message_sid = ?');
    this.selectPendingInbound = db.prepare('SELECT * FROM sms_inbound WHERE processed_at IS NULL ORDER BY received_at, rowid');
    this.insertOutbound = db.prepare(
      `INSERT INTO sms_outbound (id, conversation_id, recipient, body, status, attempts, last_error, next_attempt_at, twilio_sid, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    this.selectOutbound = db.prepare('SELECT * FROM sms_outbound WHERE id = ?');
    this.selectPendingOutbound = db.prepare("SELECT * FROM sms_outbound WHERE status IN ('queued', 'retrying') ORDER BY seq");
    this.selectNextPending = db.prepare(
      "SELECT * FROM sms_outbound WHERE conversation_id = ? AND status IN ('queued', 'retrying') ORDER BY seq LIMIT 1",
    );
    this.selectBySid = db.prepare('SELECT * FROM sms_outbound WHERE twilio_sid = ?');
    this.selectForConversation = db.prepare('SELECT * FROM sms_outbound WHERE conversation_id = ? ORDER BY seq');
    this.upsertOptOut = db.prepare(
      `INSERT INTO sms_opt_outs (conversation_id, opted_out, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET opted_out = excluded.opted_out, updated_at = excluded.updated_at`,
    );
    this.selectOptOut = db.prepare('SELECT opted_out FROM sms_opt_outs WHERE conversation_id = ?');
    this.leaseIn = db.prepare(
      `UPDATE sms_inbound SET lease_owner = ?, lease_until = ?
       WHERE message_sid = ? AND processed_at IS NULL AND (lease_owner IS NULL OR lease_owner = ? OR lease_until <= ?)`,
    );
    this.leaseOut = db.prepare(
      `UPDATE sms_outbound SET lease_owner = ?, lease_until = ?
       WHERE id = ? AND status IN ('queued', 'retrying') AND (lease_owner IS NULL OR lease_owner = ? OR lease_until <= ?)`,
    );
    this.updateDeliveryStatus = db.prepare(
      'UPDATE sms_outbound SET status = ?, last_error = COALESCE(?, last_error), updated_at = ? WHERE twilio_sid = ?',
    );
  }

  async recordInbound(m: InboundSms): Promise<boolean> {
    const result = this.insertInbound.run(m.messageSid, m.conversationId, m.from, m.body, m.numMedia, m.receivedAt, m.processedAt);
    return result.changes === 1;
  }

  async markInboundProcessed(messageSid: string, at: string): Promise<void> {
    this.markProcessed.run(at, messageSid);
  }

  async pendingInbound(): Promise<InboundSms[]> {
    return this.selectPendingInbound.all().map(toInbound);
  }

  async leaseInbound(messageSid: string, owner: string, until: string, now: string): Promise<boolean> {
    return this.leaseIn.run(owner, until, messageSid, owner, now).changes === 1;
  }

  async leaseOutbound(id: string, owner: string, until: string, now: string): Promise<boolean> {
    return this.leaseOut.run(owner, until, id, owner, now).changes === 1;
  }

  async enqueueOutbound(m: Omit<OutboundSms, 'seq'>): Promise<OutboundSms> {
    const result = this.insertOutbound.run(
      m.id, m.conversationId, m.to, m.body, m.status, m.attempts, m.lastError, m.nextAttemptAt, m.twilioSid, m.createdAt, m.updatedAt,
    );
    if (result.changes === 0) return toOutbound(this.selectOutbound.get(m.id) as OutboundRow);
    return { ...m, seq: Number(result.lastInsertRowid) };
  }

  async pendingOutbound(): Promise<OutboundSms[]> {
    return this.selectPendingOutbound.all().map(toOutbound);
  }

  async nextPendingOutbound(conversationId: string): Promise<OutboundSms | null> {
    const row = this.selectNextPending.get(conversationId);
    return row ? toOutbound(row) : null;
  }

  async updateOutbound(id: string, changes: Parameters<SmsRepository['updateOutbound']>[1]): Promise<void> {
    const entries = Object.entries(changes).filter(([key]) => key in OUTBOUND_COLUMNS);
    if (entries.length === 0) return;
    const sets = entries.map(([key]) => `${OUTBOUND_COLUMNS[key]} = ?`).join(', ');
    let statement = this.outboundUpdates.get(sets);
    if (!statement) {
      statement = this.db.prepare(`UPDATE sms_outbound SET ${sets} WHERE id = ?`);
      this.outboundUpdates.set(sets, statement);
    }
    statement.run(...entries.map(([, v]) => v ?? null), id);
  }

  async getOutbound(id: string): Promise<OutboundSms | null> {
    const row = this.selectOutbound.get(id);
    return row ? toOutbound(row) : null;
  }

  async setDeliveryStatus(twilioSid: string, status: OutboundStatus, error: string | null, at: string): Promise<boolean> {
    const row = this.selectBySid.get(twilioSid);
    if (!row) return false;
    if (FINAL.has(row.status) && !FINAL.has(status)) return true;
    this.updateDeliveryStatus.run(status, error, at, twilioSid);
    return true;
  }

  async outboundFor(conversationId: string): Promise<OutboundSms[]> {
    return this.selectForConversation.all(conversationId).map(toOutbound);
  }

  async deleteForConversation(conversationId: string): Promise<{ inbound: number; outbound: number }> {
    const inbound = this.db.prepare('DELETE FROM sms_inbound WHERE conversation_id = ?').run(conversationId).changes;
    const outbound = this.db.prepare('DELETE FROM sms_outbound WHERE conversation_id = ?').run(conversationId).changes;
    return { inbound, outbound };
  }

  async setOptOut(conversationId: string, optedOut: boolean, at: string): Promise<void> {
    this.upsertOptOut.run(conversationId, optedOut ? 1 : 0, at);
  }

  async deleteSettledBefore(before: string): Promise<{ inbound: number; outbound: number }> {
    const inbound = this.db.prepare('DELETE FROM sms_inbound WHERE processed_at IS NOT NULL AND received_at < ?').run(before).changes;
    const outbound = this.db.prepare("DELETE FROM sms_outbound WHERE status NOT IN ('queued', 'retrying') AND created_at < ?").run(before).changes;
    return { inbound, outbound };
  }

  async isOptedOut(conversationId: string): Promise<boolean> {
    return this.selectOptOut.get(conversationId)?.opted_out === 1;
  }
}
