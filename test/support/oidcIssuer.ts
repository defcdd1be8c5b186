/**
 * A local stand-in for an OpenID Connect provider (such as Microsoft Entra ID) on 127.0.0.1: discovery, an
 * authorization endpoint that signs in whoever the test says, a token endpoint that checks the PKCE verifier and
 * the client secret, and a JWKS. ID tokens are RS256, signed with a key made for the run.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInIssuer {
  url: string;
  clientId: string;
  clientSecret: string;
  /** Who the next authorization signs in as (claims added to the ID token). */
  signInAs: Record<string, unknown>;
  /** What the authorization endpoint was asked, for assertions. */
  authorizeRequests: URLSearchParams[];
  tokenRequests: URLSearchParams[];
  close(): Promise<void>;
}

interface PendingCode {
  challenge: string;
  method: string;
  nonce: string;
  redirectUri: string;
  claims: Record<string, unknown>;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function idToken(privateKey: KeyObject, payload: Record<string, unknown>): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'stand-in-1' }));
  const body = base64url(JSON.stringify(payload));
  return `${header}.${body}.${base64url(sign('sha256', Buffer.from(`${header}.${body}`), privateKey))}`;
}

export async function startStandInIssuer(): Promise<StandInIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'stand-in-1', use: 'sig', alg: 'RS256' };
  const codes = new Map<string, PendingCode>();
  const issuer: StandInIssuer = {
    url: '',
    clientId: 'hub-console',
    clientSecret: randomBytes(16).toString('hex'),
    signInAs: { sub: 'user-1', email: 'worker@example.org' },
    authorizeRequests: [],
    tokenRequests: [],
    close: async () => undefined,
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer.url);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer: issuer.url,
        authorization_endpoint: `${issuer.url}/authorize`,
        token_endpoint: `${issuer.url}/token`,
        jwks_uri: `${issuer.url}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      issuer.authorizeRequests.push(url.searchParams);
      const code = randomBytes(16).toString('hex');
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      codes.set(code, {
        challenge: url.searchParams.get('code_challenge') ?? '',
        method: url.searchParams.get('code_challenge_method') ?? '',
        nonce: url.searchParams.get('nonce') ?? '',
        redirectUri,
        claims: { ...issuer.signInAs },
      });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      back.searchParams.set('iss', issuer.url);
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(raw);
        issuer.tokenRequests.push(form);
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const [id, secret] = basic
          ? Buffer.from(basic, 'base64').toString().split(':').map((s) => decodeURIComponent(s))
          : [form.get('client_id'), form.get('client_secret')];
        if (id !== issuer.clientId || secret !== issuer.clientSecret) return json(401, { error: 'invalid_client' });
        const pending = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (
          !pending ||
          pending.method !== 'S256' ||
          base64url(createHash('sha256').update(verifier).digest()) !== pending.challenge ||
          form.get('redirect_uri') !== pending.redirectUri
        ) {
          return json(400, { error: 'invalid_grant' });
        }
        const now = Math.floor(Date.now() / 1000);
        return json(200, {
          access_token: randomBytes(16).toString('hex'),
          token_type: 'Bearer',
          expires_in: 300,
          id_token: idToken(privateKey, { iss: issuer.url, aud: issuer.clientId, iat: now, exp: now + 300, nonce: pending.nonce, ...pending.claims }),
        });
      });
      return;
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return issuer;
}
