/**
 * The council's service directory, read-only and public, in the Open Referral UK API shape
 * (services/directory/schema/openapi.json): `GET /api/directory/services` (paginated, list shape),
 * `GET /api/directory/services/{id}` (fully nested), `GET /api/directory/taxonomies` and `/taxonomies/{id}`, and
 * `GET /api/directory/` (what the API is). Whatever is in force is served: the shipped directory or the last import.
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { App } from '../composition';
import { serviceListFields } from '../../services/directory/orukSchemas';
import { AppError } from '../../services/errors';
import { sendError } from '../httpErrors';

export const DIRECTORY_BASE = '/api/directory';
const MAX_PER_PAGE = 200;

const pageQuery = z.object({
  page: z.coerce.number({ error: 'page must be a whole number from 1' }).int().min(1).max(1_000_000).default(1),
  per_page: z.coerce.number({ error: `per_page must be a whole number from 1 to ${MAX_PER_PAGE}` }).int().min(1).max(MAX_PER_PAGE).default(50),
});
const servicesQuery = pageQuery.extend({
  taxonomy_term_id: z.string().trim().min(1).max(200).optional(),
  taxonomy_id: z.string().trim().min(1).max(200).optional(),
  search: z.string().trim().min(1).max(200).optional(),
});

function parseQuery<T extends z.ZodType>(schema: T, req: Request): z.infer<T> {
  const parsed = schema.safeParse(req.query ?? {});
  if (!parsed.success) {
    throw new AppError('invalid-input', 'The query is not valid.', {
      details: parsed.error.issues.map((i) => ({ parameter: i.path.join('.'), problem: i.message })),
    });
  }
  return parsed.data;
}

/** The standard's Page: numbered from 1, a page past the end is empty but still says where the end is. */
export function paginate<T>(items: readonly T[], page: number, perPage: number): Record<string, unknown> {
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const contents = items.slice((page - 1) * perPage, page * perPage);
  return {
    total_items: items.length,
    total_pages: totalPages,
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}

/** A service as the list shows it: its one-to-one fields and its organisation's, as schema/compiled/service_list.json has them. */
function listShape(record: Record<string, unknown>, fields: readonly string[], orgFields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f === 'organization') continue;
    if (record[f] !== undefined) out[f] = record[f];
  }
  const org = record['organization'];
  if (typeof org === 'object' && org !== null) {
    out['organization'] = Object.fromEntries(orgFields.flatMap((f) => ((org as Record<string, unknown>)[f] === undefined ? [] : [[f, (org as Record<string, unknown>)[f]]])));
  }
  return out;
}

function termIdsOf(record: Record<string, unknown>): { terms: Set<string>; taxonomies: Set<string> } {
  const terms = new Set<string>();
  const taxonomies = new Set<string>();
  for (const a of Array.isArray(record['attributes']) ? (record['attributes'] as unknown[]) : []) {
    if (typeof a !== 'object' || a === null) continue;
    const attr = a as { taxonomy_term_id?: unknown; taxonomy_term?: { id?: unknown; taxonomy_id?: unknown } };
    if (typeof attr.taxonomy_term_id === 'string') terms.add(attr.taxonomy_term_id);
    if (typeof attr.taxonomy_term?.id === 'string') terms.add(attr.taxonomy_term.id);
    if (typeof attr.taxonomy_term?.taxonomy_id === 'string') taxonomies.add(attr.taxonomy_term.taxonomy_id);
  }
  return { terms, taxonomies };
}

export function registerDirectoryRoutes(server: Server, app: Pick<App, 'directory' | 'logger'>): void {
  // The field lists come from the standard's own list schema, so what we list is what it says a list holds.
  const serviceList = serviceListFields();
  const route =
    (handler: (req: Request, res: Response) => void) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        res.header('Cache-Control', 'public, max-age=300');
        handler(req, res);
      } catch (err) {
        sendError(res, err, app.logger);
      }
    };

  const about = route((_req, res) => {
    res.json({
      version: '3.0',
      profile: 'https://github.com/openreferral/uk-profile',
      openapi_url: 'https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json',
    });
  });
  server.get(DIRECTORY_BASE, about);
  server.get(`${DIRECTORY_BASE}/`, about);

  server.get(`${DIRECTORY_BASE}/services`, route((req, res) => {
    const q = parseQuery(servicesQuery, req);
    const search = q.search?.toLowerCase();
    const records = app.directory.current().oruk.services.filter((r) => {
      if (q.taxonomy_term_id !== undefined || q.taxonomy_id !== undefined) {
        const ids = termIdsOf(r);
        if (q.taxonomy_term_id !== undefined && !ids.terms.has(q.taxonomy_term_id)) return false;
        if (q.taxonomy_id !== undefined && !ids.taxonomies.has(q.taxonomy_id)) return false;
      }
      if (search !== undefined) {
        const text = `${String(r['name'] ?? '')} ${String(r['description'] ?? '')}`.toLowerCase();
        if (!text.includes(search)) return false;
      }
      return true;
    });
    res.json(paginate(records.map((r) => listShape(r, serviceList.service, serviceList.organization)), q.page, q.per_page));
  }));

  server.get(`${DIRECTORY_BASE}/services/:id`, route((req, res) => {
    const record = app.directory.record(String(req.params['id'] ?? ''));
    if (record === null) throw new AppError('not-found', 'There is no service with that id.');
    res.json(record);
  }));

  server.get(`${DIRECTORY_BASE}/taxonomies`, route((req, res) => {
    const q = parseQuery(pageQuery, req);
    res.json(paginate(app.directory.current().oruk.taxonomies, q.page, q.per_page));
  }));

  server.get(`${DIRECTORY_BASE}/taxonomies/:id`, route((req, res) => {
    const id = String(req.params['id'] ?? '');
    const taxonomy = app.directory.current().oruk.taxonomies.find((t) => t['id'] === id);
    if (taxonomy === undefined) throw new AppError('not-found', 'There is no taxonomy with that id.');
    res.json(taxonomy);
  }));
}
