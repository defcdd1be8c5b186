/**
 * Ward lookup through postcodes.io (https://postcodes.io, ONS Postcode Directory data under the Open Government
 * Licence), or a council's own copy of it: the base URL is configurable because postcodes.io is open source and
 * a council may prefer to run it inside its own network rather than send residents' postcodes to a third party.
 *
 * `GET {base}/postcodes/{postcode}` answers `{ status: 200, result: { codes: { admin_ward: "E05…" }, admin_ward: "…" } }`,
 * or 404 for a postcode it does not know. The answer counts only when the ward is one of this council's wards; the
 * name comes from the council's own list so it always matches wards.csv.
 *
 * A slow or failing server throws (after `timeoutMs`), and the referral service then saves the referral with the
 * ward unknown rather than losing it or keeping the resident waiting.
 */
import { z } from 'zod';
import { normalisePostcode } from './postcode';
import type { PostcodeLookup, Ward, WardMatch } from './types';

export const DEFAULT_POSTCODES_IO_URL = 'https://api.postcodes.io';

const answer = z.object({
  status: z.number(),
  result: z
    .object({
      codes: z.object({ admin_ward: z.string().nullable().optional() }).loose(),
      latitude: z.number().min(-90).max(90).nullable().optional(),
      longitude: z.number().min(-180).max(180).nullable().optional(),
    })
    .loose()
    .nullable()
    .optional(),
});

export class PostcodesIoLookup implements PostcodeLookup {
  readonly source = 'postcodes.io' as const;
  private readonly wards: ReadonlyMap<string, Ward>;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(options: { wards: readonly Ward[]; baseUrl?: string; timeoutMs?: number }) {
    this.wards = new Map(options.wards.map((w) => [w.code, w]));
    this.baseUrl = (options.baseUrl ?? DEFAULT_POSTCODES_IO_URL).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 3000;
  }

  /**
   * The council ward of a postcode, or null when postcodes.io does not know the postcode or it is in another
   * council's area. Throws on a timeout, a network failure or an unexpected answer.
   */
  async wardFor(postcode: string): Promise<WardMatch | null> {
    const normalised = normalisePostcode(postcode);
    if (normalised === null) return null;
    const response = await fetch(`${this.baseUrl}/postcodes/${encodeURIComponent(normalised)}`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new PostcodeLookupError(`postcodes.io answered ${response.status}`);
    }
    const parsed = answer.safeParse(await response.json());
    if (!parsed.success) throw new PostcodeLookupError('postcodes.io answered in an unexpected shape');
    const code = parsed.data.result?.codes.admin_ward ?? null;
    const ward = code === null ? undefined : this.wards.get(code);
    if (!ward) return null;
    const { latitude, longitude } = parsed.data.result ?? {};
    const location = typeof latitude === 'number' && typeof longitude === 'number' ? { location: { latitude, longitude } } : {};
    return { ...ward, source: this.source, ...location };
  }
}

export class PostcodeLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostcodeLookupError';
  }
}

/**
 * The profile with the lookup the configuration asks for: unchanged for `table` (councils/<id>/postcodes.csv,
 * filled by hand or by `npm run import:postcodes`), postcodes.io for `postcodes.io`.
 */
export function withPostcodeLookup<P extends { wards: Ward[]; postcodes: PostcodeLookup }>(
  profile: P,
  config: { POSTCODE_LOOKUP: 'table' | 'postcodes.io'; POSTCODES_IO_URL?: string | undefined; POSTCODES_IO_TIMEOUT_MS: number },
): P {
  if (config.POSTCODE_LOOKUP !== 'postcodes.io') return profile;
  const lookup = new PostcodesIoLookup({
    wards: profile.wards,
    timeoutMs: config.POSTCODES_IO_TIMEOUT_MS,
    ...(config.POSTCODES_IO_URL ? { baseUrl: config.POSTCODES_IO_URL } : {}),
  });
  return { ...profile, postcodes: lookup };
}
