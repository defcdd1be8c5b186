/**
 * The queue operations on referrals in the embedded store (issue 5). SqliteReferralRepository extends this class.
 *
 * A claim is ONE `UPDATE … WHERE status = 'new' … RETURNING`: SQLite runs a statement atomically, so of any number
 * of simultaneous claims (in this process or another one on the same file) exactly one changes the row. Changes
 * that need checks in code (a status move against a version) run inside an IMMEDIATE transaction, which holds the
 * write lock from the first read to the last write.
 *
 * Claims are group-committed: the claims asked for in one turn of the event loop (50 workers pressing "next" at
 * once) run in ONE IMMEDIATE transaction at the end of that turn (setImmediate) and commit together. Committed
 * alone, a claim over 100,000 referrals wrote about 15 pages to the WAL (the row, its indexes, the digest facts
 * the trigger keeps), took and dropped the file locks, and every claim of a burst paid that again for the same
 * index pages; in a batch of 50 it is under 4 pages a claim, and about half the CPU.
 *
 * What each caller is told is unchanged. Nobody's promise resolves before the COMMIT has succeeded; if BEGIN or
 * COMMIT fails, every claim of the batch is rejected and none is kept. A claim whose statement fails (a constraint
 * or a trigger refuses it) is undone alone, because SQLite rolls back a failed statement, triggers and all, without
 * ending the transaction; it is rejected, the others commit. An error that makes SQLite roll back
 * the whole transaction stops the batch, and all of it is rejected. A document that fails its zod check after a
 * successful claim is reported to that caller as before, and its claim stands. The claims run one after another
 * on the one connection, so each `claimNext` sees those before it, and the compare-and-swap above still decides
 * every contest.
 */
import type Database from 'better-sqlite3';
import { referral as referralSchema, type HistoryEntry, type NoteEntry, type Referral, type ReferralStatus } from '../../referrals/model';
import { applyChanges } from '../referralChanges';
import {
  OPEN_STATUSES,
  StaleReferralError,
  emptyCounts,
  type ContactQuery,
  type Page,
  type PageRequest,
  type QueueCounts,
  type QueueFilter,
  type ReferralQueueOperations,
  type TransitionRequest,
  type WorkloadRow,
} from '../hubTypes';

type Db = Database.Database;

interface DocRow {
  doc: string;
}

