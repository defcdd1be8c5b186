/**
 * Open311 consumers (issue 10): who may read and submit ASB reports over GeoReport v2, one API key each. Kept apart
 * from types.ts so collections other features add there merge without conflict.
 *
 * The key itself is never stored: only its HMAC-SHA256 under the deployment's HASH_SECRET, so a copy of the store
 * alone cannot even check a guess. The key is shown once, when it is made (`npm run open311 -- keys add`).
 */
import { z } from 'zod';

export const open311Consumer = z.object({
  id: z.string().min(1),
  /** Who holds the key, for people: "Rotherham ASB case system". */
  name: z.string().min(1).max(200),
  /** The council profile's body id ("rotherham-asb-team"): residents' consent to share is given to a body. */
  body: z.string().min(1).max(100),
  /** Hex HMAC-SHA256 of the key. Unique. */
  keyHash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string().datetime(),
  /** Set once; a revoked key is refused from then on. */
  revokedAt: z.string().datetime().nullable(),
});
export type Open311Consumer = z.infer<typeof open311Consumer>;

export interface Open311ConsumerRepository {
  create(consumer: Open311Consumer): Promise<Open311Consumer>;
  get(id: string): Promise<Open311Consumer | null>;
  getByKeyHash(keyHash: string): Promise<Open311Consumer | null>;
  /** Oldest first. */
  list(): Promise<Open311Consumer[]>;
  /** Marks it revoked (keeping the first revocation time); null when there is no such consumer. */
  revoke(id: string, at: string): Promise<Open311Consumer | null>;
}
