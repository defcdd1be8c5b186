/**
 * What the staff console's API and pages share at the HTTP boundary: cookies, the signed-in actor, CSRF checks and
 * the client address.
 *
 * Cookies are HTTP-only and SameSite=Strict; on HTTPS (production, or a https PUBLIC_URL) they are also Secure and
 * use the `__Host-` prefix, which stops a sibling subdomain from planting one. CSRF protection is a synchroniser
 * token: the session holds a random token that every state-changing request must echo in `X-CSRF-Token` (API) or
 * the `csrf` form field (pages). Before sign-in, the token is an HMAC of a random pre-session cookie, so the login
 * form is protected too.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Request, Response } from 'restify';
import { AppError } from '../../services/errors';
import type { HubServices } from '../../services/hub';
import type { Actor } from '../../services/hub/roles';
import type { StaffSession, StaffUser } from '../../services/store/types';
import { SESSION_ABSOLUTE_MS } from '../../services/hub/staffService';
import type { Config } from '../config';

export interface HubHttpContext {
  hub: HubServices;
  config: Config;
  secure: boolean;
  secret: Buffer;
}

export interface SignedInRequest {
  actor: Actor;
  session: StaffSession;
  user: StaffUser;
}

export function createHubHttpContext(hub: HubServices, config: Config): HubHttpContext {
  const secure = config.NODE_ENV === 'production' || (config.PUBLIC_URL ?? '').startsWith('https://');
  const secret = config.SESSION_SECRET ? Buffer.from(config.SESSION_SECRET) : randomBytes(32);
  return { hub, config, secure, secret };
}

export function cookieName(ctx: HubHttpContext, base: 'session' | 'pre' | 'oidc'): string {
  return ctx.secure ? `__Host-hub_${base}` : `hub_${base}`;
}

export function readCookies(req: Request): Record<string, string> {
  const header = req.headers.cookie;
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    const name = part.slice(0, index).trim();
    const value = part.slice(index + 1).trim();
    if (name && !(name in cookies)) {
      try {
        cookies[name] = decodeURIComponent(value);
      } catch {
        // A cookie we cannot decode is not one of ours.
      }
    }
  }
  return cookies;
}

export function setCookie(res: Response, ctx: HubHttpContext, name: string, value: string, maxAgeSeconds: number): void {
  const attributes = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (ctx.secure) attributes.push('Secure');
  appendHeader(res, 'Set-Cookie', attributes.join('; '));
}

export function clearCookie(res: Response, ctx: HubHttpContext, name: string): void {
  setCookie(res, ctx, name, '', 0);
}

function appendHeader(res: Response, name: string, value: string): void {
  const existing = res.getHeader(name);
  const values = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  res.setHeader(name, [...values, value]);
}

export function setSessionCookie(res: Response, ctx: HubHttpContext, token: string): void {
  setCookie(res, ctx, cookieName(ctx, 'session'), token, Math.floor(SESSION_ABSOLUTE_MS / 1000));
  clearCookie(res, ctx, cookieName(ctx, 'pre'));
}

/**
 * The client's address for audit, sign-in throttling and rate limits. With no trusted proxy, the socket's peer.
 * Behind `HUB_TRUST_PROXY` = N trusted proxies, the Nth X-Forwarded-For entry from the right: each proxy appends the
 * address that connected to it, so that entry was written by our outermost proxy, while anything to its left came
 * from the client and may be made up.
 */
export function clientIp(req: Request, ctx: HubHttpContext): string | null {
  const socketAddress = req.socket.remoteAddress ?? null;
  return forwardedClient(req.headers['x-forwarded-for'], ctx.config.HUB_TRUST_PROXY) ?? socketAddress;
}

/**
 * The address `hops` trusted proxies vouch for in an X-Forwarded-For header (repeated headers are one list, in
 * order), or null to use the socket's peer: no trust, no header, or an entry that is not an address. A list shorter
 * than `hops` means fewer proxies than configured; then the left-most entry is the furthest one known (as Express's
 * numeric `trust proxy` does).
 */
export function forwardedClient(header: string | string[] | undefined, hops: number): string | null {
  if (hops < 1 || header === undefined) return null;
  const entries = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) return null;
  const chosen = entries[Math.max(0, entries.length - hops)]!;
  return addressOnly(chosen);
}

/** An IP address from an X-Forwarded-For entry, without the port some proxies add ("1.2.3.4:5678", "[::1]:5678"). */
function addressOnly(entry: string): string | null {
  if (isIP(entry)) return entry;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed && isIP(bracketed[1]!) === 6) return bracketed[1]!;
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  if (withPort && isIP(withPort[1]!) === 4) return withPort[1]!;
  return null;
}

/** The signed-in staff member, or null. */
export async function signedIn(req: Request, ctx: HubHttpContext): Promise<SignedInRequest | null> {
  const token = readCookies(req)[cookieName(ctx, 'session')];
  if (!token) return null;
  const found = await ctx.hub.staff.resolveSession(token);
  if (!found) return null;
  const { session, user } = found;
  return { session, user, actor: { id: user.id, email: user.email, role: user.role, wards: user.wards, ip: clientIp(req, ctx) } };
}

/**
 * The pre-session CSRF token for a sign-in form: an HMAC of a random cookie, set here if the browser has none.
 * An attacker's page can neither read that cookie nor compute the HMAC.
 */
export function preSessionToken(req: Request, res: Response, ctx: HubHttpContext): string {
  const name = cookieName(ctx, 'pre');
  let nonce = readCookies(req)[name];
  if (!nonce || nonce.length > 100) {
    nonce = randomBytes(24).toString('base64url');
    setCookie(res, ctx, name, nonce, 3600);
  }
  return hmac(ctx, `pre:${nonce}`);
}

export function checkPreSessionToken(req: Request, ctx: HubHttpContext, given: string | undefined): void {
  const nonce = readCookies(req)[cookieName(ctx, 'pre')];
  if (!nonce || !given || !sameString(given, hmac(ctx, `pre:${nonce}`))) throw csrfFailed();
}

export function checkSessionToken(session: StaffSession, given: string | undefined): void {
  if (!given || !sameString(given, session.csrfToken)) throw csrfFailed();
}

/** The CSRF token a request carries: the header for the API, the form field for pages. */
export function givenCsrf(req: Request): string | undefined {
  const header = req.headers['x-csrf-token'];
  if (typeof header === 'string' && header) return header;
  const body: unknown = req.body;
  if (body && typeof body === 'object' && 'csrf' in body) {
    const value = (body as { csrf: unknown }).csrf;
    if (typeof value === 'string') return value;
  }
  return undefined;
}

export function hmac(ctx: HubHttpContext, value: string): string {
  return createHmac('sha256', ctx.secret).update(value).digest('base64url');
}

export function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function csrfFailed(): AppError {
  return new AppError('forbidden', 'The form has expired or did not come from this site. Reload the page and try again.', {
    details: { reason: 'csrf' },
  });
}
