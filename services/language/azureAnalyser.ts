/**
 * Azure AI Language through the official SDK (@azure/ai-language-text, TextAnalysisClient with an API key).
 *
 * What this adds over calling `client.analyze` directly:
 * - Per-request limits. Azure refuses a request with more documents than an action allows (language detection
 *   1,000, sentiment 10, entities 5, PII 5) or a document longer than 5,120 characters. Texts are split at word
 *   boundaries into pieces within that size (for sentiment, entities and PII, so nothing in a long text goes
 *   unread) or cut (for language detection, where the start is enough), and pieces are sent in batches within the
 *   document limits, a few batches at a time.
 * - A timeout on every request (AbortSignal), besides the caller's own signal.
 * - Data minimisation: language detection is sent the text without its UK personal details, and sentiment the
 *   text with them replaced by tokens (sentence offsets refer to that text). Entities and PII need the text as it is.
 * - PII merged with our UK patterns: Azure's phone recogniser is documented for US and EU formats, and it finds
 *   names, which our patterns cannot.
 * - A document Azure refuses (an error in `results.errors`) gets the local analyser's answer instead of failing
 *   the batch; it is counted as a fall-back.
 * - Failures become a {@link LanguageServiceError} carrying only a reason and an HTTP status. The SDK's own errors
 *   can hold the request, and the request holds the resident's words, so they are never kept or logged.
 *
 * Retries are off: the resilient analyser answers from the local analyser at once instead, and its circuit breaker
 * decides when to try Azure again. A turn never waits for a retry.
 */
import type { TextAnalysisClient } from '@azure/ai-language-text';
import type { Logger } from '../logger';
import { findUkPii, redactSpans, redactUk, resolveOverlaps, type PiiKind, type PiiSpan } from '../pii/redact';
import { isLoopbackHttp } from './endpoint';
import { detectionText, normaliseLanguageCode, worthDetecting } from './languages';
import { detectLocally, entitiesLocally, toPiiEntity } from './localAnalyser';
import type {
  AnalyseOptions,
  EntityResult,
  LanguageAnalyser,
  LanguageGuess,
  LanguageMetrics,
  LanguageOperation,
  Opinion,
  PiiEntity,
  PiiResult,
  SentenceSentiment,
  SentimentLabel,
  SentimentResult,
  SentimentScores,
} from './types';

export { isLoopbackHttp } from './endpoint';

/** Documents per request, by action (Azure AI Language service limits, API version 2023-04-01). */
export const DOCUMENTS_PER_REQUEST: Readonly<Record<LanguageOperation, number>> = {
  detectLanguage: 1000,
  sentiment: 10,
  entities: 5,
  pii: 5,
};
/** Characters per document. Azure counts text elements; UTF-16 units are never fewer, so this is safe. */
export const MAX_DOCUMENT_CHARS = 5120;
/** Requests in flight at once for one call (a digest's worth of texts), so one caller cannot flood the service. */
const MAX_PARALLEL_REQUESTS = 4;
/** Azure's confidence below which we do not act on a detected language. */
const MIN_LANGUAGE_CONFIDENCE = 0.8;

export type LanguageFailure = 'timeout' | 'auth' | 'unavailable';

/** Why Azure did not answer, without anything of the request. */
export class LanguageServiceError extends Error {
  constructor(
    readonly reason: LanguageFailure,
    readonly statusCode: number | null = null,
  ) {
    super(`Azure AI Language ${reason === 'timeout' ? 'timed out' : reason === 'auth' ? 'refused the key' : 'failed'}${statusCode ? ` (HTTP ${statusCode})` : ''}`);
    this.name = 'LanguageServiceError';
  }
}

export interface AzureAnalyserOptions {
  /** e.g. https://my-resource.cognitiveservices.azure.com */
  endpoint: string;
  key: string;
  /** Per request. */
  timeoutMs: number;
  logger: Logger;
  metrics?: LanguageMetrics;
}

/** Pieces of at most `max` UTF-16 units, cut at whitespace where possible and never inside a surrogate pair. */
export function splitForAzure(text: string, max = MAX_DOCUMENT_CHARS): { text: string; offset: number }[] {
  if (text.length <= max) return [{ text, offset: 0 }];
  const pieces: { text: string; offset: number }[] = [];
  let offset = 0;
  while (offset < text.length) {
    let end = Math.min(text.length, offset + max);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end - 1);
      if (space > offset + max / 2) end = space + 1;
      else if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
    }
    pieces.push({ text: text.slice(offset, end), offset });
    offset = end;
  }
  return pieces;
}

