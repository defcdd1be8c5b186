/**
 * The council's own postcode-to-ward table (councils/<id>/postcodes.csv), and the small CSV reader shared with
 * wards.csv.
 *
 * Councils fill the table from the ONS Postcode Directory (ONSPD) or the National Statistics Postcode Lookup
 * (NSPL). Those extracts are usually cut by a bounding area rather than by council, so rows for neighbouring
 * councils' wards are expected: they are skipped and counted rather than treated as errors, and the counts are
 * kept on the lookup for start-up logging.
 */
import { readFileSync } from 'node:fs';
import { normalisePostcode } from './postcode';
import type { GeoPoint, PostcodeLookup, Ward, WardMatch } from './types';

/** A CSV file that cannot be read as a table; `line` is 1-based, counting the header. */
export class CsvFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${file}: line ${line}: ${problem}`);
    this.name = 'CsvFormatError';
  }
}

/** One data row, keyed by header name, with the line it started on (for error messages). */
export interface CsvRecord {
  line: number;
  values: Record<string, string>;
}

/**
 * Parses RFC 4180 CSV: a header row, comma-separated fields, double-quoted fields that may hold commas, quotes
 * (doubled) and line breaks, LF or CRLF line endings, and an optional UTF-8 byte order mark (Excel adds one).
 * Blank lines are skipped. Fields are trimmed unless quoted.
 *
 * Throws {@link CsvFormatError} when a required column is missing, a row has the wrong number of fields, or a
 * quote is left open, so a hand-edited file fails at start-up with the line to fix.
 *
 * @param file used only in error messages.
 * @param requiredColumns header names that must be present; other columns are kept and may be ignored.
 */
export function parseCsv(text: string, file: string, requiredColumns: readonly string[]): CsvRecord[] {
  const rows = splitCsv(text.startsWith('\uFEFF') ? text.slice(1) : text, file);
  const headerRow = rows.shift();
  if (headerRow === undefined) {
    throw new CsvFormatError(file, 1, `the file is empty; expected a header row "${requiredColumns.join(',')}"`);
  }
  const header = headerRow.fields.map((h) => h.trim());
  const missing = requiredColumns.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new CsvFormatError(
      file,
      headerRow.line,
      `missing column(s) ${missing.map((m) => `"${m}"`).join(', ')} in the header "${header.join(',')}"`,
    );
  }
  return rows.map((row) => {
    if (row.fields.length !== header.length) {
      throw new CsvFormatError(file, row.line, `expected ${header.length} fields, found ${row.fields.length}`);
    }
    const values: Record<string, string> = {};
    header.forEach((name, i) => {
      values[name] = row.fields[i] ?? '';
    });
    return { line: row.line, values };
  });
}

interface RawRow {
  line: number;
  fields: string[];
}

function splitCsv(text: string, file: string): RawRow[] {
  const rows: RawRow[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field was quoted (so is not trimmed)
  let line = 1;
  let rowLine = 1;
  let quoteLine = 1;
  let wasQuotedRow = false; // some field in the current row was quoted (so a row `""` is not blank)

  const endField = (): void => {
    fields.push(wasQuoted ? field : field.trim());
    field = '';
    wasQuoted = false;
  };
  const endRow = (): void => {
    endField();
    const blank = fields.length === 1 && fields[0] === '' && !wasQuotedRow;
    if (!blank) rows.push({ line: rowLine, fields });
    fields = [];
    wasQuotedRow = false;
  };

  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (field.trim() !== '') {
        throw new CsvFormatError(file, line, 'a quote appears in the middle of an unquoted field');
      }
      field = '';
      quoted = true;
      wasQuoted = true;
      wasQuotedRow = true;
      quoteLine = line;
    } else if (ch === ',') {
      endField();
    } else if (ch === '\r' && text[i + 1] === '\n') {
      // CRLF: the \n ends the row.
    } else if (ch === '\n') {
      endRow();
      line++;
      rowLine = line;
    } else {
      if (wasQuoted && ch !== ' ' && ch !== '\t') {
        throw new CsvFormatError(file, line, 'text follows a closing quote; quotes inside a field must be doubled');
      }
      if (!wasQuoted) field += ch;
    }
  }
  if (quoted) throw new CsvFormatError(file, quoteLine, 'a quoted field is never closed');
  if (field !== '' || fields.length > 0 || wasQuoted) endRow();
  return rows;
}

/** What loading a postcode table found, for start-up logs (counts only: postcodes are personal-ish data). */
export interface PostcodeTableStats {
  /** Data rows in the file. */
  rows: number;
  /** Postcodes now known. */
  loaded: number;
  /** Rows skipped because the ward is not one of this council's (normal for ONSPD/NSPL extracts). */
  ignoredOtherWard: number;
  /** Rows skipped because the postcode is not in a valid format (e.g. "GIR 0AA", or a truncated value). */
  ignoredInvalidPostcode: number;
}

/** A postcode-to-ward lookup held in memory. Council tables are a few thousand rows, so a Map is plenty. */
export class TablePostcodeLookup implements PostcodeLookup {
  private readonly byPostcode = new Map<string, WardMatch>();
  readonly stats: PostcodeTableStats;

  /**
   * @param rows postcodes in any format the resident might type; normalised here.
   * @param wards the council's wards; rows for other wards are skipped and counted.
   * @param source the file the rows came from, for error messages.
   * @throws Error ({@link CsvFormatError} when `source` and the row's line are known) when one postcode is given
   *   two different wards: the table cannot be trusted then.
   */
  constructor(
    rows: Iterable<{ postcode: string; wardCode: string; line?: number; origin?: 'postcode-table' | 'onspd'; location?: GeoPoint }>,
    wards: readonly Ward[],
    source?: string,
  ) {
    const wardsByCode = new Map(wards.map((w) => [w.code, w]));
    const stats: PostcodeTableStats = { rows: 0, loaded: 0, ignoredOtherWard: 0, ignoredInvalidPostcode: 0 };
    for (const row of rows) {
      stats.rows++;
      const postcode = normalisePostcode(row.postcode);
      if (postcode === null) {
        stats.ignoredInvalidPostcode++;
        continue;
      }
      const ward = wardsByCode.get(row.wardCode.trim());
      if (ward === undefined) {
        stats.ignoredOtherWard++;
        continue;
      }
      const existing = this.byPostcode.get(postcode);
      if (existing !== undefined && existing.code !== ward.code) {
        const problem = `postcode ${postcode} is listed in two wards, ${existing.code} and ${ward.code}`;
        if (source !== undefined && row.line !== undefined) throw new CsvFormatError(source, row.line, problem);
        throw new Error(problem);
      }
      // No source means 'postcode-table', so a hand-made table's answers stay plain wards.
      const match: WardMatch = row.origin === 'onspd' ? { ...ward, source: 'onspd' } : { ...ward };
      if (row.location) match.location = row.location;
      this.byPostcode.set(postcode, match);
    }
    stats.loaded = this.byPostcode.size;
    this.stats = stats;
  }

  /**
   * Reads a `postcode,ward_code[,source][,latitude,longitude]` CSV (`source` "onspd" for rows `npm run
   * import:postcodes` wrote; latitude and longitude, the postcode's centroid in WGS84 degrees, let the journeys say
   * how far a service is; without them, services are matched by ward only). Format
   * errors throw {@link CsvFormatError}; a postcode given two wards throws a CsvFormatError naming the line.
   */
  static fromCsvFile(file: string, wards: readonly Ward[], displayName: string = file): TablePostcodeLookup {
    return TablePostcodeLookup.fromCsv(readFileSync(file, 'utf8'), wards, displayName);
  }

  /** As {@link fromCsvFile}, from text already read. */
  static fromCsv(text: string, wards: readonly Ward[], displayName: string): TablePostcodeLookup {
    const records = parseCsv(text, displayName, ['postcode', 'ward_code']);
    const rows = records.map((r) => {
      const origin = (r.values['source'] ?? '').trim();
      if (origin !== '' && origin !== 'onspd' && origin !== 'postcode-table') {
        throw new CsvFormatError(displayName, r.line, `source "${origin}" must be empty, "onspd" or "postcode-table"`);
      }
      const location = readLocation(r.values['latitude'], r.values['longitude'], displayName, r.line);
      return {
        postcode: r.values['postcode'] ?? '',
        wardCode: r.values['ward_code'] ?? '',
        line: r.line,
        origin: origin === 'onspd' ? ('onspd' as const) : ('postcode-table' as const),
        ...(location ? { location } : {}),
      };
    });
    return new TablePostcodeLookup(rows, wards, displayName);
  }

  /** The ward for a postcode in any common format; null when the table does not know it or it is not a postcode. */
  async wardFor(postcode: string): Promise<WardMatch | null> {
    const normalised = normalisePostcode(postcode);
    if (normalised === null) return null;
    return this.byPostcode.get(normalised) ?? null;
  }

  /** How many postcodes the table knows. Zero means every lookup will miss: worth a warning at start-up. */
  get size(): number {
    return this.byPostcode.size;
  }
}

/**
 * A centroid from optional latitude and longitude cells: both empty means none (ONSPD leaves a few postcodes
 * without one); anything else must be a point in the UK's range of degrees, or the table is wrong.
 */
function readLocation(lat: string | undefined, long: string | undefined, file: string, line: number): GeoPoint | null {
  const a = (lat ?? '').trim();
  const b = (long ?? '').trim();
  if (a === '' && b === '') return null;
  const latitude = Number(a);
  const longitude = Number(b);
  // ONSPD marks "no grid reference" with latitude 99.999999; treat it as no centroid rather than a bad table.
  if (latitude === 99.999999) return null;
  if (a === '' || b === '' || !Number.isFinite(latitude) || !Number.isFinite(longitude) || latitude < 49 || latitude > 61 || longitude < -9 || longitude > 2) {
    throw new CsvFormatError(file, line, 'latitude and longitude must both be given, in degrees within the UK (e.g. 53.4302,-1.3568)');
  }
  return { latitude, longitude };
}
