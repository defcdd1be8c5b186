/**
 * Staff accounts, sign-in and sessions.
 *
 * Sign-in reads like the story: limit by address → find the account → refuse if locked → check the password
 * (counting a failure towards the lockout) → open a session. A session is a random token in an HTTP-only cookie; the
 * store keeps only its SHA-256, with its own CSRF token, an idle expiry and an absolute one.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { parseEmail } from '../contact';
import { AppError } from '../errors';
import {
  DuplicateStaffEmailError,
  type StaffRole,
  type StaffSession,
  type StaffUser,
  type Store,
} from '../store/types';
import { AttemptLimiter } from './attemptLimiter';
import type { HubAuditor } from './auditor';
import { MIN_PASSWORD_LENGTH, hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './passwords';
import type { Actor } from './roles';

export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MS = 15 * 60_000;
export const SESSION_IDLE_MS = 2 * 3_600_000;
export const SESSION_ABSOLUTE_MS = 10 * 3_600_000;
/** Sign-in attempts one address may make per window, across all accounts. */
export const ADDRESS_ATTEMPTS = 30;
export const ADDRESS_WINDOW_MS = 15 * 60_000;
/** A session's idle expiry is written back at most this often, so reading pages does not write on every request. */
const TOUCH_EVERY_MS = 5 * 60_000;

const WARD_CODE = /^[EWSN]\d{8}$/;

export interface NewStaff {
  email: string;
  role: StaffRole;
  wards?: string[];
  /** Omitted for accounts that sign in only through OpenID Connect. */
  password?: string;
}

export interface SignedIn {
  user: StaffUser;
  /** The cookie's value: shown once, stored only as a hash. */
  token: string;
  session: StaffSession;
}

export interface StaffServiceDeps {
  store: Store;
  clock: Clock;
  auditor: HubAuditor;
}

export class StaffService {
  private readonly addressLimiter: AttemptLimiter;

  constructor(private readonly deps: StaffServiceDeps) {
    this.addressLimiter = new AttemptLimiter(ADDRESS_ATTEMPTS, ADDRESS_WINDOW_MS, deps.clock);
  }

  /** Used by `npm run users` and the admin API. */
  async createStaff(input: NewStaff, by: Actor | null = null): Promise<StaffUser> {
    const email = parseEmail(input.email);
    if (!email) throw new AppError('invalid-input', 'That is not a valid email address.');
    const wards = input.wards ?? [];
    if (input.role === 'councillor' && wards.length === 0) {
      throw new AppError('invalid-input', 'A councillor needs at least one ward (a GSS code such as E05012345).');
    }
    if (input.role !== 'councillor' && wards.length > 0) throw new AppError('invalid-input', 'Only councillors have wards.');
    if (wards.some((w) => !WARD_CODE.test(w))) throw new AppError('invalid-input', 'Wards must be GSS codes such as E05012345.');
    if (input.password !== undefined) checkPasswordStrength(input.password);
    const user: StaffUser = {
      id: randomUUID(),
      email,
      role: input.role,
      wards,
      passwordHash: input.password === undefined ? null : await hashPassword(input.password),
      disabled: false,
      failedLogins: 0,
      lockedUntil: null,
      createdAt: this.deps.clock.now().toISOString(),
      lastLoginAt: null,
    };
    try {
      await this.deps.store.staff.create(user);
    } catch (err) {
      if (err instanceof DuplicateStaffEmailError) throw new AppError('conflict', 'There is already an account with that email.');
      throw err;
    }
    await this.deps.auditor.record(by ?? { id: 'system', role: 'admin', ip: null }, 'hub.staff.created', user.id, { role: user.role, wards });
    return user;
  }

  async updateStaff(id: string, changes: { role?: StaffRole; wards?: string[]; disabled?: boolean; password?: string }, by: Actor | null): Promise<StaffUser> {
    const current = await this.deps.store.staff.get(id);
    if (!current) throw new AppError('not-found', 'There is no such staff account.');
    const role = changes.role ?? current.role;
    const wards = changes.wards ?? (role === 'councillor' ? current.wards : []);
    if (role === 'councillor' && wards.length === 0) throw new AppError('invalid-input', 'A councillor needs at least one ward.');
    if (wards.some((w) => !WARD_CODE.test(w))) throw new AppError('invalid-input', 'Wards must be GSS codes such as E05012345.');
    if (changes.password !== undefined) checkPasswordStrength(changes.password);
    const updated = await this.deps.store.staff.update(id, {
      role,
      wards: role === 'councillor' ? wards : [],
      ...(changes.disabled !== undefined ? { disabled: changes.disabled } : {}),
      ...(changes.password !== undefined ? { passwordHash: await hashPassword(changes.password), failedLogins: 0, lockedUntil: null } : {}),
    });
    if (!updated) throw new AppError('not-found', 'There is no such staff account.');
    // A disabled account, or one whose role or password changed, starts again from sign-in everywhere.
    if (changes.disabled || changes.role !== undefined || changes.password !== undefined) await this.deps.store.sessions.deleteForStaff(id);
    await this.deps.auditor.record(by ?? { id: 'system', role: 'admin', ip: null }, 'hub.staff.updated', id, {
      role: updated.role,
      disabled: updated.disabled,
      passwordChanged: changes.password !== undefined,
    });
    return updated;
  }

