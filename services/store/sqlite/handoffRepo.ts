/**
 * Live handoffs in the embedded store, on their own migration track (`handoffs` in `schema_tracks`).
 *
 * One open handoff per conversation is a partial unique index; accepting is one conditional UPDATE (`WHERE status =
 * 'waiting'`), so of two workers accepting at once exactly one changes a row. better-sqlite3 is synchronous, so an
 * append (read, add a line, write) runs to completion before any other JavaScript; an IMMEDIATE transaction keeps it
 * whole against a second process on the same file.
 */
import type Database from 'better-sqlite3';
import {
  handoff as handoffSchema,
  type Handoff,
  type HandoffEndReason,
  type HandoffFilter,
  type HandoffRepository,
  type TranscriptLine,
} from '../../handoff/model';
import { migrateTrack } from './migrations';

const TRACK = 'handoffs';

const HANDOFF_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE handoffs (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    status          TEXT NOT NULL,
    requested_at    TEXT NOT NULL,
    accepted_at     TEXT,
    ended_at        TEXT,
    doc             TEXT NOT NULL
  );
  CREATE UNIQUE INDEX handoffs_open_per_conversation ON handoffs (conversation_id) WHERE status <> 'ended';
  CREATE INDEX handoffs_status ON handoffs (status, requested_at, id);
  CREATE INDEX handoffs_conversation ON handoffs (conversation_id);
  CREATE INDEX handoffs_ended ON handoffs (ended_at) WHERE ended_at IS NOT NULL;
  `,
];

export function migrateHandoffs(db: Database.Database): void {
  migrateTrack(db, TRACK, HANDOFF_MIGRATIONS);
}

interface Row {
  doc: string;
}

function parse(row: Row | undefined): Handoff | null {
  return row ? handoffSchema.parse(JSON.parse(row.doc)) : null;
}

export class SqliteHandoffRepository implements HandoffRepository {
  private readonly byId: Database.Statement<[string], Row>;
  private readonly openByConversation: Database.Statement<[string], Row>;
  private readonly insert: Database.Statement<[Record<string, unknown>]>;
  private readonly write: Database.Statement<[Record<string, unknown>]>;
  private readonly acceptSwap: Database.Statement<[Record<string, unknown>]>;
  private readonly deleteIds: Database.Statement<[string]>;

  constructor(private readonly db: Database.Database) {
    this.byId = db.prepare<[string], Row>('SELECT doc FROM handoffs WHERE id = ?');
    this.openByConversation = db.prepare<[string], Row>("SELECT doc FROM handoffs WHERE conversation_id = ? AND status <> 'ended'");
    this.insert = db.prepare(`
      INSERT INTO handoffs (id, conversation_id, status, requested_at, accepted_at, ended_at, doc)
      VALUES (@id, @conversationId, @status, @requestedAt, @acceptedAt, @endedAt, @doc)`);
    this.write = db.prepare(`
      UPDATE handoffs SET status = @status, accepted_at = @acceptedAt, ended_at = @endedAt, doc = @doc WHERE id = @id`);
    // The whole compare-and-swap in one statement: the row changes only while it is still waiting.
    this.acceptSwap = db.prepare(`
      UPDATE handoffs
         SET status = 'active', accepted_at = @at,
             doc = json_set(doc, '$.status', 'active', '$.acceptedAt', @at, '$.acceptedBy', @by, '$.lastActivityAt', @at)
       WHERE id = @id AND status = 'waiting'`);
    this.deleteIds = db.prepare<[string]>('DELETE FROM handoffs WHERE id IN (SELECT value FROM json_each(?))');
  }

  async openIfNone(candidate: Handoff): Promise<{ handoff: Handoff; created: boolean }> {
    const parsed = handoffSchema.parse(candidate);
    return this.db
      .transaction(() => {
        const existing = parse(this.openByConversation.get(parsed.conversationId));
        if (existing) return { handoff: existing, created: false };
        this.insert.run(columns(parsed));
        return { handoff: parsed, created: true };
      })
      .immediate();
  }

  async get(id: string): Promise<Handoff | null> {
    return parse(this.byId.get(id));
  }

  async openFor(conversationId: string): Promise<Handoff | null> {
    return parse(this.openByConversation.get(conversationId));
  }

  async list(filter: HandoffFilter = {}): Promise<Handoff[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.status) {
      clauses.push('status IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.status));
    }
    if (filter.conversationIds) {
      clauses.push('conversation_id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.conversationIds));
    }
    if (filter.phones) {
      clauses.push("json_extract(doc, '$.address.phone') IN (SELECT value FROM json_each(?))");
      params.push(JSON.stringify(filter.phones));
    }
    if (filter.acceptedFrom !== undefined) {
      clauses.push('accepted_at >= ?');
      params.push(filter.acceptedFrom);
    }
    if (filter.endedBefore !== undefined) {
      clauses.push('ended_at < ?');
      params.push(filter.endedBefore);
    }
    if (filter.limit !== undefined && (!Number.isInteger(filter.limit) || filter.limit < 0)) throw new RangeError('limit must be a non-negative integer');
    const where = clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '';
    const limit = filter.limit === undefined ? '' : ` LIMIT ${filter.limit}`;
    const rows = this.db.prepare(`SELECT doc FROM handoffs${where} ORDER BY requested_at ASC, id ASC${limit}`).all(...params) as Row[];
    return rows.map((row) => handoffSchema.parse(JSON.parse(row.doc)));
  }

  async accept(id: string, by: string, at: string): Promise<Handoff | null> {
    if (this.acceptSwap.run({ id, by, at }).changes === 0) return null;
    return this.get(id);
  }

  async end(id: string, reason: HandoffEndReason, at: string): Promise<Handoff | null> {
    return this.change(id, (h) => (h.status === 'ended' ? null : { ...h, status: 'ended', endedAt: at, endReason: reason }));
  }

  async append(id: string, line: Omit<TranscriptLine, 'seq'>): Promise<Handoff | null> {
    return this.change(id, (h) => ({ ...h, lastActivityAt: line.at, transcript: [...h.transcript, { ...line, seq: h.transcript.length }] }));
  }

  async update(id: string, changes: Partial<Pick<Handoff, 'referralId' | 'urgent'>>): Promise<Handoff | null> {
    return this.change(id, (h) => ({ ...h, ...changes }));
  }

  async deleteMany(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.deleteIds.run(JSON.stringify(ids)).changes;
  }

  /** Read, change, write in one IMMEDIATE transaction; `apply` returning null leaves the row alone. */
  private change(id: string, apply: (h: Handoff) => Handoff | null): Promise<Handoff | null> {
    const result = this.db
      .transaction(() => {
        const current = parse(this.byId.get(id));
        if (!current) return null;
        const next = apply(current);
        if (!next) return null;
        const parsed = handoffSchema.parse(next);
        this.write.run(columns(parsed));
        return parsed;
      })
      .immediate();
    return Promise.resolve(result);
  }
}

function columns(h: Handoff): Record<string, unknown> {
  return {
    id: h.id,
    conversationId: h.conversationId,
    status: h.status,
    requestedAt: h.requestedAt,
    acceptedAt: h.acceptedAt,
    endedAt: h.endedAt,
    doc: JSON.stringify(h),
  };
}
