/**
 * Staff accounts and their sessions in the embedded store (issue 5). Each row keeps the whole account as JSON,
 * checked with zod on the way out, with the columns that are looked up copied alongside.
 */
import type Database from 'better-sqlite3';
import {
  DuplicateStaffEmailError,
  staffSession,
  staffUser,
  type SessionRepository,
  type StaffChanges,
  type StaffRepository,
  type StaffSession,
  type StaffUser,
} from '../hubTypes';

type Db = Database.Database;

interface DocRow {
  doc: string;
}

export class SqliteStaffRepository implements StaffRepository {
  private readonly insert: Database.Statement<[{ id: string; email: string; doc: string }]>;
  private readonly byId: Database.Statement<[string], DocRow>;
  private readonly byEmail: Database.Statement<[string], DocRow>;
  private readonly all: Database.Statement<[], DocRow>;
  private readonly write: Database.Statement<[{ id: string; doc: string }]>;
  private readonly updateTx: Database.Transaction<(id: string, change: (user: StaffUser) => StaffUser) => StaffUser | null>;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT INTO staff (id, email, doc) VALUES (@id, @email, @doc)');
    this.byId = db.prepare('SELECT doc FROM staff WHERE id = ?');
    this.byEmail = db.prepare('SELECT doc FROM staff WHERE email = ?');
    this.all = db.prepare('SELECT doc FROM staff ORDER BY email');
    this.write = db.prepare('UPDATE staff SET doc = @doc WHERE id = @id');
    this.updateTx = db.transaction((id: string, change: (user: StaffUser) => StaffUser) => {
      const row = this.byId.get(id);
      if (!row) return null;
      const next = staffUser.parse(change(parseStaff(row.doc)));
      this.write.run({ id, doc: JSON.stringify(next) });
      return next;
    });
  }

  async create(user: StaffUser): Promise<StaffUser> {
    const valid = staffUser.parse({ ...user, email: user.email.toLowerCase() });
    try {
      this.insert.run({ id: valid.id, email: valid.email, doc: JSON.stringify(valid) });
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new DuplicateStaffEmailError();
      throw err;
    }
    return valid;
  }

  async get(id: string): Promise<StaffUser | null> {
    const row = this.byId.get(id);
    return row ? parseStaff(row.doc) : null;
  }

  async getByEmail(email: string): Promise<StaffUser | null> {
    const row = this.byEmail.get(email.toLowerCase());
    return row ? parseStaff(row.doc) : null;
  }

  async list(): Promise<StaffUser[]> {
    return this.all.all().map((row) => parseStaff(row.doc));
  }

  async update(id: string, changes: StaffChanges): Promise<StaffUser | null> {
    return this.updateTx.immediate(id, (user) => ({ ...user, ...changes }));
  }

  async recordFailedLogin(id: string, threshold: number, lockUntil: string): Promise<StaffUser | null> {
    return this.updateTx.immediate(id, (user) => {
      const failed = user.failedLogins + 1;
      return failed >= threshold ? { ...user, failedLogins: 0, lockedUntil: lockUntil } : { ...user, failedLogins: failed };
    });
  }

  async recordLogin(id: string, at: string): Promise<void> {
    this.updateTx.immediate(id, (user) => ({ ...user, failedLogins: 0, lockedUntil: null, lastLoginAt: at }));
  }
}

function parseStaff(doc: string): StaffUser {
  return staffUser.parse(JSON.parse(doc));
}

export class SqliteSessionRepository implements SessionRepository {
  private readonly insert: Database.Statement<[{ id: string; staffId: string; expiresAt: string; doc: string }]>;
  private readonly byId: Database.Statement<[string], DocRow>;
  private readonly setExpiry: Database.Statement<[{ id: string; expiresAt: string }]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly removeForStaff: Database.Statement<[string]>;
  private readonly removeExpired: Database.Statement<[string]>;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT INTO staff_sessions (id, staff_id, expires_at, doc) VALUES (@id, @staffId, @expiresAt, @doc)');
    this.byId = db.prepare('SELECT doc FROM staff_sessions WHERE id = ?');
    this.setExpiry = db.prepare(`
      UPDATE staff_sessions SET expires_at = @expiresAt, doc = json_set(doc, '$.expiresAt', @expiresAt) WHERE id = @id`);
    this.remove = db.prepare('DELETE FROM staff_sessions WHERE id = ?');
    this.removeForStaff = db.prepare('DELETE FROM staff_sessions WHERE staff_id = ?');
    this.removeExpired = db.prepare('DELETE FROM staff_sessions WHERE expires_at <= ?');
  }

  async create(session: StaffSession): Promise<void> {
    const valid = staffSession.parse(session);
    this.insert.run({ id: valid.id, staffId: valid.staffId, expiresAt: valid.expiresAt, doc: JSON.stringify(valid) });
  }

  async get(id: string): Promise<StaffSession | null> {
    const row = this.byId.get(id);
    return row ? staffSession.parse(JSON.parse(row.doc)) : null;
  }

  async touch(id: string, expiresAt: string): Promise<void> {
    this.setExpiry.run({ id, expiresAt });
  }

  async delete(id: string): Promise<void> {
    this.remove.run(id);
  }

  async deleteForStaff(staffId: string): Promise<number> {
    return this.removeForStaff.run(staffId).changes;
  }

  async deleteExpired(now: string): Promise<number> {
    return this.removeExpired.run(now).changes;
  }
}