  async listStaff(): Promise<StaffUser[]> {
    return this.deps.store.staff.list();
  }

  async signInWithPassword(emailInput: string, password: string, ip: string | null): Promise<SignedIn> {
    if (!this.addressLimiter.tryAttempt(ip ?? 'unknown')) {
      await this.deps.auditor.recordAnonymous(ip, 'hub.session.sign-in-failed', null, { reason: 'address-rate-limited' });
      throw new AppError('rate-limited', 'Too many sign-in attempts from here. Wait 15 minutes and try again.');
    }
    const user = await this.deps.store.staff.getByEmail(emailInput.trim().toLowerCase());
    if (!user || user.disabled || user.passwordHash === null) {
      await verifyAgainstDummy(password);
      await this.deps.auditor.recordAnonymous(ip, 'hub.session.sign-in-failed', user?.id ?? null, { reason: user ? 'no-local-password-or-disabled' : 'unknown-account' });
      throw wrongCredentials();
    }
    const now = this.deps.clock.now();
    if (user.lockedUntil !== null && Date.parse(user.lockedUntil) > now.getTime()) {
      await this.deps.auditor.recordAnonymous(ip, 'hub.session.sign-in-failed', user.id, { reason: 'locked' });
      throw new AppError('rate-limited', 'This account is locked after too many wrong passwords. Wait 15 minutes and try again.');
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      const after = await this.deps.store.staff.recordFailedLogin(user.id, LOCKOUT_THRESHOLD, new Date(now.getTime() + LOCKOUT_MS).toISOString());
      const locked = after?.lockedUntil !== null && after?.lockedUntil !== user.lockedUntil;
      await this.deps.auditor.recordAnonymous(ip, 'hub.session.sign-in-failed', user.id, { reason: locked ? 'wrong-password-now-locked' : 'wrong-password' });
      throw wrongCredentials();
    }
    if (needsRehash(user.passwordHash)) await this.deps.store.staff.update(user.id, { passwordHash: await hashPassword(password) });
    return this.openSession(user, ip, 'password');
  }

  /** After an OpenID Connect sign-in: the account must already exist (an admin creates it) and be enabled. */
  async signInWithVerifiedEmail(email: string, ip: string | null): Promise<SignedIn> {
    const user = await this.deps.store.staff.getByEmail(email.toLowerCase());
    if (!user || user.disabled) {
      await this.deps.auditor.recordAnonymous(ip, 'hub.session.sign-in-failed', user?.id ?? null, { reason: 'oidc-no-account-or-disabled' });
      throw new AppError('forbidden', 'You signed in, but there is no enabled hub account for you. Ask an administrator.');
    }
    return this.openSession(user, ip, 'oidc');
  }

  /** The session and account for a cookie's token, or null when it is unknown, expired or the account disabled. */
  async resolveSession(token: string): Promise<{ session: StaffSession; user: StaffUser } | null> {
    if (!token || token.length > 200) return null;
    const id = sessionIdFor(token);
    const session = await this.deps.store.sessions.get(id);
    if (!session) return null;
    const now = this.deps.clock.now().getTime();
    if (Date.parse(session.expiresAt) <= now || Date.parse(session.absoluteExpiresAt) <= now) {
      await this.deps.store.sessions.delete(id);
      return null;
    }
    const user = await this.deps.store.staff.get(session.staffId);
    if (!user || user.disabled) return null;
    const idleExpiry = Math.min(now + SESSION_IDLE_MS, Date.parse(session.absoluteExpiresAt));
    if (idleExpiry - Date.parse(session.expiresAt) >= TOUCH_EVERY_MS) {
      const expiresAt = new Date(idleExpiry).toISOString();
      await this.deps.store.sessions.touch(id, expiresAt);
      return { session: { ...session, expiresAt }, user };
    }
    return { session, user };
  }

  async signOut(session: StaffSession, actor: Actor): Promise<void> {
    await this.deps.store.sessions.delete(session.id);
    await this.deps.auditor.record(actor, 'hub.session.signed-out', actor.id);
  }

  private async openSession(user: StaffUser, ip: string | null, method: 'password' | 'oidc'): Promise<SignedIn> {
    const now = this.deps.clock.now();
    const token = randomBytes(32).toString('base64url');
    const session: StaffSession = {
      id: sessionIdFor(token),
      staffId: user.id,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_IDLE_MS).toISOString(),
      absoluteExpiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS).toISOString(),
    };
    await this.deps.store.sessions.create(session);
    await this.deps.store.staff.recordLogin(user.id, now.toISOString());
    // Expired sessions are swept on sign-in, which is often enough and needs no timer.
    await this.deps.store.sessions.deleteExpired(now.toISOString());
    await this.deps.auditor.record({ id: user.id, role: user.role, ip }, 'hub.session.signed-in', user.id, { method });
    return { user, token, session };
  }
}

export function sessionIdFor(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function checkPasswordStrength(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('invalid-input', `A password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  }
  if (password.length > 1024) throw new AppError('invalid-input', 'That password is too long.');
}

function wrongCredentials(): AppError {
  return new AppError('unauthenticated', 'The email address or password is not right.');
}
