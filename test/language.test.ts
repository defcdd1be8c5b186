/**
 * Language services: the local analyser on its own, the real Azure SDK against a local stand-in for Azure AI
 * Language (each analysis, document errors, 401, timeouts), and the resilient wrapper that falls back to the local
 * analyser and counts why.
 */
import assert from 'node:assert/strict';
import { ManualClock } from '../services/clock';
import { AzureAnalyser, LanguageServiceError, MAX_DOCUMENT_CHARS, isLoopbackHttp, splitForAzure } from '../services/language/azureAnalyser';
import { CircuitBreaker } from '../services/language/circuitBreaker';
import { createLanguageServices } from '../services/language';
import { toAsciiDigits } from '../services/language/digits';
import { REPLY_LANGUAGES, worthDetecting } from '../services/language/languages';
import { LocalAnalyser } from '../services/language/localAnalyser';
import { LanguageCounters } from '../services/language/metrics';
import { ResilientAnalyser } from '../services/language/resilientAnalyser';
import { createLogger, type Logger } from '../services/logger';
import { AzureLanguageStandIn, STAND_IN_KEY } from './support/azureLanguageStandIn';
import { languageSamples, shortEnglish } from './support/languageSamples';
import { safeguardingTable } from './support/safeguardingTable';
import { captureLogs } from './support/logCapture';


/** The tests' fixed clock (the same Monday morning as test/support/testApp.ts, without booting a server). */
const TEST_NOW = '2026-11-16T10:00:00.000Z';

const englishMessages = [...new Set(safeguardingTable.map((row) => row.text))];

