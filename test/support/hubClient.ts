/**
 * A staff member's HTTP client for the hub API: keeps its cookies as a browser would and sends the CSRF token on
 * state-changing requests. Also makes staff accounts and sessions for tests.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { App } from '../../bot/composition';
import { createHubServices } from '../../services/hub';
import { sessionIdFor } from '../../services/hub/staffService';
import type { StaffRole, StaffUser } from '../../services/store/types';

export interface HubResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export class HubClient {
  private readonly cookies = new Map<string, string>();
  csrfToken = '';

  constructor(readonly baseUrl: string) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: { json?: unknown; form?: Record<string, string>; csrf?: string | null; headers?: Record<string, string> } = {},
  ): Promise<HubResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    const csrf = options.csrf === undefined ? this.csrfToken : options.csrf;
    if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = decodeURIComponent(pair.slice(index + 1));
      if (/Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, body: (type.includes('json') && text ? JSON.parse(text) : text) as T, headers: res.headers };
  }

  get<T = unknown>(path: string): Promise<HubResponse<T>> {
    return this.request<T>('GET', path);
  }

  post<T = unknown>(path: string, json: unknown = {}, options: { csrf?: string | null } = {}): Promise<HubResponse<T>> {
    return this.request<T>('POST', path, { json, ...options });
  }

  /** Signs in through the API, as the console's own login would. */
  async signIn(email: string, password: string): Promise<HubResponse<{ csrfToken?: string }>> {
    const session = await this.get<{ csrfToken: string }>('/api/hub/session');
    const res = await this.request<{ csrfToken?: string }>('POST', '/api/hub/session', { json: { email, password }, csrf: session.body.csrfToken });
    if (res.status === 200 && res.body.csrfToken) this.csrfToken = res.body.csrfToken;
    return res;
  }
}

export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * A staff account with a real argon2id hash, made through the service the CLI uses. Ward for councillors: Boston
 * Castle (E05012996), a real Rotherham ward.
 */
export async function createStaff(app: App, role: StaffRole, email = `${role}-${randomBytes(3).toString('hex')}@example.org`): Promise<StaffUser> {
  const hub = createHubServices({ store: app.store, clock: app.clock, profile: app.profile, events: app.hubEvents, messenger: app.residentMessenger });
  return hub.staff.createStaff({ email, role, password: TEST_PASSWORD, ...(role === 'councillor' ? { wards: ['E05012996'] } : {}) });
}

/**
 * A signed-in client without going through the password check: for tests that need many staff at once (argon2 is
 * deliberately slow). The session is made exactly as sign-in makes it.
 */
export async function clientWithSession(app: App, baseUrl: string, user: StaffUser): Promise<HubClient> {
  const token = randomBytes(32).toString('base64url');
  const now = app.clock.now().getTime();
  const csrfToken = randomUUID();
  await app.store.sessions.create({
    id: sessionIdFor(token),
    staffId: user.id,
    csrfToken,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 3_600_000).toISOString(),
    absoluteExpiresAt: new Date(now + 8 * 3_600_000).toISOString(),
  });
  const client = new HubClient(baseUrl);
  client.setCookie('hub_session', token);
  client.csrfToken = csrfToken;
  return client;
}

/** A staff account without a password hash, for tests that sign in with {@link clientWithSession}. */
export async function createStaffFast(app: App, role: StaffRole, n: number): Promise<StaffUser> {
  const user: StaffUser = {
    id: `staff-${role}-${n}`,
    email: `${role}-${n}@example.org`,
    role,
    wards: role === 'councillor' ? ['E05012996'] : [],
    passwordHash: null,
    disabled: false,
    failedLogins: 0,
    lockedUntil: null,
    createdAt: app.clock.now().toISOString(),
    lastLoginAt: null,
  };
  return app.store.staff.create(user);
}