const OPEN_SQL = `(${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/**
 * Sets a referral to claimed and appends a history entry, in SQL, so a claim stays one statement. The placeholders
 * are passed in because a statement cannot mix named and positional parameters; positional ones bind in the order
 * they appear here: history, staff, at.
 */
function claimSet(history: string, staff: string, at: string): string {
  return `
  status = 'claimed',
  doc = json_set(
    json_insert(doc, '$.history[#]', json(${history})),
    '$.status', 'claimed',
    '$.assignee', ${staff},
    '$.updatedAt', ${at},
    '$.version', coalesce(json_extract(doc, '$.version'), 0) + 1
  )`;
}

interface PendingClaim {
  /** Runs the claim's statement; the document it returns is parsed after, outside the statement. */
  run: () => DocRow | undefined;
  resolve: (referral: Referral | null) => void;
  reject: (err: unknown) => void;
}

type ClaimOutcome = { ok: true; row: DocRow | undefined } | { ok: false; error: unknown };

export class SqliteReferralQueue implements ReferralQueueOperations {
  private readonly statements = new Map<string, Database.Statement<unknown[]>>();
  private pendingClaims: PendingClaim[] = [];
  private flushScheduled: NodeJS.Immediate | null = null;
  private readonly claimBatchTx: Database.Transaction<(batch: PendingClaim[]) => ClaimOutcome[]>;
  private readonly claimById: Database.Statement<[{ id: string; staff: string; at: string; history: string }], DocRow>;
  private readonly selectDoc: Database.Statement<[string], DocRow>;
  private readonly writeDoc: Database.Statement<[{ id: string; status: string; doc: string }]>;
  private readonly writeDocAndWard: Database.Statement<[{ id: string; status: string; wardCode: string | null; doc: string }]>;
  private readonly appendNote: Database.Statement<[{ id: string; note: string; at: string }], DocRow>;
  private readonly transitionTx: Database.Transaction<(id: string, request: TransitionRequest) => Referral | null>;

  constructor(private readonly queueDb: Db) {
    this.claimById = queueDb.prepare(`UPDATE referrals SET ${claimSet('@history', '@staff', '@at')} WHERE id = @id AND status = 'new' RETURNING doc`);
    this.selectDoc = queueDb.prepare('SELECT doc FROM referrals WHERE id = ?');
    this.writeDoc = queueDb.prepare('UPDATE referrals SET status = @status, doc = @doc WHERE id = @id');
    // ward_code is a real column (the queue filter reads it and the digests' facts trigger copies it), so a change of
    // ward writes it too; other changes leave it, and its two indexes, alone.
    this.writeDocAndWard = queueDb.prepare('UPDATE referrals SET status = @status, ward_code = @wardCode, doc = @doc WHERE id = @id');
    this.appendNote = queueDb.prepare(`
      UPDATE referrals SET doc = json_set(json_insert(doc, '$.notes[#]', json(@note)), '$.updatedAt', @at)
      WHERE id = @id RETURNING doc`);
    this.transitionTx = queueDb.transaction((id: string, request: TransitionRequest) => this.transitionNow(id, request));
    this.claimBatchTx = queueDb.transaction((batch: PendingClaim[]) =>
      batch.map((claim): ClaimOutcome => {
        try {
          return { ok: true, row: claim.run() };
        } catch (error) {
          // Rolled back alone, unless SQLite ended the whole transaction: then stop, or the claims after this one
          // would each commit on their own while the batch is reported as failed.
          if (!this.queueDb.inTransaction) throw error;
          return { ok: false, error };
        }
      }),
    );
  }

  async listPage(filter: QueueFilter, page: PageRequest): Promise<Page<Referral>> {
    checkPage(page);
    const { where, params } = queueWhere(filter);
    // The page's ids first, then their documents: when SQLite has to sort (several statuses), it then sorts short
    // index rows rather than every matching referral's whole JSON.
    const rows = this.statement(
      `SELECT doc FROM referrals WHERE id IN (SELECT id FROM referrals${where} ORDER BY urgent DESC, created_at ASC, id ASC LIMIT ? OFFSET ?)
       ORDER BY urgent DESC, created_at ASC, id ASC`,
    ).all(...params, page.limit, page.offset) as DocRow[];
    const total = (this.statement(`SELECT count(*) AS n FROM referrals${where}`).get(...params) as { n: number }).n;
    return { items: rows.map((row) => parseDoc(row.doc)), total };
  }

  /**
   * Two queries, each answerable from an index for the common filters: the counts by status, kind and urgency, and
   * the overdue count. One query with an "overdue" column would read every referral's JSON for its due time.
   */
  async counts(filter: QueueFilter, now: string): Promise<QueueCounts> {
    const { where, params } = queueWhere(filter);
    const rows = this.statement(`SELECT status, kind, urgent, count(*) AS n FROM referrals${where} GROUP BY status, kind, urgent`).all(...params) as {
      status: ReferralStatus;
      kind: keyof QueueCounts['byKind'];
      urgent: number;
      n: number;
    }[];
    const counts = emptyCounts();
    for (const row of rows) {
      counts.total += row.n;
      counts.byStatus[row.status] += row.n;
      counts.byKind[row.kind] += row.n;
      if (row.urgent) counts.urgent += row.n;
    }
    const overdue = queueWhere({ ...filter, overdueAt: filter.overdueAt !== undefined && filter.overdueAt < now ? filter.overdueAt : now });
    counts.overdue = (this.statement(`SELECT count(*) AS n FROM referrals${overdue.where}`).get(...overdue.params) as { n: number }).n;
    return counts;
  }

  async claim(id: string, staffId: string, at: string): Promise<Referral | null> {
    const history = claimHistory(staffId, at, 'claimed from the queue');
    return this.groupCommitted(() => this.claimById.get({ id, staff: staffId, at, history }));
  }

  async claimNext(filter: QueueFilter, staffId: string, at: string, why = 'picked up as next in the queue'): Promise<Referral | null> {
    const { where, params } = queueWhere({ ...filter, status: ['new'] });
    // The sub-select and the update are one statement, so nothing can claim the chosen row in between; the outer
    // `status = 'new'` is kept anyway so the statement is a compare-and-swap on its own.
    const statement = this.statement(`UPDATE referrals SET ${claimSet('?', '?', '?')}
      WHERE id = (SELECT id FROM referrals${where} ORDER BY urgent DESC, created_at ASC, id ASC LIMIT 1) AND status = 'new'
      RETURNING doc`);
    const history = claimHistory(staffId, at, why);
    return this.groupCommitted(() => statement.get(history, staffId, at, ...params) as DocRow | undefined);
  }

  /** Commits the claims queued so far now, rather than at the end of this turn of the event loop (the store's close). */
  flushClaims(): void {
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = null;
    const batch = this.pendingClaims;
    this.pendingClaims = [];
    if (batch.length === 0) return;
    let outcomes: ClaimOutcome[];
    try {
      outcomes = this.claimBatchTx.immediate(batch);
    } catch (error) {
      // BEGIN or COMMIT failed (the file is locked by another process past the busy timeout, the disk is full):
      // nothing in the batch was kept, so nobody may be told they won.
      for (const claim of batch) claim.reject(error);
      return;
    }
    batch.forEach((claim, i) => {
      const outcome = outcomes[i] as ClaimOutcome;
      if (!outcome.ok) {
        claim.reject(outcome.error);
        return;
      }
      try {
        claim.resolve(outcome.row ? parseDoc(outcome.row.doc) : null);
      } catch (error) {
        claim.reject(error);
      }
    });
  }

  private groupCommitted(run: () => DocRow | undefined): Promise<Referral | null> {
    return new Promise((resolve, reject) => {
      this.pendingClaims.push({ run, resolve, reject });
      this.flushScheduled ??= setImmediate(() => this.flushClaims());
    });
  }

  async transition(id: string, request: TransitionRequest): Promise<Referral | null> {
    return this.transitionTx.immediate(id, request);
  }

  async addNote(id: string, note: NoteEntry, at: string): Promise<Referral | null> {
    const row = this.appendNote.get({ id, note: JSON.stringify(note), at });
    return row ? parseDoc(row.doc) : null;
  }

  async workload(now: string): Promise<WorkloadRow[]> {
    const rows = this.statement(`
      SELECT assignee, status, count(*) AS count, sum(sla_due_at < ?) AS overdue FROM referrals
      WHERE assignee IS NOT NULL AND status IN ${OPEN_SQL}
      GROUP BY assignee, status ORDER BY assignee, status`).all(now) as WorkloadRow[];
    return rows.map((row) => ({ assignee: row.assignee, status: row.status, count: row.count, overdue: row.overdue }));
  }

  async findByContact(query: ContactQuery): Promise<Referral[]> {
    const phones = query.phones ?? [];
    const email = query.email?.toLowerCase() ?? null;
    if (phones.length === 0 && email === null) return [];
    const rows = this.statement(`
      SELECT doc FROM referrals
      WHERE contact_phone IN (SELECT value FROM json_each(?)) OR contact_email = ?
      ORDER BY created_at, id`).all(JSON.stringify(phones), email) as DocRow[];
    return rows.map((row) => parseDoc(row.doc));
  }

  async deleteMany(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.statement('DELETE FROM referrals WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids)).changes;
  }

  async replaceAnonymised(referral: Referral): Promise<boolean> {
    const valid = referralSchema.parse(referral);
    const result = this.statement(
      'UPDATE referrals SET status = ?, doc = ?, conversation_id = ?, idempotency_key = ? WHERE id = ?',
    ).run(valid.status, JSON.stringify(valid), valid.conversationId, valid.idempotencyKey, valid.id);
    return result.changes > 0;
  }

  private transitionNow(id: string, request: TransitionRequest): Referral | null {
    const row = this.selectDoc.get(id);
    if (!row) return null;
    const current = parseDoc(row.doc);
    if (current.version !== request.expectedVersion) throw new StaleReferralError(id);
    const next = applyChanges(current, request);
    if (next.ward.code === current.ward.code) this.writeDoc.run({ id, status: next.status, doc: JSON.stringify(next) });
    else this.writeDocAndWard.run({ id, status: next.status, wardCode: next.ward.code, doc: JSON.stringify(next) });
    return next;
  }

  private statement(sql: string): Database.Statement<unknown[]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.queueDb.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

function claimHistory(staffId: string, at: string, why: string): string {
  const entry: HistoryEntry = { at, actor: staffId, from: 'new', to: 'claimed', why };
  return JSON.stringify(entry);
}

function checkPage(page: PageRequest): void {
  if (!Number.isInteger(page.limit) || page.limit < 0 || !Number.isInteger(page.offset) || page.offset < 0) {
    throw new RangeError('offset and limit must be non-negative integers');
  }
}

/**
 * Empty lists match nothing, as MongoDB's `$in: []` does. A one-value list becomes `=`: with `IN` SQLite cannot
 * read the queue index in order and sorts instead, which for "next in the queue" is the difference between reading
 * one index entry and sorting every new referral.
 */
function queueWhere(filter: QueueFilter): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const anyOf = (column: string, values: readonly string[] | undefined): void => {
    if (values === undefined) return;
    if (values.length === 1) {
      clauses.push(`${column} = ?`);
      params.push(values[0]);
    } else {
      clauses.push(`${column} IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(values));
    }
  };
  anyOf('status', filter.status);
  anyOf('kind', filter.kind);
  anyOf('ward_code', filter.wardCodes);
  if (filter.urgent !== undefined) {
    clauses.push('urgent = ?');
    params.push(filter.urgent ? 1 : 0);
  }
  if (filter.assignee !== undefined) {
    if (filter.assignee === null) clauses.push('assignee IS NULL');
    else {
      clauses.push('assignee = ?');
      params.push(filter.assignee);
    }
  }
  if (filter.overdueAt !== undefined) {
    clauses.push(`status IN ${OPEN_SQL} AND sla_due_at < ?`);
    params.push(filter.overdueAt);
  }
  if (filter.createdFrom !== undefined) {
    clauses.push('created_at >= ?');
    params.push(filter.createdFrom);
  }
  if (filter.createdBefore !== undefined) {
    clauses.push('created_at < ?');
    params.push(filter.createdBefore);
  }
  return { where: clauses.length === 0 ? '' : ` WHERE ${clauses.join(' AND ')}`, params };
}

function parseDoc(doc: string): Referral {
  return referralSchema.parse(JSON.parse(doc));
}
