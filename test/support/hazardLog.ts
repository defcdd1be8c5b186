/**
 * Reads the safeguarding hazard log (docs/onboarding/safeguarding-hazard-log.md) and the test files it names, so
 * that test/hazardLog.test.ts can hold the log to what the code really proves.
 *
 * The log's machine-readable convention (the log's own "How to read and edit this log" section says the same):
 *
 *   ## H01: Title
 *   - **Cause:** ...
 *   - **Effect:** ...
 *   - **Harm:** ...
 *   - **Initial risk:** severity Major, likelihood Medium, rating 3
 *   - **Existing controls:**
 *     1. What the control is.
 *        - Test: `test/some.test.ts` › "the exact title inside it('...')"
 *   - **Residual risk:** severity Major, likelihood Low, rating 3
 *   - **Owner:** ...
 *   - **Status:** ...
 *
 * A test title is everything between the first `"` after `›` and the last `"` on the line, so titles that contain
 * double quotes need no escaping.
 */

export const SEVERITIES = ['Minor', 'Significant', 'Considerable', 'Major', 'Catastrophic'] as const;
export const LIKELIHOODS = ['Very low', 'Low', 'Medium', 'High', 'Very high'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Likelihood = (typeof LIKELIHOODS)[number];

/** The DCB0129/DCB0160 risk matrix: rows by likelihood (very low first), columns by severity (minor first). */
export const RISK_MATRIX: Readonly<Record<Likelihood, readonly [number, number, number, number, number]>> = {
  'Very low': [1, 1, 2, 2, 3],
  Low: [1, 2, 2, 3, 4],
  Medium: [2, 2, 3, 3, 4],
  High: [2, 3, 3, 4, 5],
  'Very high': [3, 4, 4, 5, 5],
};

export function riskFor(severity: Severity, likelihood: Likelihood): number {
  return RISK_MATRIX[likelihood][SEVERITIES.indexOf(severity)] as number;
}

export interface Rating {
  severity: string;
  likelihood: string;
  rating: number;
}

export interface NamedTest {
  file: string;
  title: string;
  line: number;
}

export interface Control {
  text: string;
  tests: NamedTest[];
}

export interface Hazard {
  id: string;
  title: string;
  line: number;
  fields: Map<string, string>;
  initial: Rating | null;
  residual: Rating | null;
  controls: Control[];
  /** Test lines that are not under a numbered control (a mistake in the log). */
  strayTests: NamedTest[];
}

const HAZARD_HEADING = /^## (H\d{2,3}): (.+)$/;
const FIELD = /^- \*\*([^*]+?):\*\*\s*(.*)$/;
const CONTROL = /^ {2}\d+\.\s+(.*)$/;
const TEST_LINE = /^\s+- Test: `([^`]+)` › "(.*)"\s*$/;
const RATING = /^severity ([A-Za-z ]+?), likelihood ([A-Za-z ]+?), rating (\d)\b/;

function parseRating(value: string | undefined): Rating | null {
  const m = value ? RATING.exec(value.trim()) : null;
  return m ? { severity: m[1] as string, likelihood: m[2] as string, rating: Number(m[3]) } : null;
}

export function parseHazardLog(markdown: string): Hazard[] {
  const hazards: Hazard[] = [];
  let current: Hazard | null = null;
  let field: string | null = null;
  const lines = markdown.split(/\r?\n/);
  lines.forEach((line, index) => {
    const heading = HAZARD_HEADING.exec(line);
    if (heading) {
      current = { id: heading[1] as string, title: (heading[2] as string).trim(), line: index + 1, fields: new Map(), initial: null, residual: null, controls: [], strayTests: [] };
      hazards.push(current);
      field = null;
      return;
    }
    if (/^#{1,2} /.test(line)) {
      current = null;
      return;
    }
    if (!current) return;
    const hazard: Hazard = current;
    const f = FIELD.exec(line);
    if (f) {
      field = (f[1] as string).trim();
      hazard.fields.set(field, (f[2] as string).trim());
      return;
    }
    const test = TEST_LINE.exec(line);
    if (test) {
      const named = { file: test[1] as string, title: test[2] as string, line: index + 1 };
      const control = field === 'Existing controls' ? hazard.controls[hazard.controls.length - 1] : undefined;
      if (control) control.tests.push(named);
      else hazard.strayTests.push(named);
      return;
    }
    const control = CONTROL.exec(line);
    if (control && field === 'Existing controls') {
      hazard.controls.push({ text: (control[1] as string).trim(), tests: [] });
      return;
    }
    // A continuation line of a field's text.
    if (field && line.trim() && !/^\s+- Test:/.test(line) && !CONTROL.test(line)) {
      hazard.fields.set(field, `${hazard.fields.get(field) ?? ''} ${line.trim()}`.trim());
    }
  });
  for (const hazard of hazards) {
    hazard.initial = parseRating(hazard.fields.get('Initial risk'));
    hazard.residual = parseRating(hazard.fields.get('Residual risk'));
  }
  return hazards;
}

// ---- reading test titles from a test file ---------------------------------------------------------------------

export interface TestCall {
  /** `it`, `it.skip`, `it.only`, `xit`, `test`, `specify`... as written. */
  callee: string;
  /** The title as the string literal evaluates, or null when it is not a plain literal (a template with ${...}). */
  title: string | null;
  line: number;
  /** Inside a describe.skip / xdescribe block. */
  inSkippedSuite: boolean;
}

const TEST_CALL = /(?<![\w.$])(it|xit|test|xtest|specify|xspecify)(\.skip|\.only)?\s*\(\s*/g;
const SKIPPED_SUITE = /(?<![\w.$])(?:describe\.skip|context\.skip|suite\.skip|xdescribe|xcontext)\s*\(/g;

/** Reads the JavaScript string literal starting at `start` (a quote or backtick): its value, or null if it is a
 * template literal with substitutions (its title is not fixed text). */
export function readStringLiteral(source: string, start: number): { value: string | null; end: number } | null {
  const quote = source[start];
  if (quote !== "'" && quote !== '"' && quote !== '`') return null;
  let out = '';
  let templated = false;
  for (let i = start + 1; i < source.length; i += 1) {
    const ch = source[i] as string;
    if (ch === quote) return { value: templated ? null : out, end: i + 1 };
    if (quote === '`' && ch === '$' && source[i + 1] === '{') templated = true;
    if (ch !== '\\') {
      if (ch === '\n' && quote !== '`') return null;
      out += ch;
      continue;
    }
    const next = source[i + 1] ?? '';
    i += 1;
    switch (next) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '0': out += '\0'; break;
      case '\n': break; // line continuation
      case 'x': {
        out += String.fromCharCode(parseInt(source.slice(i + 1, i + 3), 16));
        i += 2;
        break;
      }
      case 'u': {
        if (source[i + 1] === '{') {
          const close = source.indexOf('}', i);
          out += String.fromCodePoint(parseInt(source.slice(i + 2, close), 16));
          i = close;
        } else {
          out += String.fromCharCode(parseInt(source.slice(i + 1, i + 5), 16));
          i += 4;
        }
        break;
      }
      default:
        out += next;
    }
  }
  return null;
}

