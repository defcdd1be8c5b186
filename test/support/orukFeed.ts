/**
 * A local stand-in for a council's Open Referral UK API (the far side of the network): `GET /services` in pages
 * of at most three whatever `per_page` asks (servers may cap it), `GET /services/{id}` fully nested, and
 * `GET /taxonomies`, all in the standard's shape. Tests decide which records it holds and how it misbehaves.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A deterministic UUID per label, so records and assertions can name the same thing. */
export function uuidFor(label: string): string {
  let h = 0x811c9dc5;
  for (const ch of label) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const hex = (h.toString(16).padStart(8, '0') + Buffer.from(label).toString('hex').padEnd(24, '0')).slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const TAXONOMY_ID = uuidFor('taxonomy');

/** A taxonomy term in the local taxonomy, by code ("col-food", "bef-groups", ...). */
export function term(code: string): Record<string, unknown> {
  return { id: uuidFor(`term:${code}`), name: code, description: `Term ${code}`, taxonomy: 'Community Hub needs', taxonomy_id: TAXONOMY_ID, term: code };
}

export interface ServiceSpec {
  name: string;
  terms: string[];
  /** Ward GSS codes; none means the whole of Rotherham (E08000018). */
  wards?: string[];
  byday?: string;
  opens?: string;
  closes?: string;
  location?: { latitude: number; longitude: number };
  status?: string;
}

/** A fully nested service in the ORUK 3.0 UK profile shape. */
export function orukService(spec: ServiceSpec): Record<string, unknown> {
  const id = uuidFor(`service:${spec.name}`);
  const areas = (spec.wards ?? ['E08000018']).map((code) => ({
    id: uuidFor(`area:${spec.name}:${code}`),
    name: code,
    uri: `http://statistics.data.gov.uk/id/statistical-geography/${code}`,
  }));
  const service: Record<string, unknown> = {
    id,
    name: spec.name,
    description: 'A test service.',
    status: spec.status ?? 'active',
    url: 'https://www.example.org/service',
    organization: { id: uuidFor(`org:${spec.name}`), name: `${spec.name} Trust`, description: 'A test organisation.' },
    contacts: [
      {
        id: uuidFor(`contact:${spec.name}`),
        name: 'Enquiries',
        phones: [{ id: uuidFor(`phone:${spec.name}`), number: '0114 496 0555' }],
      },
    ],
    service_areas: areas,
    attributes: spec.terms.map((code) => ({ id: uuidFor(`attr:${spec.name}:${code}`), taxonomy_term_id: uuidFor(`term:${code}`), taxonomy_term: term(code) })),
    schedules:
      spec.byday === undefined
        ? []
        : [{ id: uuidFor(`schedule:${spec.name}`), freq: 'WEEKLY', interval: 1, byday: spec.byday, opens_at: `${spec.opens ?? '09:00'}:00`, closes_at: `${spec.closes ?? '17:00'}:00` }],
  };
  if (spec.location) {
    service['service_at_locations'] = [
      {
        id: uuidFor(`sal:${spec.name}`),
        location: { id: uuidFor(`loc:${spec.name}`), location_type: 'physical', name: `${spec.name} venue`, ...spec.location },
      },
    ];
  }
  return service;
}

export function taxonomy(codes: readonly string[]): Record<string, unknown> {
  return { id: TAXONOMY_ID, name: 'Community Hub needs', description: 'Local taxonomy for the tests.', taxonomy_terms: codes.map(term) };
}

/** The one-to-one fields a list shows. */
function listItem(service: Record<string, unknown>): Record<string, unknown> {
  const { id, name, description, status, url, email, organization } = service;
  return { id, name, description, status, url, email, organization };
}

function page(items: readonly unknown[], pageNumber: number, size: number): Record<string, unknown> {
  const totalPages = Math.max(1, Math.ceil(items.length / size));
  const contents = items.slice((pageNumber - 1) * size, pageNumber * size);
  return {
    total_items: items.length, total_pages: totalPages, page_number: pageNumber, size: contents.length,
    first_page: pageNumber === 1, last_page: pageNumber >= totalPages, empty: contents.length === 0, contents,
  };
}

export class OrukFeed {
  services: Record<string, unknown>[] = [];
  taxonomies: Record<string, unknown>[] = [];
  /** Ids whose detail request answers 500. */
  failingDetails = new Set<string>();
  /** Answer /services with something that is not a page. */
  brokenPages = false;
  /** Every path requested, for assertions about paging. */
  readonly requests: string[] = [];
  private server: http.Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      this.requests.push(`${url.pathname}${url.search}`);
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const pageNumber = Number(url.searchParams.get('page') ?? '1');
      const size = Math.min(3, Number(url.searchParams.get('per_page') ?? '50'));
      if (url.pathname === '/api/services') {
        if (this.brokenPages) return send(200, { items: this.services.map(listItem) });
        return send(200, page(this.services.map(listItem), pageNumber, size));
      }
      const detail = /^\/api\/services\/([^/]+)$/.exec(url.pathname);
      if (detail) {
        const id = decodeURIComponent(detail[1] ?? '');
        if (this.failingDetails.has(id)) return send(500, { error: 'boom' });
        const found = this.services.find((s) => s['id'] === id);
        return found ? send(200, found) : send(404, { error: 'not found' });
      }
      if (url.pathname === '/api/taxonomies') return send(200, page(this.taxonomies, pageNumber, size));
      return send(404, { error: 'not found' });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
