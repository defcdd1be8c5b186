/**
 * From counts to a digest, and the digest as HTML email, plain text and a text message.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { loadCouncilProfile } from '../services/council/loadProfile';
import { buildWardDigest, formatDuration, medianOf, type WardDigest } from '../services/digests/build';
import { emptyTally, type WardTally } from '../services/digests/model';
import { PlaceList } from '../services/digests/places';
import { renderDigest, renderSms, SMS_MAX } from '../services/digests/render';
import { countSegments } from '../services/sms/segments';
import { EXAMPLE_PLACES, WEEK } from './support/digestFixtures';

const profile = loadCouncilProfile('rotherham');
const places = new PlaceList(EXAMPLE_PLACES);
const WARD = { code: 'E05012996', name: 'Boston Castle' };

function tally(overrides: Partial<WardTally> = {}): WardTally {
  return { ...emptyTally(WARD.code), ...overrides };
}

function digestOf(current: WardTally, previous: WardTally = tally(), unknownWardCount = 0): WardDigest {
  return buildWardDigest({ profile, area: WARD, period: WEEK, current, previous, unknownWardCount, places });
}

const busyWeek = tally({
  raised: { befriending: 12, 'cost-of-living': 9, asb: 14 },
  needs: { food: 6, energy: 7, 'money-advice': 2, 'warm-spaces': 0, 'housing-costs': 5 },
  asbTypes: { noise: 6, vandalism: 5, drugs: 3, intimidation: 0, vehicles: 0, other: 0 },
  asbPlaces: { 'place:Clifton Park': 6, 'place:Moorgate Road': 2, 'sector:S60 2': 5, '': 1 },
  pickupMinutes: [[30, 3], [90, 4], [600, 3]],
  safeguarding: 2,
  finished: { 'referred-on': 6, closed: 11, withdrawn: 1 },
});
const weekBefore = tally({ raised: { befriending: 9, 'cost-of-living': 3, asb: 15 } });

/** Start and end tags in order, so an unclosed or crossed tag is caught; void elements excepted. */
function assertBalanced(html: string): void {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>/g)) {
    const [, closing, name] = m;
    const tag = (name ?? '').toLowerCase();
    if (['meta', 'br', 'hr', 'img', 'link'].includes(tag)) continue;
    if (closing) assert.equal(stack.pop(), tag, `</${tag}> closes the wrong element`);
    else stack.push(tag);
  }
  assert.deepEqual(stack, [], 'every element is closed');
}