function lineOf(source: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i += 1) if (source.charCodeAt(i) === 10) line += 1;
  return line;
}

/**
 * Line ranges of describe.skip / xdescribe blocks. The code is formatted (prettier), so a block runs from its
 * opening line to the first later line at the same or smaller indentation that closes it with `})`.
 */
function skippedSuiteRanges(source: string): [number, number][] {
  const lines = source.split('\n');
  const ranges: [number, number][] = [];
  for (const match of source.matchAll(SKIPPED_SUITE)) {
    const startLine = lineOf(source, match.index);
    const indent = /^\s*/.exec(lines[startLine - 1] ?? '')?.[0].length ?? 0;
    let endLine = lines.length;
    for (let n = startLine; n < lines.length; n += 1) {
      const text = lines[n] ?? '';
      const own = /^\s*/.exec(text)?.[0].length ?? 0;
      if (own <= indent && /^\s*\}\)/.test(text)) {
        endLine = n + 1;
        break;
      }
    }
    ranges.push([startLine, endLine]);
  }
  return ranges;
}

/** Every it(...)-style call in a test file, with its title when the title is fixed text. */
export function testCallsIn(source: string): TestCall[] {
  const skipped = skippedSuiteRanges(source);
  const calls: TestCall[] = [];
  for (const match of source.matchAll(TEST_CALL)) {
    const literalAt = match.index + match[0].length;
    const literal = readStringLiteral(source, literalAt);
    const line = lineOf(source, match.index);
    calls.push({
      callee: `${match[1] as string}${match[2] ?? ''}`,
      title: literal ? literal.value : null,
      line,
      inSkippedSuite: skipped.some(([from, to]) => line >= from && line <= to),
    });
  }
  return calls;
}

export function isSkipped(call: TestCall): boolean {
  return call.inSkippedSuite || call.callee.endsWith('.skip') || call.callee.startsWith('x');
}
