/**
 * The safeguarding check as a council runs it: the phrase book in force comes from the council profile (reviewable
 * by its safeguarding lead), sentiment only ever supports a weaker phrase, and staff alerts never reach the turn.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { CouncilProfileError, DEFAULT_COUNCILS_DIR, loadCouncilProfile } from '../services/council/loadProfile';
import type { SentimentResult } from '../services/language/types';
import { SafeguardingAlertFeed, type SafeguardingAlert } from '../services/safeguarding/alerts';
import { createSafeguardingDetector } from '../services/safeguarding/detector';
import { defaultPhrases } from '../services/safeguarding/phrases';
import { isDismissal } from '../services/safeguarding/followUp';
import { SENTIMENT_SIGNAL_ID, sentimentConfirmsRisk, withSentiment } from '../services/safeguarding/signals';
import { safeguardingTable } from './support/safeguardingTable';

function sentiment(negative: number, options: { source?: 'azure' | 'local'; negativeTarget?: boolean } = {}): SentimentResult {
  return {
    label: negative > 0.5 ? 'negative' : 'neutral',
    scores: { positive: 0.01, neutral: 1 - negative - 0.01, negative },
    sentences: [
      {
        label: negative > 0.5 ? 'negative' : 'neutral',
        scores: { positive: 0.01, neutral: 1 - negative - 0.01, negative },
        offset: 0,
        length: 10,
        opinions: options.negativeTarget
          ? [{ target: { text: 'noise', sentiment: 'negative' }, assessments: [{ text: 'unbearable', sentiment: 'negative', negated: false }] }]
          : [],
      },
    ],
    source: options.source ?? 'azure',
  };
}

describe('safeguarding workflow', () => {
  describe('the phrase book in the council profile', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'councils-'));
      cpSync(path.join(DEFAULT_COUNCILS_DIR, 'rotherham'), path.join(dir, 'rotherham'), { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const writeBook = (book: Record<string, unknown>): void => {
      writeFileSync(path.join(dir, 'rotherham', 'safeguarding.json'), JSON.stringify({ reviewedBy: 'A. Lead, Safeguarding', reviewedOn: '2026-11-20', ...book }));
    };
    const load = () => loadCouncilProfile('rotherham', { councilsDir: dir });

    it("Rotherham's book in force holds the labelled table's figures, and says it is not yet reviewed", () => {
      const profile = loadCouncilProfile('rotherham');
      assert.equal(profile.safeguarding.reviewedBy, null);
      const detector = createSafeguardingDetector(profile.safeguarding.phrases);
      const crisis = safeguardingTable.filter((r) => r.expect !== 'none');
      const benign = safeguardingTable.filter((r) => r.expect === 'none');
      const found = crisis.filter((r) => detector.assess(r.text).categories.includes(r.expect as 'danger')).length;
      const fired = benign.filter((r) => detector.assess(r.text).categories.length > 0).length;
      assert.ok(found / crisis.length >= 0.95, `recall ${found}/${crisis.length}`);
      assert.ok(fired / benign.length <= 0.05, `false positives ${fired}/${benign.length}`);
    });

    it('when a council adds a phrase, it fires, and the review is recorded', () => {
      // The River Don runs through Rotherham: a local way of saying it that the shipped book does not know.
      const text = 'thinking of walking into the don';
      assert.deepEqual(createSafeguardingDetector(load().safeguarding.phrases).assess(text).categories, []);
      writeBook({ phrases: [{ id: 'sh.rotherham.river-don', category: 'suicide-self-harm', patterns: ['(walk|walking|jump|jumping|throw {self}) (into|in|off) the (river )?don'] }] });
      const profile = load();
      assert.deepEqual(createSafeguardingDetector(profile.safeguarding.phrases).assess(text).matched, ['sh.rotherham.river-don']);
      assert.equal(profile.safeguarding.reviewedBy, 'A. Lead, Safeguarding');
      assert.deepEqual(profile.safeguarding.changes.added, ['sh.rotherham.river-don']);
    });

    it('when a council replaces or retires a shipped entry by id, the shipped patterns stop applying', () => {
      writeBook({
        phrases: [{ id: 'danger.gas', category: 'danger', patterns: ['gas escape'] }],
        retired: [{ id: 'idiom.killing-me', reason: 'Reviewed 2026: we would rather over-alert on this one.' }],
      });
      const detector = createSafeguardingDetector(load().safeguarding.phrases);
      assert.deepEqual(detector.assess('I can smell gas').categories, []);
      assert.deepEqual(detector.assess('there is a gas escape').categories, ['danger']);
      assert.ok(!load().safeguarding.phrases.idioms.some((i) => i.id === 'idiom.killing-me'));
    });

    for (const [what, book, problem] of [
      ['a pattern that is not a regular expression', { phrases: [{ id: 'sh.x', category: 'suicide-self-harm', patterns: ['kill (myself'] }] }, /sh\.x is not a valid regular expression/],
      ['a retired id that does not exist', { retired: [{ id: 'sh.no-such-thing', reason: 'typo' }] }, /sh\.no-such-thing is not in the shipped phrase book/],
      ['a retirement without a reason', { retired: [{ id: 'sh.suicide', reason: '' }] }, /retired\[0\]\.reason: must say why/],
      ['a danger phrase with a self-harm id', { phrases: [{ id: 'sh.fire', category: 'danger', patterns: ['flames'] }] }, /sh\.fire should start with "danger\."/],
      ['no review fields at all', { reviewedBy: undefined }, /reviewedBy/],
    ] as const) {
      it(`when the file has ${what}, the profile fails to load and names safeguarding.json`, () => {
        writeBook(book);
        assert.throws(load, (err: unknown) => {
          assert.ok(err instanceof CouncilProfileError);
          assert.ok(err.problems.some((p) => p.includes('safeguarding.json') && problem.test(p)), err.problems.join('\n'));
          return true;
        });
      });
    }
  });

  describe('sentiment as a supporting signal', () => {
    const detector = createSafeguardingDetector(defaultPhrases);

    it('a supporting phrase alone never fires', () => {
      for (const text of ["I can't cope anymore", "I've had enough", 'I feel so hopeless', "I can't take it anymore with the noise from upstairs"]) {
        const result = detector.assess(text);
        assert.deepEqual(result.categories, [], text);
        assert.ok((result.supporting ?? []).length > 0, `${text} should match a supporting phrase`);
      }
    });

    it('strongly negative sentiment from Azure turns a supporting phrase into a risk, recorded as such', () => {
      const result = withSentiment(detector.assess("I can't cope anymore, I feel hopeless"), sentiment(0.96));
      assert.deepEqual(result.categories, ['suicide-self-harm']);
      assert.ok(result.matched.includes('sh.support.cannot-cope'));
      assert.ok(result.matched.includes(SENTIMENT_SIGNAL_ID));
    });

    it('does not confirm when the negativity is aimed at something (opinion mining), mild, or from the local analyser', () => {
      assert.equal(sentimentConfirmsRisk(sentiment(0.96, { negativeTarget: true })), false);
      assert.equal(sentimentConfirmsRisk(sentiment(0.7)), false);
      assert.equal(sentimentConfirmsRisk(sentiment(0.96, { source: 'local' })), false);
      assert.equal(sentimentConfirmsRisk({ label: 'unknown', scores: null, sentences: [], source: 'local' }), false);
      assert.equal(sentimentConfirmsRisk(undefined), false);
    });

    it('sentiment on its own, with no phrase, never raises a risk', () => {
      const result = withSentiment(detector.assess('the bins were not collected again, absolutely disgusting'), sentiment(0.99));
      assert.deepEqual(result.categories, []);
    });
  });

  describe('recognising a brush-off after a risk', () => {
    it('takes "no", "I\'m fine" and their text-speak for a brush-off', () => {
      for (const text of ['no', 'Nah', "I'm fine", 'im ok thanks', 'honestly im fine', "it's nothing", 'forget it', 'just joking', 'ignore me', 'dont worry']) {
        assert.equal(isDismissal(text), true, text);
      }
    });

    it('does not take answers, requests or new information for one', () => {
      for (const text of ['yes', 'text', 'I feel lonely', 'no I want to report the noise', 'Park Road', "I'm not fine at all", '']) {
        assert.equal(isDismissal(text), false, text);
      }
    });
  });

  describe('staff alerts', () => {
    const alert: SafeguardingAlert = { conversationId: 'c1', channel: 'webchat', categories: ['danger'], matched: ['danger.weapon'], at: '2026-11-16T10:00:00.000Z' };

    it('every subscriber gets each alert, the latest are kept, and unsubscribing stops delivery', () => {
      const feed = new SafeguardingAlertFeed(pino({ level: 'silent' }));
      const got: SafeguardingAlert[] = [];
      const stop = feed.subscribe((a) => {
        got.push(a);
      });
      feed.onRisk(alert);
      stop();
      feed.onRisk({ ...alert, conversationId: 'c2' });
      assert.deepEqual(got.map((a) => a.conversationId), ['c1']);
      assert.deepEqual(feed.recent().map((a) => a.conversationId), ['c2', 'c1']);
    });

    it('a subscriber that throws or rejects never breaks the resident\'s turn', async () => {
      const feed = new SafeguardingAlertFeed(pino({ level: 'silent' }));
      feed.subscribe(() => {
        throw new Error('console down');
      });
      feed.subscribe(async () => {
        throw new Error('console down');
      });
      assert.doesNotThrow(() => feed.onRisk(alert));
      await new Promise((resolve) => setImmediate(resolve));
    });
  });
});
