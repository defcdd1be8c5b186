/**
 * Open311 API keys: one per consumer, made for a named body from the council profile, shown once, stored only as
 * an HMAC-SHA256 under the deployment's HASH_SECRET, and revocable. Used by `npm run open311` and the routes.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { CouncilProfile } from '../council/types';
import { AppError } from '../errors';
import type { Open311Consumer, Store } from '../store/types';

const KEY_PREFIX = 'o311_';

export class Open311Keys {
  constructor(private readonly deps: { store: Store; clock: Clock; secret: string; profile: Pick<CouncilProfile, 'open311'> }) {}

  /** A new consumer and its key. The key is returned here and never again. */
  async add(name: string, body: string): Promise<{ consumer: Open311Consumer; key: string }> {
    const bodies = this.deps.profile.open311?.bodies ?? [];
    if (!bodies.some((b) => b.id === body)) {
      const known = bodies.map((b) => b.id).join(', ') || '(none: add open311.bodies to the council profile)';
      throw new AppError('invalid-input', `Unknown body "${body}". Bodies in the council profile: ${known}`);
    }
    if (name.trim() === '' || name.length > 200) throw new AppError('invalid-input', 'The name must be 1 to 200 characters');
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const consumer = await this.deps.store.open311Consumers.create({
      id: randomUUID(),
      name: name.trim(),
      body,
      keyHash: this.hash(key),
      createdAt: this.deps.clock.now().toISOString(),
      revokedAt: null,
    });
    return { consumer, key };
  }

  /** The consumer a key belongs to, or null when the key is unknown or revoked. */
  async authenticate(key: string): Promise<Open311Consumer | null> {
    if (!key.startsWith(KEY_PREFIX) || key.length > 100) return null;
    const consumer = await this.deps.store.open311Consumers.getByKeyHash(this.hash(key));
    return consumer && consumer.revokedAt === null ? consumer : null;
  }

  list(): Promise<Open311Consumer[]> {
    return this.deps.store.open311Consumers.list();
  }

  revoke(id: string): Promise<Open311Consumer | null> {
    return this.deps.store.open311Consumers.revoke(id, this.deps.clock.now().toISOString());
  }

  private hash(key: string): string {
    return createHmac('sha256', this.deps.secret).update(`open311-key:${key}`).digest('hex');
  }
}
