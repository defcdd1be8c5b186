/**
 * Reads an ONS Postcode Directory (ONSPD) CSV and keeps the council's live postcodes with their wards: what
 * `npm run import:postcodes` writes into councils/<id>/postcodes.csv.
 *
 * The full ONSPD is about 2.7 million rows and over a gigabyte, so it is streamed line by line, never held in
 * memory. Columns are found by name in the header: `pcds` (the postcode, one space), `osward` (ward GSS code),
 * `oslaua` (local authority) and `doterm` (date terminated: empty while the postcode is live). Newer editions name
 * some columns by year (`wd24cd`, `lad24cd`), which are recognised too, and any of them can be named explicitly.
 * `lat` and `long` (the postcode's centroid), when present, are kept so the journeys can say how far a service is.
 * ONSPD fields never contain line breaks, so a line is a row; quoted fields with commas are handled.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { normalisePostcode } from './postcode';
import type { Ward } from './types';

export interface OnspdColumns {
  postcode?: string;
  ward?: string;
  lad?: string;
  terminated?: string;
}

export interface OnspdImportStats {
  rows: number;
  kept: number;
  /** doterm set: the postcode is no longer in use. */
  terminated: number;
  /** In another council's area or ward. */
  otherArea: number;
  invalidPostcode: number;
}

export interface OnspdImport {
  /** Sorted by postcode, one row per live postcode in the council's wards. */
  rows: OnspdRow[];
  stats: OnspdImportStats;
}

export interface OnspdRow {
  postcode: string;
  wardCode: string;
  /** WGS84 centroid, when the file has lat and long and the postcode has a grid reference. */
  location?: { latitude: number; longitude: number };
}

export class OnspdFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnspdFormatError';
  }
}

/** Splits one CSV line: commas, double-quoted fields, doubled quotes inside them. */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

function findColumn(header: string[], explicit: string | undefined, names: readonly string[], pattern: RegExp | null, what: string, required: boolean): number {
  const lower = header.map((h) => h.toLowerCase());
  if (explicit !== undefined) {
    const at = lower.indexOf(explicit.toLowerCase());
    if (at === -1) throw new OnspdFormatError(`no column "${explicit}" for the ${what} in the header`);
    return at;
  }
  for (const name of names) {
    const at = lower.indexOf(name);
    if (at !== -1) return at;
  }
  const byPattern = pattern === null ? -1 : lower.findIndex((h) => pattern.test(h));
  if (byPattern === -1 && required) {
    throw new OnspdFormatError(`cannot find the ${what} column (looked for ${names.join(', ')}); name it with an option`);
  }
  return byPattern;
}

/**
 * @param wards the council's wards: rows for any other ward are skipped (that is what keeps the output to one council).
 * @param ladCode the council's GSS code, checked too when the file has a local authority column.
 */
export async function importOnspd(input: string | Readable, wards: readonly Ward[], ladCode: string, columns: OnspdColumns = {}): Promise<OnspdImport> {
  const stream = typeof input === 'string' ? createReadStream(input, { encoding: 'utf8' }) : input;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const wardCodes = new Set(wards.map((w) => w.code));
  const stats: OnspdImportStats = { rows: 0, kept: 0, terminated: 0, otherArea: 0, invalidPostcode: 0 };
  const kept = new Map<string, OnspdRow>();
  let index: { postcode: number; ward: number; lad: number; terminated: number; lat: number; long: number } | null = null;

  for await (const raw of lines) {
    const line = index === null ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line);
    if (index === null) {
      index = {
        postcode: findColumn(fields, columns.postcode, ['pcds', 'pcd', 'pcd2', 'pcd7', 'pcd8', 'postcode'], null, 'postcode', true),
        ward: findColumn(fields, columns.ward, ['osward'], /^wd\d{2}cd$/, 'ward', true),
        lad: findColumn(fields, columns.lad, ['oslaua'], /^lad\d{2}cd$/, 'local authority', false),
        terminated: findColumn(fields, columns.terminated, ['doterm'], null, 'date terminated', false),
        lat: findColumn(fields, undefined, ['lat'], null, 'latitude', false),
        long: findColumn(fields, undefined, ['long'], null, 'longitude', false),
      };
      continue;
    }
    stats.rows += 1;
    if (index.terminated !== -1 && (fields[index.terminated] ?? '') !== '') {
      stats.terminated += 1;
      continue;
    }
    const wardCode = fields[index.ward] ?? '';
    if (!wardCodes.has(wardCode) || (index.lad !== -1 && (fields[index.lad] ?? '') !== ladCode)) {
      stats.otherArea += 1;
      continue;
    }
    const postcode = normalisePostcode(fields[index.postcode] ?? '');
    if (postcode === null) {
      stats.invalidPostcode += 1;
      continue;
    }
    const latitude = index.lat === -1 ? NaN : Number(fields[index.lat] || NaN);
    const longitude = index.long === -1 ? NaN : Number(fields[index.long] || NaN);
    // ONSPD gives 99.999999 for postcodes without a grid reference.
    const hasCentroid = Number.isFinite(latitude) && Number.isFinite(longitude) && latitude !== 99.999999;
    kept.set(postcode, { postcode, wardCode, ...(hasCentroid ? { location: { latitude, longitude } } : {}) });
  }
  if (index === null) throw new OnspdFormatError('the file is empty');
  stats.kept = kept.size;
  const rows = [...kept.values()].sort((a, b) => (a.postcode < b.postcode ? -1 : a.postcode > b.postcode ? 1 : 0));
  return { rows, stats };
}

/**
 * The postcode table file: what TablePostcodeLookup reads, every row marked as coming from the ONSPD, with
 * latitude and longitude columns when the ONSPD had them.
 */
export function toPostcodeTableCsv(rows: readonly OnspdRow[]): string {
  const centroids = rows.some((r) => r.location !== undefined);
  const line = (r: OnspdRow): string =>
    `${r.postcode},${r.wardCode},onspd${centroids ? `,${r.location?.latitude ?? ''},${r.location?.longitude ?? ''}` : ''}`;
  return `postcode,ward_code,source${centroids ? ',latitude,longitude' : ''}\n${rows.map(line).join('\n')}${rows.length ? '\n' : ''}`;
}