/** The first `max` UTF-16 units, not ending inside a surrogate pair. */
export function truncateForAzure(text: string, max = MAX_DOCUMENT_CHARS): string {
  if (text.length <= max) return text;
  const cut = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, cut);
}

/** Azure PII categories and what we call them. Absent ones are ignored (see IGNORED_PII_CATEGORIES). */
const AZURE_PII_KIND: Readonly<Record<string, PiiKind>> = {
  Person: 'name',
  Email: 'email',
  PhoneNumber: 'phone',
  Address: 'address',
  UKNationalInsuranceNumber: 'ni-number',
  UKNationalHealthNumber: 'nhs-number',
};
/**
 * Too broad to redact in a resident's account of what happened: "last Tuesday" (DateTime), "my neighbour"
 * (PersonType), "the council" (Organization), "three kids" (Quantity). Dates of birth are our own pattern's job.
 */
const IGNORED_PII_CATEGORIES = new Set(['DateTime', 'PersonType', 'Organization', 'Quantity']);

interface Piece {
  id: string;
  /** Which input text it belongs to. */
  index: number;
  offset: number;
  text: string;
}

/** A PII span found by Azure, with Azure's own category name. */
type AzurePiiSpan = PiiSpan & { category: string };

type DocResult<T> = { ok: true; value: T } | { ok: false; code: string };

export class AzureAnalyser implements LanguageAnalyser {
  readonly kind = 'azure';
  private readonly client: TextAnalysisClient;

  constructor(private readonly options: AzureAnalyserOptions) {
    // The SDK (and Azure's HTTP pipeline under it) is loaded only when Azure is configured: a start on the local
    // analyser never pays for it.
    const { AzureKeyCredential, TextAnalysisClient } = require('@azure/ai-language-text') as typeof import('@azure/ai-language-text');
    this.client = new TextAnalysisClient(options.endpoint, new AzureKeyCredential(options.key), {
      allowInsecureConnection: isLoopbackHttp(options.endpoint),
      retryOptions: { maxRetries: 0 },
      defaultCountryHint: 'gb',
      defaultLanguage: 'en',
      serviceVersion: '2023-04-01',
      userAgentOptions: { userAgentPrefix: 'community-hub-bot' },
    });
  }

  async detectLanguage(texts: readonly string[], options: AnalyseOptions = {}): Promise<LanguageGuess[]> {
    const pieces: Piece[] = [];
    texts.forEach((text, index) => {
      // Personal details are not language: they need not travel to Azure for this.
      const cleaned = detectionText(text);
      if (cleaned !== '') pieces.push({ id: String(index), index, offset: 0, text: truncateForAzure(cleaned) });
    });
    const results = await this.inBatches('detectLanguage', pieces, options.signal, async (batch, abortSignal) => {
      const answers = await this.client.analyze('LanguageDetection', batch.map((p) => ({ id: p.id, text: p.text, countryHint: 'gb' })), { abortSignal });
      return answers.map((a): [string, DocResult<LanguageGuess>] =>
        a.error !== undefined
          ? [a.id, { ok: false, code: a.error.code }]
          : [a.id, { ok: true, value: this.toGuess(a.primaryLanguage.iso6391Name, a.primaryLanguage.confidenceScore, texts[Number(a.id)] ?? '') }],
      );
    });
    return texts.map((text, index) => {
      const result = results.get(String(index));
      if (result?.ok) return result.value;
      if (result) this.documentFailed('detectLanguage', result.code);
      return detectLocally(text);
    });
  }

