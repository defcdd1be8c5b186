/**
 * Production web chat: exchanges the Direct Line secret for a short-lived token from Azure Bot Service, so the
 * browser only ever holds a token for one conversation and the secret stays on the server.
 *
 * `POST {endpoint}/v3/directline/tokens/generate` with `Authorization: Bearer <secret>`. The body names a random
 * user id (`dl_` prefixed, as Microsoft recommends), which binds the token to it: Direct Line then refuses activities
 * from the browser that claim to come from anyone else, and Web Chat takes its user id from the token.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../services/errors';
import type { Logger } from '../../services/logger';

const generatedToken = z.object({
  conversationId: z.string().min(1).max(512),
  token: z.string().min(1).max(8192),
  expires_in: z.number().int().positive(),
});

export interface AzureToken {
  conversationId: string;
  token: string;
  expiresIn: number;
}

export async function generateAzureToken(options: {
  endpoint: string;
  secret: string;
  logger: Logger;
  timeoutMs?: number;
}): Promise<AzureToken> {
  const unavailable = () => new AppError('unavailable', 'The chat is not available at the moment. Please try again soon.');
  let res: globalThis.Response;
  try {
    res = await fetch(`${options.endpoint}/v3/directline/tokens/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { id: `dl_${randomBytes(12).toString('base64url')}` } }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (err) {
    options.logger.error({ err: { type: err instanceof Error ? err.name : 'unknown' } }, 'Direct Line token request failed');
    throw unavailable();
  }
  if (!res.ok) {
    // The status is enough to diagnose (403: wrong secret or channel disabled); the body is not logged.
    options.logger.error({ status: res.status }, 'Direct Line refused the token request');
    throw unavailable();
  }
  const parsed = generatedToken.safeParse(await res.json().catch(() => null));
  if (!parsed.success) {
    options.logger.error({ problems: parsed.error.issues.map((i) => i.path.join('.')) }, 'Direct Line token response was not understood');
    throw unavailable();
  }
  return { conversationId: parsed.data.conversationId, token: parsed.data.token, expiresIn: parsed.data.expires_in };
}