describe('language services', () => {
  describe('local analyser', () => {
    const local = new LocalAnalyser();
    const figures: string[] = [];

    after(() => {
      process.stdout.write(`local language detection: ${figures.join('; ')}\n`);
    });

    it('recognises at least 85% of the sample messages in the seven reply languages, and at least 6 of 8 in each', async () => {
      let found = 0;
      let total = 0;
      const perLanguage: string[] = [];
      for (const language of REPLY_LANGUAGES) {
        const texts = languageSamples[language];
        const guesses = await local.detectLanguage(texts);
        const hits = guesses.filter((g) => g.code === language && g.reliable).length;
        perLanguage.push(`${language} ${hits}/${texts.length}`);
        assert.ok(hits >= 6, `${language}: ${hits} of ${texts.length}: ${JSON.stringify(guesses.map((g) => g.code))}`);
        found += hits;
        total += texts.length;
      }
      figures.push(`reply languages found ${found}/${total} (${perLanguage.join(', ')})`);
      assert.ok(found / total >= 0.85, `${found} of ${total}`);
    });

    it('never reads an English message from the safeguarding table as another language', async () => {
      const guesses = await local.detectLanguage(englishMessages);
      const misread = englishMessages.filter((_, i) => guesses[i]?.reliable && guesses[i]?.code !== 'en');
      figures.push(`English messages read as another language ${misread.length}/${englishMessages.length}`);
      assert.deepEqual(misread, []);
    });

    it('says nothing reliable about short replies, numbers, postcodes and names', async () => {
      const guesses = await local.detectLanguage(shortEnglish);
      shortEnglish.forEach((text, i) => {
        assert.equal(guesses[i]?.reliable, false, JSON.stringify(text));
        assert.equal(worthDetecting(text), false, JSON.stringify(text));
      });
    });

    it('reads phone numbers typed in Arabic, Urdu, Devanagari or Gurmukhi digits', () => {
      assert.equal(toAsciiDigits('٠٧٧٠٠ ٩٠٠١٢٣'), '07700 900123');
      assert.equal(toAsciiDigits('۰۷۷۰۰ ۹۰۰۱۲۳'), '07700 900123');
      assert.equal(toAsciiDigits('०७७०० ९००१२३'), '07700 900123');
      assert.equal(toAsciiDigits('੦੭੭੦੦ ੯੦੦੧੨੩'), '07700 900123');
    });

    it('reports sentiment as unknown rather than guessing', async () => {
      const [result] = await local.sentiment(['I feel hopeless and I cannot cope']);
      assert.deepEqual(result, { label: 'unknown', scores: null, sentences: [], source: 'local' });
    });

    it('finds personal data by the UK patterns, as entities and as redacted text', async () => {
      const text = 'Jo Bloggs, 07700 900123, S60 1AE';
      const [pii] = await local.pii([text]);
      assert.equal(pii?.redactedText, 'Jo Bloggs, [phone], [postcode]');
      assert.deepEqual(pii?.entities.map((e) => [e.category, e.offset, e.length]), [['UKPhoneNumber', 11, 12], ['UKPostcode', 25, 7]]);
      const [entities] = await local.entities([text]);
      assert.deepEqual(entities?.entities.map((e) => e.text), ['07700 900123', 'S60 1AE']);
    });
  });

  describe('Azure analyser, real SDK against the stand-in', () => {
    let standIn: AzureLanguageStandIn;
    let counters: LanguageCounters;
    let log: ReturnType<typeof captureLogs>;
    let azure: AzureAnalyser;

    beforeEach(async () => {
      standIn = await new AzureLanguageStandIn().start();
      counters = new LanguageCounters();
      log = captureLogs();
      azure = new AzureAnalyser({ endpoint: standIn.url, key: STAND_IN_KEY, timeoutMs: 2000, logger: log.logger, metrics: counters });
    });
    afterEach(async () => {
      await standIn.stop();
    });

    it('detects languages, and trusts Azure only on texts long enough to judge', async () => {
      const guesses = await azure.detectLanguage([languageSamples.pl[0] ?? '', languageSamples.ur[0] ?? '', 'yes', 'I need help with the cost of living please']);
      assert.deepEqual(guesses.map((g) => [g.code, g.reliable, g.source]), [
        ['pl', true, 'azure'],
        ['ur', true, 'azure'],
        ['en', false, 'azure'],
        ['en', true, 'azure'],
      ]);
      const [request] = standIn.requestsFor('LanguageDetection');
      assert.equal(request?.apiVersion, '2023-04-01');
      assert.equal(request?.documents, 4);
    });

    it('sends language detection and sentiment no UK personal details: they are not needed for either', async () => {
      const text = 'Dzień dobry, potrzebuję pomocy, mój numer 07700 900123, kod S60 1AE, jo@example.org';
      const [guess] = await azure.detectLanguage([text]);
      const [feeling] = await azure.sentiment([text]);
      assert.equal(guess?.code, 'pl');
      assert.equal(feeling?.source, 'azure');
      const sent = standIn.requests.flatMap((r) => r.texts).join('\n');
      assert.doesNotMatch(sent, /07700|S60 1AE|jo@example/);
      assert.match(standIn.requestsFor('SentimentAnalysis')[0]?.texts[0] ?? '', /\[phone\]/);
    });

    it('returns sentiment with mined opinions', async () => {
      const [result] = await azure.sentiment(['The noise is unbearable. I cannot sleep']);
      assert.equal(result?.source, 'azure');
      assert.equal(result?.label, 'negative');
      assert.ok((result?.scores?.negative ?? 0) > 0.9);
      const opinion = result?.sentences[0]?.opinions[0];
      assert.deepEqual(opinion, { target: { text: 'noise', sentiment: 'negative' }, assessments: [{ text: 'unbearable', sentiment: 'negative', negated: false }] });
      assert.equal(standIn.requestsFor('SentimentAnalysis')[0]?.parameters.opinionMining, true);
    });

    it('recognises entities with their offsets', async () => {
      const [result] = await azure.entities(['Hello, my name is Jo Bloggs and I live in Rotherham']);
      assert.deepEqual(result?.entities.map((e) => [e.category, e.text, e.offset]), [['Person', 'Jo Bloggs', 18], ['Location', 'Rotherham', 42]]);
    });

    it('merges Azure PII (names) with our UK patterns (numbers, postcodes), ignoring dates and organisations', async () => {
      const text = 'my name is Jo Bloggs, call 07700 900123 or jo@example.org, S60 1AE. Rotherham Council came yesterday';
      const [result] = await azure.pii([text]);
      assert.equal(result?.source, 'azure');
      assert.equal(result?.redactedText, 'my name is [name], call [phone] or [email], [postcode]. Rotherham Council came yesterday');
      assert.deepEqual(result?.entities.map((e) => [e.kind, e.from]), [
        ['name', 'azure'],
        ['phone', 'uk-patterns'],
        ['email', 'uk-patterns'],
        ['postcode', 'uk-patterns'],
      ]);
    });

    it('keeps every request within the per-request document limits', async () => {
      const texts = Array.from({ length: 23 }, (_, i) => `Message number ${i} about the bins. I am Jo Smith.`);
      await azure.pii(texts);
      const piiBatches = standIn.requestsFor('PiiEntityRecognition').map((r) => r.documents);
      await azure.sentiment(texts);
      await azure.entities(texts);
      await azure.detectLanguage(texts);
      // Batches go out a few at a time, so they may arrive in any order.
      assert.deepEqual([...piiBatches].sort(), [3, 5, 5, 5, 5]);
      assert.deepEqual(standIn.requestsFor('SentimentAnalysis').map((r) => r.documents).sort(), [10, 10, 3].sort());
      assert.ok(standIn.requestsFor('EntityRecognition').every((r) => r.documents <= 5));
      assert.deepEqual(standIn.requestsFor('LanguageDetection').map((r) => r.documents), [23]);
      assert.equal(counters.fallbackCount(), 0);
    });

    it('splits a text longer than 5,120 characters so all of it is read, with offsets into the whole text', async () => {
      const filler = 'The bins on our street have not been collected for weeks now. ';
      const text = `${filler.repeat(90)}my name is Jo Bloggs ${filler.repeat(90)}S60 1AE`;
      assert.ok(text.length > 2 * MAX_DOCUMENT_CHARS);
      const [result] = await azure.pii([text]);
      assert.equal(result?.source, 'azure');
      const requests = standIn.requestsFor('PiiEntityRecognition');
      assert.equal(requests[0]?.documents, 3);
      assert.ok(requests.every((r) => r.longest <= MAX_DOCUMENT_CHARS));
      assert.ok(result?.redactedText.includes('my name is [name] The bins'));
      assert.ok(result?.redactedText.endsWith('[postcode]'));
      const name = result?.entities.find((e) => e.kind === 'name');
      assert.equal(text.slice(name?.offset, (name?.offset ?? 0) + (name?.length ?? 0)), 'Jo Bloggs');
      const [detected] = await azure.detectLanguage([text]);
      assert.equal(detected?.code, 'en');
      assert.equal(standIn.requestsFor('LanguageDetection')[0]?.longest, MAX_DOCUMENT_CHARS);
    });

    it('answers a document Azure refuses from the local analyser, counts it and logs only the error code', async () => {
      standIn.refuseDocument = (text) => text.includes('refuse me');
      const [refused, accepted] = await azure.pii(['please refuse me: 07700 900123, my name is Jo Bloggs', 'my name is Sam Smith']);
      assert.equal(refused?.source, 'local');
      assert.equal(refused?.redactedText, 'please refuse me: [phone], my name is Jo Bloggs');
      assert.equal(accepted?.source, 'azure');
      assert.equal(accepted?.redactedText, 'my name is [name]');
      assert.equal(counters.fallbackCount({ operation: 'pii', reason: 'document-error' }), 1);
      assert.match(log.output(), /InvalidDocument/);
      assert.doesNotMatch(log.output(), /refuse me|Jo Bloggs|07700/);
    });

    it('turns a 401 into an authentication failure that carries no part of the request', async () => {
      const wrongKey = new AzureAnalyser({ endpoint: standIn.url, key: 'wrong', timeoutMs: 2000, logger: log.logger });
      await assert.rejects(wrongKey.sentiment(['I feel hopeless']), (err: unknown) => {
        assert.ok(err instanceof LanguageServiceError);
        assert.equal(err.reason, 'auth');
        assert.equal(err.statusCode, 401);
        assert.doesNotMatch(JSON.stringify({ ...err, message: err.message }), /hopeless|wrong/);
        return true;
      });
    });

    it('gives up on a request that takes longer than its timeout', async () => {
      standIn.mode = 'stall';
      const quick = new AzureAnalyser({ endpoint: standIn.url, key: STAND_IN_KEY, timeoutMs: 150, logger: log.logger });
      const started = Date.now();
      await assert.rejects(quick.detectLanguage(['Dzień dobry, potrzebuję pomocy z rachunkami']), (err: unknown) => err instanceof LanguageServiceError && err.reason === 'timeout');
      assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
    });

    it('allows plain http only for a server on this machine', () => {
      assert.equal(isLoopbackHttp('http://127.0.0.1:5000'), true);
      assert.equal(isLoopbackHttp('http://localhost:5000/'), true);
      assert.equal(isLoopbackHttp('http://language.example.org'), false);
      assert.equal(isLoopbackHttp('https://my-resource.cognitiveservices.azure.com'), false);
    });

    it('splits long text at spaces and never inside a surrogate pair', () => {
      const emoji = '😀'.repeat(3000);
      const pieces = splitForAzure(emoji);
      assert.equal(pieces.map((p) => p.text).join(''), emoji);
      assert.ok(pieces.every((p) => p.text.length <= MAX_DOCUMENT_CHARS && !/^[\uDC00-\uDFFF]/.test(p.text)));
      const words = 'word '.repeat(2000);
      assert.ok(splitForAzure(words).every((p) => p.text.endsWith(' ') || p.offset + p.text.length === words.length));
    });
  });

  describe('resilient analyser: Azure first, the local analyser when Azure fails or is slow', () => {
    let standIn: AzureLanguageStandIn;
    let clock: ManualClock;
    let counters: LanguageCounters;
    let log: ReturnType<typeof captureLogs>;

    function build(options: { key?: string; timeoutMs?: number } = {}): { analyser: ResilientAnalyser; breaker: CircuitBreaker } {
      const breaker = new CircuitBreaker({ clock, failureThreshold: 3, cooldownMs: 30_000, onStateChange: (s) => counters.onCircuitChange(s) });
      const azure = new AzureAnalyser({ endpoint: standIn.url, key: options.key ?? STAND_IN_KEY, timeoutMs: options.timeoutMs ?? 2000, logger: log.logger, metrics: counters });
      const analyser = new ResilientAnalyser({ primary: azure, fallback: new LocalAnalyser(), breaker, timeoutMs: options.timeoutMs ?? 2000, metrics: counters, logger: log.logger });
      return { analyser, breaker };
    }

    beforeEach(async () => {
      standIn = await new AzureLanguageStandIn().start();
      clock = new ManualClock(TEST_NOW);
      counters = new LanguageCounters();
      log = captureLogs();
    });
    afterEach(async () => {
      await standIn.stop();
    });

    it('when Azure answers, its answer is used and nothing is counted', async () => {
      const { analyser } = build();
      const [pii] = await analyser.pii(['my name is Jo Bloggs']);
      assert.equal(pii?.source, 'azure');
      assert.equal(counters.fallbackCount(), 0);
    });

    it('when Azure stalls, the local analyser answers within the deadline and the timeout is counted', async () => {
      standIn.mode = 'stall';
      const { analyser } = build({ timeoutMs: 200 });
      const started = Date.now();
      const [guess] = await analyser.detectLanguage([languageSamples.pl[0] ?? '']);
      const took = Date.now() - started;
      assert.equal(guess?.source, 'local');
      assert.equal(guess?.code, 'pl');
      assert.ok(took < 1000, `took ${took} ms`);
      assert.equal(counters.fallbackCount({ operation: 'detectLanguage', reason: 'timeout' }), 1);
    });

    it('when the key is refused, it falls back at once, opens the circuit and stops calling Azure until the cool-down ends', async () => {
      const { analyser, breaker } = build({ key: 'not-the-key' });
      const [first] = await analyser.sentiment(['I feel hopeless']);
      assert.equal(first?.source, 'local');
      assert.equal(breaker.state, 'open');
      assert.equal(counters.fallbackCount({ reason: 'auth' }), 1);
      const calls = standIn.requests.length;
      await analyser.sentiment(['I feel hopeless']);
      await analyser.pii(['S60 1AE']);
      assert.equal(standIn.requests.length, calls, 'no calls while the circuit is open');
      assert.equal(counters.fallbackCount({ reason: 'circuit-open' }), 2);
      assert.match(log.output(), /AZURE_LANGUAGE_KEY/);
      assert.doesNotMatch(log.output(), /hopeless|not-the-key/);
    });

    it('after the cool-down, one trial call goes to Azure and a success closes the circuit', async () => {
      standIn.mode = 'fail';
      const { analyser, breaker } = build();
      for (let i = 0; i < 3; i += 1) await analyser.entities(['my name is Jo Bloggs']);
      assert.equal(breaker.state, 'open');
      assert.equal(counters.fallbackCount({ reason: 'error' }), 3);
      standIn.mode = 'ok';
      clock.advance(29_000);
      assert.equal((await analyser.entities(['my name is Jo Bloggs']))[0]?.source, 'local');
      clock.advance(1_000);
      const [result] = await analyser.entities(['my name is Jo Bloggs']);
      assert.equal(result?.source, 'azure');
      assert.equal(breaker.state, 'closed');
      assert.equal(counters.circuit, 'closed');
    });

    it('when the caller gives up during the trial call, the circuit can still close later', async () => {
      standIn.mode = 'fail';
      const { analyser, breaker } = build();
      for (let i = 0; i < 3; i += 1) await analyser.pii(['S60 1AE']);
      clock.advance(30_000);
      standIn.mode = 'stall';
      const controller = new AbortController();
      const abandoned = analyser.pii(['S60 1AE'], { signal: controller.signal });
      controller.abort();
      await assert.rejects(abandoned);
      standIn.mode = 'ok';
      const [result] = await analyser.pii(['my name is Jo Bloggs']);
      assert.equal(result?.source, 'azure');
      assert.equal(breaker.state, 'closed');
    });

    it('when Azure answers with a body the SDK cannot read, the local analyser answers', async () => {
      standIn.mode = 'garbage';
      const { analyser } = build();
      const [result] = await analyser.sentiment(['The noise is unbearable']);
      assert.equal(result?.source, 'local');
      assert.equal(counters.fallbackCount({ operation: 'sentiment', reason: 'error' }), 1);
    });

    it('never logs a resident\'s words, whatever fails', async () => {
      const words = 'my name is Jo Bloggs and I feel hopeless at S60 1AE';
      for (const mode of ['fail', 'garbage', 'stall'] as const) {
        standIn.mode = mode;
        const { analyser } = build({ timeoutMs: 150 });
        await analyser.pii([words]);
        await analyser.sentiment([words]);
      }
      assert.ok(counters.fallbackCount() >= 4);
      assert.doesNotMatch(log.output(), /Jo Bloggs|hopeless|S60 1AE/);
    });
  });

  describe('choosing the analyser from configuration', () => {
    it('uses the local analyser when no endpoint or key is set, and Azure behind the fall-back when both are', () => {
      const deps = { clock: new ManualClock(TEST_NOW), logger: createLogger({ level: 'silent' }) };
      assert.equal(createLanguageServices({ timeoutMs: 1500 }, deps).mode, 'local');
      assert.equal(createLanguageServices({ endpoint: 'https://x.cognitiveservices.azure.com', timeoutMs: 1500 }, deps).analyser.kind, 'local');
      const azure = createLanguageServices({ endpoint: 'https://x.cognitiveservices.azure.com', key: 'k', timeoutMs: 1500 }, deps);
      assert.equal(azure.mode, 'azure');
      assert.equal(azure.analyser.kind, 'resilient');
    });
  });
});
