/**
 * Tokens for the embedded Direct Line: signed, short-lived and bound to one conversation.
 *
 * A token is `base64url(claims).base64url(HMAC-SHA256(key, "dl1." + base64url(claims)))`. The claims name the
 * conversation, what the token may be used for (the REST calls, or opening the WebSocket stream, which has to carry
 * its token in the URL and so gets a separate, one-minute one) and when it expires. Nothing is stored per token, so
 * any instance sharing the key can check any token.
 *
 * The key comes from HASH_SECRET when it is set (through a one-way derivation, so the token key and the key that
 * hashes phone numbers are different keys); otherwise it is generated once and kept in DATA_DIR, so a restart does
 * not sign residents out of a conversation they are in the middle of.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../../services/clock';

export type TokenUse = 'conversation' | 'stream';

export interface TokenClaims {
  conversationId: string;
  use: TokenUse;
  /** Seconds since the epoch. */
  expiresAt: number;
}

/** 18 random bytes: 144 bits, as 24 URL-safe characters. */
export const CONVERSATION_ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;

export function newConversationId(): string {
  return randomBytes(18).toString('base64url');
}

const claimsSchema = z.strictObject({
  c: z.string().regex(CONVERSATION_ID_PATTERN),
  u: z.enum(['conversation', 'stream']),
  e: z.number().int().positive(),
});

const SIGNING_CONTEXT = 'dl1.';
const MAX_TOKEN_LENGTH = 512;

export class TokenSigner {
  constructor(
    private readonly key: Buffer,
    private readonly clock: Clock,
  ) {
    if (key.length < 32) throw new Error('The Direct Line token key must be at least 32 bytes');
  }

  issue(conversationId: string, use: TokenUse, lifetimeSeconds: number): { token: string; expiresIn: number } {
    const expiresAt = Math.floor(this.clock.now().getTime() / 1000) + lifetimeSeconds;
    const body = Buffer.from(JSON.stringify({ c: conversationId, u: use, e: expiresAt })).toString('base64url');
    return { token: `${body}.${this.sign(body)}`, expiresIn: lifetimeSeconds };
  }

  /** The claims of a genuine, unexpired token for `use`; null for anything else, without saying why. */
  verify(token: string | undefined, use: TokenUse): TokenClaims | null {
    if (!token || token.length > MAX_TOKEN_LENGTH) return null;
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const claims = claimsSchema.safeParse(parsed);
    if (!claims.success || claims.data.u !== use) return null;
    if (claims.data.e <= this.clock.now().getTime() / 1000) return null;
    return { conversationId: claims.data.c, use: claims.data.u, expiresAt: claims.data.e };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(SIGNING_CONTEXT + body).digest('base64url');
  }
}

export const KEY_FILE_NAME = 'directline-token.key';

/**
 * The signing key: derived from HASH_SECRET when set; otherwise read from (or created in) `<dataDir>/directline-token.key`.
 * Several instances behind a load balancer must share HASH_SECRET (production requires it anyway).
 */
export function loadTokenKey(options: { hashSecret: string | undefined; dataDir: string }): { key: Buffer; source: 'hash-secret' | 'key-file' } {
  if (options.hashSecret) {
    return { key: createHmac('sha256', options.hashSecret).update('community-hub-bot/directline-token-key/v1').digest(), source: 'hash-secret' };
  }
  const file = path.join(options.dataDir, KEY_FILE_NAME);
  fs.mkdirSync(options.dataDir, { recursive: true });
  try {
    // 'wx' fails if the file exists, so two processes starting together cannot each write a different key.
    fs.writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
  if (key.length < 32) throw new Error(`${file} does not hold a 32-byte hex key; delete it to have a new one made`);
  return { key, source: 'key-file' };
}