  /** UK personal details are replaced by tokens before the text is sent: sentiment does not need them. */
  async sentiment(texts: readonly string[], options: AnalyseOptions = {}): Promise<SentimentResult[]> {
    const pieces = this.piecesOf(texts.map(redactUk));
    const results = await this.inBatches('sentiment', pieces, options.signal, async (batch, abortSignal) => {
      const answers = await this.client.analyze(
        'SentimentAnalysis',
        batch.map((p) => ({ id: p.id, text: p.text, language: options.language ?? 'en' })),
        { includeOpinionMining: true, abortSignal },
      );
      return answers.map((a): [string, DocResult<SentimentResult>] =>
        a.error !== undefined
          ? [a.id, { ok: false, code: a.error.code }]
          : [
              a.id,
              {
                ok: true,
                value: {
                  label: a.sentiment,
                  scores: { ...a.confidenceScores },
                  sentences: a.sentences.map(
                    (s): SentenceSentiment => ({
                      label: s.sentiment,
                      scores: { ...s.confidenceScores },
                      offset: s.offset,
                      length: s.length,
                      opinions: s.opinions.map(
                        (o): Opinion => ({
                          target: { text: o.target.text, sentiment: o.target.sentiment },
                          assessments: o.assessments.map((x) => ({ text: x.text, sentiment: x.sentiment, negated: x.isNegated })),
                        }),
                      ),
                    }),
                  ),
                  source: 'azure',
                },
              },
            ],
      );
    });
    return texts.map((text, index) => {
      const parts = pieces.filter((p) => p.index === index);
      const answered = parts.map((p) => ({ piece: p, result: results.get(p.id) }));
      const failed = answered.find((a) => a.result !== undefined && !a.result.ok);
      if (parts.length === 0 || failed || answered.some((a) => a.result === undefined)) {
        if (failed?.result && !failed.result.ok) this.documentFailed('sentiment', failed.result.code);
        return { label: 'unknown', scores: null, sentences: [], source: 'local' };
      }
      return mergeSentiment(answered.map((a) => ({ piece: a.piece, value: (a.result as { ok: true; value: SentimentResult }).value })), redactUk(text).length);
    });
  }

  async entities(texts: readonly string[], options: AnalyseOptions = {}): Promise<EntityResult[]> {
    const pieces = this.piecesOf(texts);
    const results = await this.inBatches('entities', pieces, options.signal, async (batch, abortSignal) => {
      const answers = await this.client.analyze('EntityRecognition', batch.map((p) => ({ id: p.id, text: p.text, language: options.language ?? 'en' })), { abortSignal });
      return answers.map((a): [string, DocResult<EntityResult>] =>
        a.error !== undefined
          ? [a.id, { ok: false, code: a.error.code }]
          : [
              a.id,
              {
                ok: true,
                value: {
                  entities: a.entities.map((e) => ({
                    text: e.text,
                    category: e.category,
                    ...(e.subCategory ? { subcategory: e.subCategory } : {}),
                    offset: e.offset,
                    length: e.length,
                    confidence: e.confidenceScore,
                  })),
                  source: 'azure',
                },
              },
            ],
      );
    });
    return texts.map((text, index) => {
      const parts = pieces.filter((p) => p.index === index);
      const failed = parts.map((p) => results.get(p.id)).find((r) => r === undefined || !r.ok);
      if (failed !== undefined || parts.length === 0) {
        if (failed && !failed.ok) this.documentFailed('entities', failed.code);
        return entitiesLocally(text);
      }
      const entities = parts.flatMap((p) => {
        const r = results.get(p.id);
        return r?.ok ? r.value.entities.map((e) => ({ ...e, offset: e.offset + p.offset })) : [];
      });
      return { entities, source: 'azure' };
    });
  }

  async pii(texts: readonly string[], options: AnalyseOptions = {}): Promise<PiiResult[]> {
    const pieces = this.piecesOf(texts);
    const results = await this.inBatches('pii', pieces, options.signal, async (batch, abortSignal) => {
      const answers = await this.client.analyze('PiiEntityRecognition', batch.map((p) => ({ id: p.id, text: p.text, language: options.language ?? 'en' })), { abortSignal });
      return answers.map((a): [string, DocResult<AzurePiiSpan[]>] =>
        a.error !== undefined
          ? [a.id, { ok: false, code: a.error.code }]
          : [
              a.id,
              {
                ok: true,
                value: a.entities
                  .filter((e) => !IGNORED_PII_CATEGORIES.has(e.category))
                  .map((e) => ({ kind: AZURE_PII_KIND[e.category] ?? 'personal-data', start: e.offset, end: e.offset + e.length, category: e.category })),
              },
            ],
      );
    });
    return texts.map((text, index) => {
      const uk = findUkPii(text);
      const parts = pieces.filter((p) => p.index === index);
      const failed = parts.map((p) => results.get(p.id)).find((r) => r === undefined || !r.ok);
      if (failed !== undefined || parts.length === 0) {
        if (failed && !failed.ok) this.documentFailed('pii', failed.code);
        return { redactedText: redactSpans(text, uk), entities: uk.map(toPiiEntity), source: 'local' };
      }
      const azure = parts.flatMap((p) => {
        const r = results.get(p.id);
        return r?.ok ? r.value.map((s) => ({ ...s, start: s.start + p.offset, end: s.end + p.offset })) : [];
      });
      const categories = new Map(azure.map((s) => [`${s.start}:${s.end}`, s.category]));
      const fromUk = new Set(uk.map((s) => `${s.start}:${s.end}`));
      const spans = resolveOverlaps([...uk, ...azure.map(({ kind, start, end }) => ({ kind, start, end }))]);
      const entities: PiiEntity[] = spans.map((s) =>
        fromUk.has(`${s.start}:${s.end}`)
          ? toPiiEntity(s)
          : { kind: s.kind, category: categories.get(`${s.start}:${s.end}`) ?? 'PersonalData', offset: s.start, length: s.end - s.start, from: 'azure' },
      );
      return { redactedText: redactSpans(text, spans), entities, source: 'azure' };
    });
  }

