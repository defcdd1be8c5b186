/**
 * The directory in force, and the question the journeys ask of it: which services meet these needs for this
 * resident, nearest and open soonest first.
 *
 * It starts as the council profile's shipped directory.json (or the last good import kept under DATA_DIR) and is
 * replaced whole when an import succeeds, so a resident's listing never mixes two versions.
 */
import type { CouncilProfile, DirectoryNeedName, DirectoryService, GeoPoint, WardMatch } from '../council/types';
import { nextOpenings, type Opening } from './openingTimes';

/** Where the directory in force came from. */
export type DirectorySource =
  | { kind: 'shipped' }
  | { kind: 'feed'; url: string; importedAt: string }
  | { kind: 'package'; location: string; importedAt: string };

export interface DirectoryContents {
  exampleData: boolean;
  /** Active services, as the journeys use them. */
  services: DirectoryService[];
  /** ORUK records (every status) and taxonomies with their terms, as served by the read-only API. */
  oruk: { services: Record<string, unknown>[]; taxonomies: Record<string, unknown>[] };
  source: DirectorySource;
}

/** A service offered to a resident, with why it is offered where it is. */
export interface Signpost {
  service: DirectoryService;
  /** Serves the resident's ward only (rather than the whole borough). */
  wardLocal: boolean;
  /** Kilometres from the resident's postcode to the nearest place it is delivered, when both are known. */
  distanceKm: number | null;
  /** Its openings today that have not closed yet; empty when it does not open again today. */
  openToday: Opening[];
  /** When it is not open today: its next opening (null when its schedules say nothing we can reason about). */
  nextOpening: Opening | null;
}

export interface DirectoryQuery {
  needs: readonly DirectoryNeedName[];
  /** The resident's ward, with the postcode's centroid when the lookup has it. Null: postcode not known. */
  ward?: WardMatch | null;
  now: Date;
  limit?: number;
}

/** Services further than this are not "near you"; they are still offered, after nearer ones. */
export const NEARBY_KM = 5;

export class LiveDirectory {
  private contents: DirectoryContents;
  private readonly byId = new Map<string, Record<string, unknown>>();

  constructor(initial: CouncilProfile['directory']) {
    this.contents = { exampleData: initial.exampleData, services: initial.services, oruk: initial.oruk, source: { kind: 'shipped' } };
    this.index();
  }

  current(): DirectoryContents {
    return this.contents;
  }

  /** ORUK record by id, any status. */
  record(id: string): Record<string, unknown> | null {
    return this.byId.get(id) ?? null;
  }

  replace(contents: DirectoryContents): void {
    this.contents = contents;
    this.index();
  }

  private index(): void {
    this.byId.clear();
    for (const r of this.contents.oruk.services) if (typeof r['id'] === 'string') this.byId.set(r['id'], r);
  }

  /**
   * Services meeting any of the needs that serve the resident's ward (or the whole borough), ordered:
   * 1. services for the resident's ward only, then the rest (the most local help first);
   * 2. within each, those open today (now or later) before the others;
   * 3. then nearest first where distance is known (services with no location keep their place after those within
   *    NEARBY_KM), then directory order, which the council controls.
   * Without a ward only borough-wide services are offered, since a ward-only service may turn the resident away.
   */
  find(query: DirectoryQuery): Signpost[] {
    const wanted = new Set(query.needs);
    const ward = query.ward ?? null;
    const signposts = this.contents.services
      .map((service, order) => ({ service, order }))
      .filter(({ service }) => service.needs.some((n) => wanted.has(n)))
      .filter(({ service }) => service.wardCodes.length === 0 || (ward !== null && service.wardCodes.includes(ward.code)))
      .map(({ service, order }) => {
        const next = nextOpenings(service.sessions, query.now);
        const signpost: Signpost = {
          service,
          wardLocal: service.wardCodes.length > 0,
          distanceKm: ward?.location ? nearest(ward.location, service.locations) : null,
          openToday: next?.today ? next.openings : [],
          nextOpening: next && !next.today ? (next.openings[0] ?? null) : null,
        };
        return { signpost, order };
      });
    // No location (a phone line, a borough-wide scheme): as if just at the edge of "near", so it follows nearby
    // places and precedes far ones.
    const distanceRank = (s: Signpost): number => s.distanceKm ?? NEARBY_KM;
    signposts.sort(
      (a, b) =>
        Number(b.signpost.wardLocal) - Number(a.signpost.wardLocal) ||
        Number(b.signpost.openToday.length > 0) - Number(a.signpost.openToday.length > 0) ||
        distanceRank(a.signpost) - distanceRank(b.signpost) ||
        a.order - b.order,
    );
    const list = signposts.map((s) => s.signpost);
    return query.limit === undefined ? list : list.slice(0, query.limit);
  }
}

/** Great-circle distance in kilometres (haversine; ample for "how far is it" within a borough). */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const rad = (d: number): number => (d * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

function nearest(from: GeoPoint, points: readonly GeoPoint[]): number | null {
  if (points.length === 0) return null;
  return Math.min(...points.map((p) => distanceKm(from, p)));
}
