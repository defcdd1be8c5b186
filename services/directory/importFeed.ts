/**
 * Reads a directory from an Open Referral UK API: pages through `GET /services` (the list shape has one-to-one
 * fields only), fetches each service fully nested from `GET /services/{id}`, and pages through `GET /taxonomies`.
 *
 * Every request has a deadline. A page that is not in the standard's page shape stops the import (we cannot know
 * what we missed); a single service that cannot be fetched is reported as rejected and the rest go on.
 */
import { orukValidators } from './orukSchemas';
import type { FetchedDirectory, RejectedRecord } from './report';

export interface FeedOptions {
  /** Base URL of the API, e.g. https://directory.example.gov.uk/api/v3 (the paths are appended). */
  url: string;
  timeoutMs?: number;
  perPage?: number;
  /** Service detail requests in flight at once. */
  concurrency?: number;
  /** A feed larger than this many pages is refused, so a looping feed cannot keep us busy for ever. */
  maxPages?: number;
}

/** An answer announcing more than this is refused before it is read (a full service is a few kilobytes). */
const MAX_RESPONSE_BYTES = 20 * 1024 * 1024;

export class FeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedError';
  }
}

type Page = { contents: unknown[]; total_pages: number; last_page: boolean; page_number: number };

export async function fetchFeed(options: FeedOptions): Promise<FetchedDirectory> {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const perPage = options.perPage ?? 100;
  const maxPages = options.maxPages ?? 500;
  const validators = orukValidators();

  async function getJson(pathAndQuery: string): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${base}${pathAndQuery}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'could not be reached';
      throw new FeedError(`${pathAndQuery.split('?')[0] ?? pathAndQuery}: ${reason}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { status: response.status, body: undefined };
    }
    if (Number(response.headers.get('content-length') ?? 0) > MAX_RESPONSE_BYTES) {
      await response.body?.cancel();
      throw new FeedError(`${pathAndQuery.split('?')[0] ?? pathAndQuery}: the answer is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MB`);
    }
    try {
      return { status: response.status, body: (await response.json()) as unknown };
    } catch {
      throw new FeedError(`${pathAndQuery.split('?')[0] ?? pathAndQuery}: the answer is not JSON`);
    }
  }

  async function allPages(resource: 'services' | 'taxonomies', optional: boolean): Promise<unknown[]> {
    const items: unknown[] = [];
    for (let page = 1; ; page += 1) {
      if (page > maxPages) throw new FeedError(`/${resource}: more than ${maxPages} pages; refusing to go on`);
      const { status, body } = await getJson(`/${resource}?page=${page}&per_page=${perPage}`);
      if (status === 404 && optional && page === 1) return [];
      if (status !== 200) throw new FeedError(`/${resource} page ${page}: HTTP ${status}`);
      const problems = validators.page(body);
      if (problems.length > 0) throw new FeedError(`/${resource} page ${page} is not an Open Referral UK page: ${problems.slice(0, 5).join('; ')}`);
      const p = body as Page;
      items.push(...p.contents);
      if (p.last_page || page >= p.total_pages || p.contents.length === 0) return items;
    }
  }

  const listed = await allPages('services', false);
  const rejected: RejectedRecord[] = [];
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const item of listed) {
    const problems = validators.serviceListItem(item);
    const id = idOf(item);
    if (problems.length > 0 || id === null) {
      rejected.push({ id, reasons: problems.length > 0 ? problems.map((p) => `in the /services list: ${p}`) : ['id: is missing'] });
    } else if (seen.has(id)) {
      rejected.push({ id, reasons: ['listed more than once in /services'] });
    } else {
      seen.add(id);
      ids.push(id);
    }
  }

  const services: unknown[] = [];
  let unreachable = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      const { status, body } = await getJson(`/services/${encodeURIComponent(id)}`).catch((err: unknown) => ({
        status: 0,
        body: err instanceof Error ? err.message : 'failed',
      }));
      if (status === 200) services.push(body);
      else {
        if (status === 0 || status >= 500) unreachable += 1;
        rejected.push({ id, reasons: [status === 0 ? `/services/{id}: ${String(body)}` : `/services/{id}: HTTP ${status}`] });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  // One record the server cannot give is that record's problem; most of them is the server's, and putting half a
  // directory in force would hide the rest from residents until the next import.
  if (ids.length > 0 && unreachable * 2 > ids.length) {
    throw new FeedError(`/services/{id}: ${unreachable} of ${ids.length} services could not be fetched`);
  }
  // Keep the feed's order, whatever order the details arrived in: the council's order is the listing's priority.
  const order = new Map(ids.map((id, i) => [id, i]));
  services.sort((a, b) => (order.get(idOf(a) ?? '') ?? 0) - (order.get(idOf(b) ?? '') ?? 0));

  const taxonomies = await allPages('taxonomies', true);
  return { services, taxonomies, rejected };
}

export function idOf(value: unknown): string | null {
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.trim() !== '' ? id : null;
}
