import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createSafeguardingDetector, normaliseForSafeguarding } from '../services/safeguarding/detector';
import { defaultPhrases, type SafeguardingPhraseBook } from '../services/safeguarding/phrases';
import type { RiskAssessment } from '../services/safeguarding/types';
import { safeguardingTable, type SafeguardingRow } from './support/safeguardingTable';

const detector = createSafeguardingDetector();

interface Scored {
  row: SafeguardingRow;
  result: RiskAssessment;
}

const scored: Scored[] = safeguardingTable.map((row) => ({ row, result: detector.assess(row.text) }));
const crisis = scored.filter(({ row }) => row.expect !== 'none');
const benign = scored.filter(({ row }) => row.expect === 'none');

/** A crisis row is found when its category is among those returned. */
const found = ({ row, result }: Scored): boolean => row.expect !== 'none' && result.categories.includes(row.expect);
/** The label a caller acts on: the first category, or none. */
const firstLabel = ({ result }: Scored): string => result.categories[0] ?? 'none';

const ratio = (part: number, whole: number): number => (whole === 0 ? 1 : part / whole);
const recall = ratio(crisis.filter(found).length, crisis.length);
const falsePositiveRate = ratio(benign.filter(({ result }) => result.categories.length > 0).length, benign.length);
const categoryAccuracy = ratio(scored.filter((s) => firstLabel(s) === s.row.expect).length, scored.length);

const describeRows = (rows: Scored[]): string =>
  rows.map(({ row, result }) => `  ${JSON.stringify(row.text)} → [${result.categories.join(', ')}] ${result.matched.join(' ')}`).join('\n');

