/**
 * GeoReport v2 documents in its two formats. XML is schemaless, without a namespace, preceded by the UTF-8
 * declaration, with the spec's element names (`services/service`, `service_definition`, `service_requests/request`,
 * `errors/error`); JSON is the same data as the spec's arrays and objects. A null field is an empty element in XML
 * and null in JSON; a field left out is left out of both.
 */
import { XMLBuilder } from 'fast-xml-parser';

export type Format = 'json' | 'xml';
export const CONTENT_TYPES: Readonly<Record<Format, string>> = { json: 'application/json; charset=utf-8', xml: 'text/xml; charset=utf-8' };


const builder = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: true, processEntities: true });

/** Arrays become repeated child elements named `item` (e.g. `<services><service>…`), nulls empty elements. */
function toXmlTree(value: unknown, item?: string): unknown {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return item ? { [item]: value.map((v) => toXmlTree(v, singular(item))) } : value.map((v) => toXmlTree(v));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      out[k] = Array.isArray(v) ? toXmlTree(v, singular(k)) : toXmlTree(v);
    }
    return out;
  }
  return String(value);
}

/** attributes → attribute, values → value: the spec's lists are plural elements holding singular ones. */
function singular(plural: string): string {
  return plural.endsWith('s') ? plural.slice(0, -1) : plural;
}

/**
 * @param root the XML root (`services`, `service_requests`, `errors`, `service_definition`)
 * @param item for list documents, the element each entry is written as (`service`, `request`, `error`)
 */
export function render(format: Format, data: unknown, root: string, item?: string): string {
  if (format === 'json') return JSON.stringify(data);
  const tree = item !== undefined && Array.isArray(data) ? { [root]: { [item]: data.map((d) => toXmlTree(d)) } } : { [root]: toXmlTree(data) };
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build(tree) as string}`;
}

/** The spec's error document: `[{"code", "description"}]` or `<errors><error><code/><description/></error></errors>`. */
export function renderErrors(format: Format, errors: { code: number; description: string }[]): string {
  return render(format, errors, 'errors', 'error');
}
