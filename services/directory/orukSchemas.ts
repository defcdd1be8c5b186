/**
 * The Open Referral UK (HSDS 3.0 UK profile) JSON schemas, compiled once with ajv, for checking what a feed or a
 * data package sends us and what we serve.
 *
 * The schema files in ./schema are copied unchanged from the Open Referral UK profile (CC BY-SA 4.0, see
 * ./schema/ATTRIBUTION.md). They carry Frictionless Data keywords (`constraints`, `core`, `datapackage_metadata`,
 * ...) next to JSON Schema ones, so ajv runs with `strict: false`, which ignores keywords it does not know instead
 * of refusing the schema. `format` (uuid, uri, email, date-time) is checked through ajv-formats.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { fromRoot } from '../paths';

export const SCHEMA_DIR = fromRoot('services', 'directory', 'schema');

function readSchema(relative: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(SCHEMA_DIR, relative), 'utf8')) as Record<string, unknown>;
}

/** One problem with a record, as an operator reads it: "schedules/0/opens_at: must match format "time"". */
export type SchemaProblem = string;

export interface OrukValidators {
  /** A fully nested service (GET /services/{id}): schema/compiled/service.json. */
  service(value: unknown): SchemaProblem[];
  /** A service in a paginated list (GET /services): schema/compiled/service_list.json. */
  serviceListItem(value: unknown): SchemaProblem[];
  /** A taxonomy (GET /taxonomies): schema/taxonomy.json, whose terms are schema/taxonomy_term.json. */
  taxonomy(value: unknown): SchemaProblem[];
  taxonomyTerm(value: unknown): SchemaProblem[];
  /** The pagination envelope, from the OpenAPI document's components.schemas.Page plus `contents`. */
  page(value: unknown): SchemaProblem[];
  /** The OpenAPI document the API follows (served data is checked against what it references). */
  readonly openApi: Record<string, unknown>;
}

function problems(validate: ValidateFunction, value: unknown): SchemaProblem[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describe);
}

function describe(error: ErrorObject): SchemaProblem {
  const where = error.instancePath === '' ? '(record)' : error.instancePath.slice(1);
  if (error.keyword === 'required') return `${where === '(record)' ? '' : `${where}/`}${String(error.params['missingProperty'])}: is missing`;
  if (error.keyword === 'enum') return `${where}: must be one of ${(error.params['allowedValues'] as unknown[]).join(', ')}`;
  return `${where}: ${error.message ?? error.keyword}`;
}

/**
 * ajv and ajv-formats are loaded here, on first use, not when the server starts: they cost about 0.2 s of CPU to
 * load, and the server itself only needs them when a directory feed is imported.
 */
function newAjv(): import('ajv').default {
  const { default: Ajv } = require('ajv') as typeof import('ajv');
  const { default: addFormats } = require('ajv-formats') as typeof import('ajv-formats');
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv;
}

let cached: OrukValidators | null = null;

/** The validators, compiled on first use (compiling the nested service schema takes a few tens of milliseconds). */
export function orukValidators(): OrukValidators {
  if (cached !== null) return cached;
  const ajv = newAjv();
  const openApi = readSchema('openapi.json');
  const term = readSchema('taxonomy_term.json');
  // taxonomy.json refers to its terms as "taxonomy_term.json"; register that name so the reference resolves offline.
  ajv.addSchema(term, 'taxonomy_term.json');
  const pageSchema = (openApi['components'] as { schemas: { Page: Record<string, unknown> } }).schemas.Page;
  const service = ajv.compile(readSchema('compiled/service.json'));
  const serviceListItem = ajv.compile(readSchema('compiled/service_list.json'));
  const taxonomy = ajv.compile(readSchema('taxonomy.json'));
  const taxonomyTerm = ajv.getSchema('taxonomy_term.json') as ValidateFunction;
  const page = ajv.compile({
    allOf: [pageSchema],
    type: 'object',
    // The standard lists these fields without marking them required; a client cannot page without them.
    required: ['total_items', 'total_pages', 'page_number', 'size', 'first_page', 'last_page', 'empty', 'contents'],
    properties: { contents: { type: 'array' } },
  });
  cached = {
    service: (v) => problems(service, v),
    serviceListItem: (v) => problems(serviceListItem, v),
    taxonomy: (v) => problems(taxonomy, v),
    taxonomyTerm: (v) => problems(taxonomyTerm, v),
    page: (v) => problems(page, v),
    openApi,
  };
  return cached;
}

/** The fields a service in a list has, and those of its organisation there (schema/compiled/service_list.json). */
export function serviceListFields(): { service: string[]; organization: string[] } {
  const schema = readSchema('compiled/service_list.json') as { properties: Record<string, { properties?: Record<string, unknown> }> };
  return { service: Object.keys(schema.properties), organization: Object.keys(schema.properties['organization']?.properties ?? {}) };
}

const UPSTREAM = 'https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/';
const OPENAPI_ID = 'https://oruk.invalid/openapi.json';

/**
 * A validator for the 200 response of one path in the standard's OpenAPI document, exactly as the document
 * states it (its Page envelope and the schemas it references). The references point at the upstream repository;
 * they resolve to the local copies here, so checking works offline and against the files we ship.
 */
export function openApiResponseValidator(apiPath: '/' | '/services' | '/services/{id}' | '/taxonomies' | '/taxonomies/{id}'): (value: unknown) => SchemaProblem[] {
  const ajv = newAjv();
  ajv.addSchema(readSchema('compiled/service.json'), `${UPSTREAM}compiled/service.json`);
  ajv.addSchema(readSchema('compiled/service_list.json'), `${UPSTREAM}compiled/service_list.json`);
  ajv.addSchema(readSchema('taxonomy.json'), `${UPSTREAM}taxonomy.json`);
  ajv.addSchema(readSchema('taxonomy_term.json'), `${UPSTREAM}taxonomy_term.json`);
  ajv.addSchema(readSchema('openapi.json'), OPENAPI_ID);
  const openApi = readSchema('openapi.json') as { paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: { $ref?: string } }> }> } }> };
  const schema = openApi.paths[apiPath]?.get.responses['200']?.content['application/json']?.schema;
  const pointer = `/paths/${apiPath.replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses/200/content/application~1json/schema`;
  // A response that is only a reference to a schema file is checked by that file itself, under its own address,
  // so the file's relative references ("taxonomy_term.json") resolve as they do upstream.
  const direct = schema?.$ref !== undefined && Object.keys(schema).length === 1 ? ajv.getSchema(schema.$ref) : undefined;
  const validate = direct ?? ajv.compile({ $ref: `${OPENAPI_ID}#${pointer.replace(/[{}]/g, encodeURIComponent)}` });
  return (value) => problems(validate, value);
}