describe('safeguarding check', () => {
  after(() => {
    process.stdout.write(
      `safeguarding table: ${scored.length} messages, recall ${recall.toFixed(3)}, ` +
        `false-positive rate ${falsePositiveRate.toFixed(3)}, category accuracy ${categoryAccuracy.toFixed(3)}\n`,
    );
  });

  describe('the labelled table', () => {
    it('has at least 170 distinct messages, each labelled', () => {
      const texts = safeguardingTable.map((row) => row.text);
      assert.ok(texts.length >= 170, `only ${texts.length} rows`);
      assert.equal(new Set(texts).size, texts.length, 'duplicate messages in the table');
    });

    for (const category of ['suicide-self-harm', 'danger'] as const) {
      it(`finds at least 95% of ${category} messages`, () => {
        const rows = crisis.filter(({ row }) => row.expect === category);
        const missed = rows.filter((s) => !found(s));
        const categoryRecall = ratio(rows.length - missed.length, rows.length);
        assert.ok(categoryRecall >= 0.95, `recall ${categoryRecall.toFixed(3)}; missed:\n${describeRows(missed)}`);
      });
    }

    it('finds at least 95% of all crisis messages', () => {
      assert.ok(recall >= 0.95, `recall ${recall.toFixed(3)}; missed:\n${describeRows(crisis.filter((s) => !found(s)))}`);
    });

    it('stays quiet on at least 95% of benign messages', () => {
      const fired = benign.filter(({ result }) => result.categories.length > 0);
      assert.ok(falsePositiveRate <= 0.05, `false-positive rate ${falsePositiveRate.toFixed(3)}; fired on:\n${describeRows(fired)}`);
    });

    it('puts danger first for every danger message it finds', () => {
      const wrong = crisis.filter((s) => s.row.expect === 'danger' && found(s) && firstLabel(s) !== 'danger');
      assert.deepEqual(wrong.map(({ row }) => row.text), []);
    });

    it('never puts danger first on a suicide or self-harm message with no danger in it', () => {
      const wrong = crisis.filter((s) => s.row.expect === 'suicide-self-harm' && firstLabel(s) === 'danger');
      assert.deepEqual(wrong.map(({ row }) => row.text), [], describeRows(wrong));
    });
  });

  describe('normalisation', () => {
    it('expands text-speak, contractions and common misspellings', () => {
      assert.equal(normaliseForSafeguarding('im gonna kms rn'), 'i am going to kill myself right now');
      assert.equal(normaliseForSafeguarding('I don’t wanna b here'), 'i do not want to b here');
      assert.equal(normaliseForSafeguarding("can't, cant, can not"), 'cannot cannot cannot');
      assert.equal(normaliseForSafeguarding('u n ur mum pls'), 'you and your mum please');
      assert.equal(normaliseForSafeguarding('feeling SUICIDLE, sucide'), 'feeling suicidal suicide');
      assert.equal(normaliseForSafeguarding('Self-harm, selfharming'), 'self harm self harming');
      assert.equal(normaliseForSafeguarding('gonna OD on my tablets'), 'going to overdose on my pills');
      assert.equal(normaliseForSafeguarding('hang my self'), 'hang myself');
      assert.equal(normaliseForSafeguarding("my mum's going to, my neighbour's house"), 'my mum is going to my neighbours house');
    });

    it('drops punctuation and emoji and collapses whitespace', () => {
      assert.equal(normaliseForSafeguarding('  HELP!!!   he’s   here 😭😭 … '), 'help he is here');
      assert.equal(normaliseForSafeguarding('ｋｉｌｌ ｍｙｓｅｌｆ'), 'kill myself'); // full-width, folded by NFKC
    });
  });

  describe('idioms and negations', () => {
    it('does not let an idiom hide a real crisis phrase in the same message', () => {
      const result = detector.assess("I want to kill myself because the noise is killing me");
      assert.deepEqual(result.categories, ['suicide-self-harm']);
      assert.ok(result.matched.includes('sh.kill-myself'));
      assert.deepEqual(detector.assess('the noise is killing me').categories, []);
    });

    it('lets a clear denial cancel the phrase it denies', () => {
      assert.deepEqual(detector.assess("I'm not suicidal, I'm just lonely").categories, []);
      assert.deepEqual(detector.assess('i would never hurt myself').categories, []);
      assert.deepEqual(detector.assess('I am not going to kill myself').categories, []);
    });

    it('still fires on crisis phrases that are negative in form, and on risk after a denial', () => {
      for (const text of [
        "I don't want to live anymore",
        "can't go on",
        'no reason to live',
        "don't want to wake up",
        "I don't see the point in living",
        "I'm not suicidal but I've been cutting myself",
        "I can't promise I won't hurt myself",
      ]) {
        assert.deepEqual(detector.assess(text).categories, ['suicide-self-harm'], text);
      }
    });
  });

  describe('results', () => {
    it('puts danger first when both categories match, and lists the phrase ids', () => {
      const result = detector.assess("he's outside with a knife and I want to die");
      assert.deepEqual(result.categories, ['danger', 'suicide-self-harm']);
      assert.ok(result.matched.includes('danger.weapon'));
      assert.ok(result.matched.includes('sh.want-to-die'));
    });

    it('returns no categories for an empty, blank or emoji-only message', () => {
      for (const text of ['', '   ', '😭😭😭', '🔪', '...!!!']) {
        assert.deepEqual(detector.assess(text), { categories: [], matched: [] }, JSON.stringify(text));
      }
    });

    it('never throws, and keeps its shape, whatever the resident types', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
          const { categories, matched } = detector.assess(text);
          assert.ok(categories.every((c) => c === 'danger' || c === 'suicide-self-harm'));
          assert.ok(categories.length <= 2 && (categories.length < 2 || categories[0] === 'danger'));
          assert.equal(categories.length === 0, matched.length === 0);
        }),
      );
    });

    it('handles a 2,000-character message with the risk near the end', () => {
      const filler = 'The bins on our street have not been collected and the fly tipping is getting worse. ';
      const text = `${filler.repeat(24)}Honestly I want to end it all.`.slice(-2000);
      assert.equal(text.length, 2000);
      assert.deepEqual(detector.assess(text).categories, ['suicide-self-harm']);
      assert.deepEqual(detector.assess(filler.repeat(24).slice(0, 2000)).categories, []);
    });
  });

  describe('the phrase book', () => {
    it('names every phrase for its category, with unique ids', () => {
      const ids = defaultPhrases.phrases.map((phrase) => phrase.id);
      assert.equal(new Set(ids).size, ids.length);
      for (const phrase of defaultPhrases.phrases) {
        const prefix = phrase.category === 'danger' ? 'danger.' : 'sh.';
        assert.ok(phrase.id.startsWith(prefix), `${phrase.id} should start with ${prefix}`);
      }
    });

    it('fails fast on a phrase book with an unknown word list or a broken pattern', () => {
      const withPattern = (pattern: string): SafeguardingPhraseBook => ({
        ...defaultPhrases,
        phrases: [{ id: 'sh.test', category: 'suicide-self-harm', patterns: [pattern] }],
      });
      assert.throws(() => createSafeguardingDetector(withPattern('kill {nonsense}')), /unknown \{nonsense\}/);
      assert.throws(() => createSafeguardingDetector(withPattern('kill (myself')), /not a valid regular expression/);
    });
  });
});
