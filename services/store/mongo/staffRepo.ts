/**
 * Staff accounts and their sessions in MongoDB (issue 5). A unique index on `email` makes "one account per email"
 * hold across instances; a failed sign-in is counted with one `findOneAndUpdate` pipeline so two wrong passwords at
 * once both count.
 */
import { MongoServerError, type Collection, type Db } from 'mongodb';
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

export type StaffDoc = StaffUser & { _id: string };
/** `expiresAtDate` lets a TTL index remove sessions MongoDB-side too. */
export type SessionDoc = StaffSession & { _id: string; expiresAtDate: Date };

const withoutId = { projection: { _id: 0, expiresAtDate: 0 } } as const;

export async function ensureStaffIndexes(db: Db): Promise<void> {
  await db.collection<StaffDoc>('staff').createIndexes([{ key: { email: 1 }, name: 'email_unique', unique: true }]);
  await db.collection<SessionDoc>('staffSessions').createIndexes([
    { key: { staffId: 1 }, name: 'staff' },
    { key: { expiresAtDate: 1 }, name: 'expiry_ttl', expireAfterSeconds: 0 },
  ]);
}

export class MongoStaffRepository implements StaffRepository {
  constructor(private readonly staff: Collection<StaffDoc>) {}

  async create(user: StaffUser): Promise<StaffUser> {
    const valid = staffUser.parse({ ...user, email: user.email.toLowerCase() });
    try {
      await this.staff.insertOne({ ...valid, _id: valid.id });
    } catch (err) {
      if (err instanceof MongoServerError && err.code === 11000) throw new DuplicateStaffEmailError();
      throw err;
    }
    return valid;
  }

  async get(id: string): Promise<StaffUser | null> {
    return parseStaff(await this.staff.findOne({ _id: id }, withoutId));
  }

  async getByEmail(email: string): Promise<StaffUser | null> {
    return parseStaff(await this.staff.findOne({ email: email.toLowerCase() }, withoutId));
  }

  async list(): Promise<StaffUser[]> {
    const docs = await this.staff.find({}, withoutId).sort({ email: 1 }).toArray();
    return docs.map((doc) => staffUser.parse(doc));
  }

  async update(id: string, changes: StaffChanges): Promise<StaffUser | null> {
    const current = await this.get(id);
    if (!current) return null;
    const next = staffUser.parse({ ...current, ...changes });
    await this.staff.updateOne({ _id: id }, { $set: { ...changes } });
    return next;
  }

  async recordFailedLogin(id: string, threshold: number, lockUntil: string): Promise<StaffUser | null> {
    // An update pipeline reads and writes the counter in one atomic step on the server.
    const doc = await this.staff.findOneAndUpdate(
      { _id: id },
      [
        { $set: { failedLogins: { $add: ['$failedLogins', 1] } } },
        {
          $set: {
            lockedUntil: { $cond: [{ $gte: ['$failedLogins', threshold] }, lockUntil, '$lockedUntil'] },
            failedLogins: { $cond: [{ $gte: ['$failedLogins', threshold] }, 0, '$failedLogins'] },
          },
        },
      ],
      { returnDocument: 'after', ...withoutId },
    );
    return parseStaff(doc);
  }

  async recordLogin(id: string, at: string): Promise<void> {
    await this.staff.updateOne({ _id: id }, { $set: { failedLogins: 0, lockedUntil: null, lastLoginAt: at } });
  }
}

function parseStaff(doc: unknown): StaffUser | null {
  return doc === null ? null : staffUser.parse(doc);
}

export class MongoSessionRepository implements SessionRepository {
  constructor(private readonly sessions: Collection<SessionDoc>) {}

  async create(session: StaffSession): Promise<void> {
    const valid = staffSession.parse(session);
    await this.sessions.insertOne({ ...valid, _id: valid.id, expiresAtDate: new Date(valid.expiresAt) });
  }

  async get(id: string): Promise<StaffSession | null> {
    const doc = await this.sessions.findOne({ _id: id }, withoutId);
    return doc === null ? null : staffSession.parse(doc);
  }

  async touch(id: string, expiresAt: string): Promise<void> {
    await this.sessions.updateOne({ _id: id }, { $set: { expiresAt, expiresAtDate: new Date(expiresAt) } });
  }

  async delete(id: string): Promise<void> {
    await this.sessions.deleteOne({ _id: id });
  }

  async deleteForStaff(staffId: string): Promise<number> {
    return (await this.sessions.deleteMany({ staffId })).deletedCount;
  }

  async deleteExpired(now: string): Promise<number> {
    return (await this.sessions.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }
}
