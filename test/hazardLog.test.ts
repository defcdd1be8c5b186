/**
 * The safeguarding hazard log is only worth signing if every control it claims is proved by a test that runs. This
 * holds the log (docs/onboarding/safeguarding-hazard-log.md) to the code: every hazard has a cause, an effect, a
 * harm, controls, an owner, a status and ratings that agree with the DCB0129 matrix, and every control names a test
 * that exists, by its exact title, in a file `npm test` runs, and is not skipped. Rename a named test and this fails.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  isSkipped,
  LIKELIHOODS,
  parseHazardLog,
  readStringLiteral,
  riskFor,
  SEVERITIES,
  testCallsIn,
  type Hazard,
  type Likelihood,
  type NamedTest,
  type Rating,
  type Severity,
} from './support/hazardLog';

const ROOT = path.resolve(__dirname, '..');
const LOG = 'docs/onboarding/safeguarding-hazard-log.md';
const REQUIRED_FIELDS = ['Cause', 'Effect', 'Harm', 'Initial risk', 'Existing controls', 'Residual risk', 'Owner', 'Status'];

/** The hazards issue 10 asks the log to cover, by a word or two each must have in its title. */
const REQUIRED_TOPICS: [string, RegExp][] = [
  ['crisis message not recognised', /crisis message not recognised/i],
  ['crisis wording delayed', /crisis wording delayed/i],
  ['crisis during any journey step', /crisis .*during a journey/i],
  ['opted-out number with risk', /opted out .*risk|risk .*opted out/i],
  ['urgent referral not seen', /urgent referral not seen/i],
  ['referral lost on crash', /lost .*(crash|restart)/i],
  ['duplicate referral', /duplicate referral/i],
  ['PII in logs', /personal data in logs/i],
  ['PII in digests, small numbers', /digest/i],
  ['wrong ward, wrong councillor', /wrong ward/i],
  ['SMS to an opted-out resident', /text sent to a resident who opted out/i],
  ['stale or incorrect signposting', /signposting/i],
  ['translation errors', /translation/i],
  ['staff session hijack, CSRF', /session|CSRF/i],
  ['out-of-hours expectations', /out of hours/i],
];

const sources = new Map<string, string>();
function sourceOf(file: string): string {
  let text = sources.get(file);
  if (text === undefined) {
    text = readFileSync(path.join(ROOT, file), 'utf8');
    sources.set(file, text);
  }
  return text;
}

function allTests(hazard: Hazard): NamedTest[] {
  return hazard.controls.flatMap((c) => c.tests);
}

/** Why a named test does not prove anything, or null when it is a real, running test with that exact title. */
export function problemWith(test: NamedTest, read: (file: string) => string, exists: (file: string) => boolean): string | null {
  if (!/^test\/.+\.test\.ts$/.test(test.file)) return `${test.file} is not a test file npm test runs (test/**/*.test.ts)`;
  if (!exists(test.file)) return `${test.file} does not exist`;
  const calls = testCallsIn(read(test.file)).filter((c) => c.title === test.title);
  if (calls.length === 0) return `${test.file} has no it(...) titled "${test.title}" (renamed, or not a plain string literal?)`;
  if (calls.every(isSkipped)) return `${test.file}:${calls[0]?.line} "${test.title}" is skipped`;
  return null;
}

function checkRating(hazard: Hazard, which: string, rating: Rating | null): void {
  assert.ok(rating, `${hazard.id}: "${which}" must read "severity <S>, likelihood <L>, rating <N>"`);
  assert.ok((SEVERITIES as readonly string[]).includes(rating.severity), `${hazard.id} ${which}: severity "${rating.severity}" is not one of ${SEVERITIES.join(', ')}`);
  assert.ok((LIKELIHOODS as readonly string[]).includes(rating.likelihood), `${hazard.id} ${which}: likelihood "${rating.likelihood}" is not one of ${LIKELIHOODS.join(', ')}`);
  const expected = riskFor(rating.severity as Severity, rating.likelihood as Likelihood);
  assert.equal(rating.rating, expected, `${hazard.id} ${which}: ${rating.severity} × ${rating.likelihood} is rating ${expected} on the matrix, not ${rating.rating}`);
}