describe('digest building and rendering', () => {
  it('when counts are built, then each kind is compared with the week before and small counts are protected', () => {
    const d = digestOf(busyWeek, weekBefore);
    assert.deepEqual(
      d.raised.rows.map((r) => [r.label, r.current, r.previous, r.change]),
      [
        // The week before: 3 is "fewer than 5", so the next smallest (9) is withheld with it.
        ['Befriending (loneliness)', { kind: 'count', value: 12 }, { kind: 'withheld' }, null],
        ['Cost of living', { kind: 'count', value: 9 }, { kind: 'fewer-than-5' }, null],
        ['Anti-social behaviour', { kind: 'count', value: 14 }, { kind: 'count', value: 15 }, -1],
      ],
    );
    assert.deepEqual([d.raised.total.current, d.raised.total.previous, d.raised.total.change], [{ kind: 'count', value: 35 }, { kind: 'count', value: 27 }, 8]);
    assert.equal(d.previousLabel, 'the week before');
    assert.equal(d.anyHidden, true);
  });

  it('when ASB is broken down, then types are protected and places below 5 fold into "other places"', () => {
    const d = digestOf(busyWeek);
    assert.deepEqual(d.asbTypes?.map((t) => t.count), [
      { kind: 'withheld' }, { kind: 'withheld' }, { kind: 'fewer-than-5' }, { kind: 'count', value: 0 }, { kind: 'count', value: 0 }, { kind: 'count', value: 0 },
    ]);
    // Moorgate Road (2) and the unrecognised one (1) make "other" 3, which could be worked out, so the smallest named
    // place (the sector, 5) is folded in too.
    assert.deepEqual(d.asbPlaces, { named: [{ label: 'Clifton Park', count: 6 }], other: 8 });
  });

  it('when there are too few ASB reports to break down, then there is no breakdown at all', () => {
    const d = digestOf(tally({ raised: { befriending: 10, 'cost-of-living': 10, asb: 3 }, asbTypes: { noise: 3, vandalism: 0, drugs: 0, intimidation: 0, vehicles: 0, other: 0 }, asbPlaces: { 'place:Clifton Park': 3 } }));
    assert.equal(d.asbTypes, null);
    assert.equal(d.asbPlaces, null);
    assert.doesNotMatch(renderDigest(d).html, /Clifton Park/);
  });

  it('when referrals were picked up, then the median time is given only for 5 or more', () => {
    assert.equal(digestOf(busyWeek).pickup.medianMinutes, 90);
    assert.equal(digestOf(tally({ raised: { befriending: 6, 'cost-of-living': 0, asb: 0 }, pickupMinutes: [[5, 4]] })).pickup.medianMinutes, null);
    assert.deepEqual([medianOf([[10, 1], [20, 1]]), medianOf([[10, 2], [20, 1]]), medianOf([])], [15, 10, null]);
    assert.deepEqual([formatDuration(45), formatDuration(200), formatDuration(60 * 50)], ['45 minutes', '3 hours 20 minutes', '2 days 2 hours']);
  });

  it('when rendered as HTML, then it is an accessible email: one h1, captioned tables, scoped headers, no images', () => {
    const { html, subject } = renderDigest(digestOf(busyWeek, weekBefore, 7));
    assertBalanced(html);
    assert.match(html, /^<!DOCTYPE html><html lang="en-GB">/);
    assert.equal(html.match(/<h1[ >]/g)?.length, 1);
    assert.ok((html.match(/<h2[ >]/g)?.length ?? 0) >= 6);
    const tables = html.match(/<table>[\s\S]*?<\/table>/g) ?? [];
    assert.ok(tables.length >= 6);
    for (const table of tables) assert.match(table, /^<table><caption>[^<]+<\/caption>/);
    for (const th of html.match(/<th[ >]/g) ?? []) assert.equal(th, '<th ');
    assert.equal((html.match(/<th scope="(row|col)"/g) ?? []).length, (html.match(/<th /g) ?? []).length);
    assert.doesNotMatch(html, /<img|background-image|url\(/i);
    assert.match(html, /<span class="bar" aria-hidden="true">█+<\/span> 12/);
    assert.ok(html.includes(`<title>${subject}</title>`));
    assert.match(html, /fewer than 5/);
    assert.match(html, /Across Rotherham, 7 referrals raised in this period could not be placed in a ward/);
  });

  it('when council data contains markup, then it is escaped', () => {
    const d = buildWardDigest({ profile, area: { code: 'E05012996', name: '<script>alert(1)</script>' }, period: WEEK, current: busyWeek, previous: undefined, unknownWardCount: 0, places });
    const { html } = renderDigest(d);
    assert.doesNotMatch(html, /<script>/);
    assert.match(html, /&lt;script&gt;/);
  });

  it('when rendered as plain text, then the same content has a bar chart drawn in characters', () => {
    const { text } = renderDigest(digestOf(busyWeek, weekBefore));
    assert.match(text, /^Befriending \(loneliness\) +12 +#{20,}$/m);
    assert.match(text, /^Cost of living +9 +#{10,}$/m);
    assert.match(text, /^Anti-social behaviour +14 +15 +down 1$/m);
    assert.match(text, /^Cost of living +9 +fewer than 5 +not shown$/m);
    assert.match(text, /^Clifton Park +6$/m);
    assert.match(text, /^Other places, or place not recognised +8$/m);
    assert.match(text, /Half of the referrals picked up were picked up within 1 hour 30 minutes/);
  });

  it('when rendered as a text message, then it fits two GSM-7 texts for every ward, however big the numbers', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...profile.wards),
        fc.array(fc.nat({ max: 99_999 }), { minLength: 6, maxLength: 6 }),
        fc.nat({ max: 100_000 }),
        (ward, [a, b, c, d, e, f], minutes) => {
          const current = tally({ raised: { befriending: a ?? 0, 'cost-of-living': b ?? 0, asb: c ?? 0 }, pickupMinutes: [[minutes, 10]] });
          const previous = tally({ raised: { befriending: d ?? 0, 'cost-of-living': e ?? 0, asb: f ?? 0 } });
          const sms = renderSms(buildWardDigest({ profile, area: ward, period: WEEK, current, previous, unknownWardCount: 0, places }));
          const segments = countSegments(sms);
          assert.equal(segments.encoding, 'GSM-7', sms);
          assert.ok(segments.units <= SMS_MAX, `${segments.units}: ${sms}`);
          assert.match(sms, new RegExp(ward.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
        },
      ),
      { numRuns: 200, seed: 7 },
    );
    assert.equal(
      renderSms(digestOf(busyWeek, weekBefore)),
      'Rotherham community hub digest, Boston Castle, 16 to 22 November 2026: befriending 12, cost of living 9, ASB 14 (-1). Median pick-up 1 hour 30 minutes. Changes are against the week before. Hub: 0114 496 0000',
    );
  });

  it('when the renderer is read, then it depends on the digest structure only, never on referrals or the store', () => {
    for (const file of ['render.ts', 'build.ts', 'suppression.ts']) {
      const source = readFileSync(path.join(__dirname, '..', 'services', 'digests', file), 'utf8');
      const imports = [...source.matchAll(/^import[^;]+from '([^']+)'/gm)].map((m) => m[1]);
      assert.ok(!imports.some((i) => /store|tally|service/.test(i ?? '')), `${file} imports ${imports.join(', ')}`);
      assert.doesNotMatch(source, /\bReferral\b(?!Kind)/, `${file} mentions the Referral type`);
    }
  });
});
