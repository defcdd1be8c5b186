/**
 * Reads a directory from an Open Referral UK tabular data package: a folder with datapackage.json and one CSV per
 * table (organizations.csv, services.csv, schedule.csv, ...), as the standard's own descriptor lists them.
 *
 * The tables are joined into fully nested services, the same shape `GET /services/{id}` answers, so both sources
 * go through one check (importer.ts). Values are typed by the descriptor's field types (a `number` column becomes a
 * number; an empty cell is left out); a value that does not convert stays text, so the schema names the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { FetchedDirectory } from './report';

export class PackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackageError';
  }
}

const descriptor = z.looseObject({
  resources: z.array(
    z.looseObject({
      name: z.string().min(1),
      path: z.string().min(1),
      schema: z.looseObject({ fields: z.array(z.looseObject({ name: z.string(), type: z.string().optional() })) }).optional(),
    }),
  ),
});

type Row = Record<string, unknown>;

/** Resource names in the standard's datapackage.json, and the ones we join. */
const TABLES = [
  'organization', 'service', 'attribute', 'service_at_location', 'location', 'phone', 'contact', 'address', 'schedule',
  'service_area', 'language', 'accessibility', 'taxonomy_term', 'cost_option', 'funding', 'taxonomy',
] as const;
type Table = (typeof TABLES)[number];

export function readPackage(dir: string): FetchedDirectory {
  const file = path.join(dir, 'datapackage.json');
  if (!existsSync(file)) throw new PackageError(`${file}: not found (a tabular data package needs its datapackage.json)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new PackageError(`${file}: is not valid JSON (${err instanceof Error ? err.message : 'unreadable'})`);
  }
  const parsed = descriptor.safeParse(json);
  if (!parsed.success) throw new PackageError(`${file}: is not a data package descriptor (${parsed.error.issues[0]?.message ?? 'invalid'})`);

  const tables = new Map<Table, Row[]>();
  for (const resource of parsed.data.resources) {
    if (!(TABLES as readonly string[]).includes(resource.name)) continue;
    // Only files inside the package folder: a descriptor must not make us read elsewhere on the disk.
    const target = path.resolve(dir, resource.path);
    if (path.isAbsolute(resource.path) || !target.startsWith(path.resolve(dir) + path.sep)) {
      throw new PackageError(`${file}: resource "${resource.name}" has path "${resource.path}" outside the package`);
    }
    if (!existsSync(target)) continue; // an optional table the council does not publish
    const types = new Map((resource.schema?.fields ?? []).map((f) => [f.name, f.type ?? 'string']));
    tables.set(resource.name as Table, readTable(target, resource.path, types));
  }
  if (!tables.has('service')) throw new PackageError(`${file}: has no services table (resource "service")`);
  return assemble(tables);
}

function readTable(file: string, name: string, types: ReadonlyMap<string, string>): Row[] {
  let records: Record<string, string>[];
  try {
    records = parse(readFileSync(file, 'utf8'), { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (err) {
    throw new PackageError(`${name}: cannot be read as CSV (${err instanceof Error ? err.message : 'unreadable'})`);
  }
  return records.map((record) => {
    const row: Row = {};
    for (const [key, value] of Object.entries(record)) {
      if (value === '') continue;
      row[key] = typed(value, types.get(key) ?? 'string');
    }
    return row;
  });
}

function typed(value: string, type: string): unknown {
  if (type === 'number' || type === 'integer') {
    const n = Number(value);
    return Number.isFinite(n) && (type === 'number' || Number.isInteger(n)) ? n : value;
  }
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

function groupBy(rows: readonly Row[], key: string): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const row of rows) {
    const k = row[key];
    if (typeof k !== 'string') continue;
    out.set(k, [...(out.get(k) ?? []), row]);
  }
  return out;
}

function byId(rows: readonly Row[]): Map<string, Row> {
  return new Map(rows.flatMap((r) => (typeof r['id'] === 'string' ? [[r['id'], r] as const] : [])));
}

/** Drops the foreign keys a nested record does not carry (its parent says it), keeping the record as published. */
function without(row: Row, ...keys: string[]): Row {
  const copy = { ...row };
  for (const k of keys) delete copy[k];
  return copy;
}

function assemble(tables: ReadonlyMap<Table, Row[]>): FetchedDirectory {
  const t = (name: Table): Row[] => tables.get(name) ?? [];
  const organizations = byId(t('organization'));
  const terms = byId(t('taxonomy_term'));
  const locations = byId(t('location'));
  const addressesByLocation = groupBy(t('address'), 'location_id');
  const accessibilityByLocation = groupBy(t('accessibility'), 'location_id');
  const phonesByContact = groupBy(t('phone'), 'contact_id');
  const contactsByService = groupBy(t('contact'), 'service_id');
  const schedulesByService = groupBy(t('schedule'), 'service_id');
  const areasByService = groupBy(t('service_area'), 'service_id');
  const languagesByService = groupBy(t('language'), 'service_id');
  const costsByService = groupBy(t('cost_option'), 'service_id');
  const fundingByService = groupBy(t('funding'), 'service_id');
  const salsByService = groupBy(t('service_at_location'), 'service_id');
  const attributesByLink = groupBy(t('attribute'), 'link_id');

  const nestedTerm = (id: unknown): Row | undefined => (typeof id === 'string' ? terms.get(id) : undefined);
  const attributesFor = (id: string): Row[] =>
    (attributesByLink.get(id) ?? []).map((a) => {
      const term = nestedTerm(a['taxonomy_term_id']);
      return term ? { ...a, taxonomy_term: term } : a;
    });

  const services = t('service').map((service) => {
    const id = typeof service['id'] === 'string' ? service['id'] : '';
    const organization = typeof service['organization_id'] === 'string' ? organizations.get(service['organization_id']) : undefined;
    const nested: Row = { ...service };
    if (organization) nested['organization'] = organization;
    nested['schedules'] = (schedulesByService.get(id) ?? []).filter((s) => s['service_at_location_id'] === undefined).map((s) => without(s, 'location_id'));
    nested['service_areas'] = areasByService.get(id) ?? [];
    nested['contacts'] = (contactsByService.get(id) ?? []).map((c) => ({ ...c, phones: phonesByContact.get(String(c['id'])) ?? [] }));
    nested['languages'] = languagesByService.get(id) ?? [];
    nested['cost_options'] = costsByService.get(id) ?? [];
    nested['funding'] = fundingByService.get(id) ?? [];
    nested['attributes'] = attributesFor(id);
    nested['service_at_locations'] = (salsByService.get(id) ?? []).map((sal) => {
      const location = typeof sal['location_id'] === 'string' ? locations.get(sal['location_id']) : undefined;
      const out: Row = { ...sal };
      if (location) {
        const locId = String(location['id']);
        out['location'] = { ...location, addresses: addressesByLocation.get(locId) ?? [], accessibility: accessibilityByLocation.get(locId) ?? [] };
      }
      return out;
    });
    return nested;
  });

  const termsByTaxonomy = groupBy(t('taxonomy_term'), 'taxonomy_id');
  const taxonomies = t('taxonomy').map((tax) => ({ ...tax, taxonomy_terms: termsByTaxonomy.get(String(tax['id'])) ?? [] }));
  return { services, taxonomies, rejected: [] };
}