describe('safeguarding hazard log', () => {
  const hazards = parseHazardLog(readFileSync(path.join(ROOT, LOG), 'utf8'));

  it('lists at least 12 hazards, each with a unique id', () => {
    assert.ok(hazards.length >= 12, `found ${hazards.length} hazards in ${LOG}`);
    const ids = hazards.map((h) => h.id);
    assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.join(', ')}`);
  });

  it('covers every hazard the onboarding issue asks for', () => {
    const titles = hazards.map((h) => h.title);
    const missing = REQUIRED_TOPICS.filter(([, pattern]) => !titles.some((t) => pattern.test(t))).map(([topic]) => topic);
    assert.deepEqual(missing, [], `no hazard titled for: ${missing.join('; ')}`);
  });

  it('gives every hazard a cause, effect, harm, controls, owner, status and both ratings', () => {
    for (const hazard of hazards) {
      for (const field of REQUIRED_FIELDS) {
        assert.ok(hazard.fields.has(field), `${hazard.id} (line ${hazard.line}) has no "${field}"`);
        if (field !== 'Existing controls') assert.ok((hazard.fields.get(field) ?? '').length > 0, `${hazard.id}: "${field}" is empty`);
      }
      assert.ok(hazard.controls.length > 0, `${hazard.id} lists no existing controls`);
    }
  });

  it('rates every hazard on the DCB0129 matrix, and no control makes a risk worse', () => {
    for (const hazard of hazards) {
      checkRating(hazard, 'Initial risk', hazard.initial);
      checkRating(hazard, 'Residual risk', hazard.residual);
      assert.ok((hazard.residual?.rating ?? 0) <= (hazard.initial?.rating ?? 0), `${hazard.id}: residual risk is above the initial risk`);
    }
  });

  it('names, for every control of every hazard, at least one test, and no test outside a control', () => {
    for (const hazard of hazards) {
      assert.ok(allTests(hazard).length > 0, `${hazard.id} names no test`);
      for (const control of hazard.controls) {
        assert.ok(control.tests.length > 0, `${hazard.id}: the control "${control.text.slice(0, 80)}" names no test`);
      }
      assert.deepEqual(hazard.strayTests, [], `${hazard.id}: a Test line sits outside a numbered control`);
    }
  });

  it('names only tests that exist, by their exact title, in a file npm test runs, and not skipped', () => {
    const problems: string[] = [];
    for (const hazard of hazards) {
      for (const test of allTests(hazard)) {
        const problem = problemWith(test, sourceOf, (file) => existsSync(path.join(ROOT, file)));
        if (problem) problems.push(`${hazard.id} (${LOG}:${test.line}): ${problem}`);
      }
    }
    assert.deepEqual(problems, []);
  });
});

describe('the hazard log checker itself', () => {
  const file = 'test/example.test.ts';
  const check = (source: string, title: string): string | null =>
    problemWith({ file, title, line: 1 }, () => source, () => true);

  it('when a named test is renamed, then the check fails', () => {
    assert.equal(check("it('when A, then B', () => {});", 'when A, then B'), null);
    assert.match(check("it('when A, then C', () => {});", 'when A, then B') ?? '', /has no it\(\.\.\.\) titled/);
  });

  it('when the test is skipped with it.skip, xit or inside describe.skip, then the check fails', () => {
    assert.match(check("it.skip('when A, then B', () => {});", 'when A, then B') ?? '', /is skipped/);
    assert.match(check("xit('when A, then B', () => {});", 'when A, then B') ?? '', /is skipped/);
    const suite = ["describe.skip('s', () => {", "  it('when A, then B', () => {});", '});', "it('other', () => {});"].join('\n');
    assert.match(check(suite, 'when A, then B') ?? '', /is skipped/);
    assert.equal(check(suite, 'other'), null);
  });

  it('reads titles as JavaScript evaluates them: escapes, either quote, and no templates with substitutions', () => {
    assert.equal(check("it('a resident\\'s \"words\" \\u2019', () => {});", 'a resident\'s "words" \u2019'), null);
    assert.equal(check('it("a councillor\'s ward", () => {});', "a councillor's ward"), null);
    assert.equal(check('it(`plain template`, () => {});', 'plain template'), null);
    assert.match(check('it(`step ${n}: help`, () => {});', 'step ${n}: help') ?? '', /not a plain string literal/);
    assert.equal(readStringLiteral('`a ${b}`', 0)?.value, null);
  });

  it('does not take a title from a string that is not an it(...) call', () => {
    assert.match(check("const note = 'when A, then B'; wait('when A, then B');", 'when A, then B') ?? '', /has no it/);
  });

  it('accepts only test files that npm test runs', () => {
    assert.match(problemWith({ file: 'test/support/botClient.ts', title: 'x', line: 1 }, () => '', () => true) ?? '', /not a test file/);
    assert.match(problemWith({ file: 'test/missing.test.ts', title: 'x', line: 1 }, () => '', () => false) ?? '', /does not exist/);
  });
});
