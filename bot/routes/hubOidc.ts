/**
 * OpenID Connect sign-in for the staff console (e.g. Microsoft Entra ID): the authorization code flow with PKCE,
 * through openid-client. Enabled when OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set; the
 * redirect URI to register with the provider is `<PUBLIC_URL>/hub/login/oidc/callback`.
 *
 * The provider proves who someone is; the hub decides what they may do. A person signs in only if an admin has
 * made an enabled hub account with the same email (`npm run users -- add --email E --role R --oidc-only`).
 *
 * Between the two legs the PKCE verifier, state and nonce travel in a short-lived cookie signed with
 * SESSION_SECRET. It is SameSite=Lax, not Strict like the session cookie, because the provider's redirect back is
 * a cross-site navigation and a Strict cookie would not come with it.
 */
import * as oidc from 'openid-client';
import type { Request, Response, Server } from 'restify';
import { AppError } from '../../services/errors';
import type { App } from '../composition';
import { clientIp, cookieName, hmac, readCookies, sameString, setSessionCookie, type HubHttpContext } from './hubHttp';
import { html, layout, messagePage } from './hubViews';
import { randomBytes } from 'node:crypto';

const CALLBACK_PATH = '/hub/login/oidc/callback';
const FLOW_SECONDS = 600;

interface FlowState {
  verifier: string;
  state: string;
  nonce: string;
  expiresAt: number;
}

export function isOidcEnabled(ctx: HubHttpContext): boolean {
  return Boolean(ctx.config.OIDC_ISSUER_URL && ctx.config.OIDC_CLIENT_ID && ctx.config.OIDC_CLIENT_SECRET);
}

/** A loopback issuer is a local stand-in (tests, a developer's mock provider); only then is plain HTTP allowed. */
function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export function registerHubOidc(server: Server, app: App, ctx: HubHttpContext): void {
  if (!isOidcEnabled(ctx)) return;
  const issuer = new URL(ctx.config.OIDC_ISSUER_URL ?? '');
  const clientId = ctx.config.OIDC_CLIENT_ID ?? '';
  const clientSecret = ctx.config.OIDC_CLIENT_SECRET ?? '';
  let discovered: Promise<oidc.Configuration> | null = null;
  // Discovered on first use and kept; a failed discovery is retried next time rather than cached.
  const configuration = (): Promise<oidc.Configuration> => {
    discovered ??= oidc
      .discovery(issuer, clientId, clientSecret, undefined, isLoopback(issuer) && issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .catch((err: unknown) => {
        discovered = null;
        throw err;
      });
    return discovered;
  };
  const redirectUri = (): string => new URL(CALLBACK_PATH, ctx.config.PUBLIC_URL).toString();
  const flowCookie = cookieName(ctx, 'oidc');

  const fail = (res: Response, status: number, text: string) => {
    const nonce = randomBytes(16).toString('base64');
    res.header('Content-Security-Policy', `default-src 'self'; script-src 'self' 'nonce-${nonce}'; style-src 'self'; frame-ancestors 'none'`);
    res.header('Cache-Control', 'no-store');
    const body = layout({ title: 'Sign in', nonce, actor: null, councilName: app.profile.shortName }, html`${messagePage('You could not be signed in', text)}<p class="govuk-body"><a class="govuk-link" href="/hub/login">Try again</a></p>`);
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(body);
  };

  server.get('/hub/login/oidc', async (_req: Request, res: Response) => {
    try {
      const config = await configuration();
      const flow: FlowState = {
        verifier: oidc.randomPKCECodeVerifier(),
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        expiresAt: app.clock.now().getTime() + FLOW_SECONDS * 1000,
      };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri(),
        scope: 'openid email profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
      const value = Buffer.from(JSON.stringify(flow)).toString('base64url');
      const attributes = [`${flowCookie}=${value}.${hmac(ctx, `oidc:${value}`)}`, 'Path=/hub/login/oidc', 'HttpOnly', 'SameSite=Lax', `Max-Age=${FLOW_SECONDS}`];
      if (ctx.secure) attributes.push('Secure');
      res.header('Set-Cookie', attributes.join('; '));
      res.writeHead(302, { Location: url.href, 'Cache-Control': 'no-store' });
      res.end();
    } catch (err) {
      app.logger.error({ errType: (err as Error).name }, 'OpenID Connect discovery failed');
      fail(res, 503, 'The council sign-in service could not be reached. Try again in a few minutes.');
    }
  });

  server.get(CALLBACK_PATH, async (req: Request, res: Response) => {
    const cleared = [`${flowCookie}=`, 'Path=/hub/login/oidc', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0', ...(ctx.secure ? ['Secure'] : [])].join('; ');
    res.header('Set-Cookie', cleared);
    try {
      const flow = readFlow(readCookies(req)[flowCookie], ctx, app.clock.now().getTime());
      const config = await configuration();
      const current = new URL(req.url ?? '', ctx.config.PUBLIC_URL);
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      // Entra ID puts the sign-in name in preferred_username and often leaves email out.
      const email = [claims?.['email'], claims?.['preferred_username']].find((v): v is string => typeof v === 'string' && v.includes('@'));
      if (!email || claims?.['email_verified'] === false) throw new AppError('forbidden', 'Your council account has no verified email address.');
      const signedIn = await ctx.hub.staff.signInWithVerifiedEmail(email, clientIp(req, ctx));
      res.setHeader('Set-Cookie', [cleared]);
      setSessionCookie(res, ctx, signedIn.token);
      res.writeHead(303, { Location: '/hub', 'Cache-Control': 'no-store' });
      res.end();
    } catch (err) {
      if (err instanceof AppError) return fail(res, err.code === 'forbidden' ? 403 : 400, err.publicMessage);
      app.logger.warn({ errType: (err as Error).name, code: (err as { code?: string }).code }, 'OpenID Connect sign-in failed');
      fail(res, 400, 'The sign-in did not complete. Start again from the sign-in page.');
    }
  });
}

function readFlow(cookie: string | undefined, ctx: HubHttpContext, now: number): FlowState {
  const expired = new AppError('invalid-input', 'The sign-in took too long or was started elsewhere. Start again from the sign-in page.');
  if (!cookie) throw expired;
  const [value = '', signature = ''] = cookie.split('.');
  if (!sameString(signature, hmac(ctx, `oidc:${value}`))) throw expired;
  const flow = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as FlowState;
  if (typeof flow.expiresAt !== 'number' || flow.expiresAt < now) throw expired;
  return flow;
}