  // ── Mechanics ───────────────────────────────────────────────────────────────────────────────────────────────

  private toGuess(iso6391Name: string, confidence: number, text: string): LanguageGuess {
    const code = normaliseLanguageCode(iso6391Name);
    return { code, confidence, reliable: code !== 'und' && confidence >= MIN_LANGUAGE_CONFIDENCE && worthDetecting(text), source: 'azure' };
  }

  private piecesOf(texts: readonly string[]): Piece[] {
    const pieces: Piece[] = [];
    texts.forEach((text, index) => {
      if (text.trim() === '') return;
      splitForAzure(text).forEach((piece, part) => pieces.push({ id: `${index}.${part}`, index, offset: piece.offset, text: piece.text }));
    });
    return pieces;
  }

  /** Sends pieces in batches within the action's document limit, each request with its own timeout. */
  private async inBatches<T>(
    operation: LanguageOperation,
    pieces: Piece[],
    signal: AbortSignal | undefined,
    send: (batch: Piece[], abortSignal: AbortSignal) => Promise<[string, DocResult<T>][]>,
  ): Promise<Map<string, DocResult<T>>> {
    const results = new Map<string, DocResult<T>>();
    const size = DOCUMENTS_PER_REQUEST[operation];
    const batches: Piece[][] = [];
    for (let i = 0; i < pieces.length; i += size) batches.push(pieces.slice(i, i + size));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const batch = batches[next] as Piece[];
        next += 1;
        for (const [id, result] of await this.request(batch, signal, send)) results.set(id, result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(MAX_PARALLEL_REQUESTS, batches.length) }, worker));
    return results;
  }

  private async request<T>(
    batch: Piece[],
    signal: AbortSignal | undefined,
    send: (batch: Piece[], abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const abortSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      return await send(batch, abortSignal);
    } catch (err) {
      throw toServiceError(err, abortSignal.aborted);
    }
  }

  private documentFailed(operation: LanguageOperation, code: string): void {
    this.options.metrics?.onFallback({ operation, reason: 'document-error' });
    this.options.logger.warn({ operation, code }, 'Azure AI Language refused a document; the local analyser answered for it');
  }
}

/** Only the reason and status survive: the SDK's error may hold the request, and with it the resident's words. */
export function toServiceError(err: unknown, aborted: boolean): LanguageServiceError {
  if (err instanceof LanguageServiceError) return err;
  const statusCode = typeof (err as { statusCode?: unknown })?.statusCode === 'number' ? (err as { statusCode: number }).statusCode : null;
  if (aborted || (err as { name?: unknown })?.name === 'AbortError') return new LanguageServiceError('timeout', statusCode);
  if (statusCode === 401 || statusCode === 403) return new LanguageServiceError('auth', statusCode);
  return new LanguageServiceError('unavailable', statusCode);
}

/** One result for a text that was sent in pieces: scores weighted by length, labels agreed or `mixed`. */
function mergeSentiment(parts: { piece: Piece; value: SentimentResult }[], totalLength: number): SentimentResult {
  if (parts.length === 1 && parts[0]) return parts[0].value;
  const scores: SentimentScores = { positive: 0, neutral: 0, negative: 0 };
  for (const { piece, value } of parts) {
    const weight = piece.text.length / Math.max(1, totalLength);
    scores.positive += (value.scores?.positive ?? 0) * weight;
    scores.neutral += (value.scores?.neutral ?? 0) * weight;
    scores.negative += (value.scores?.negative ?? 0) * weight;
  }
  const labels = new Set(parts.map((p) => p.value.label));
  const label: SentimentLabel = labels.size === 1 ? (parts[0]?.value.label ?? 'unknown') : 'mixed';
  const sentences = parts.flatMap(({ piece, value }) => value.sentences.map((s) => ({ ...s, offset: s.offset + piece.offset })));
  return { label, scores, sentences, source: 'azure' };
}
