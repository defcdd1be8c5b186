/**
 * A local stand-in for Azure AI Language, so the real SDK (@azure/ai-language-text) can be tested with no account
 * and no network. It answers `POST /language/:analyze-text?api-version=2023-04-01` in the shapes of Microsoft's own
 * examples (../shared/data/azure-language-examples/): `kind: "<Kind>Results"`, `results.documents` and
 * `results.errors`, `warnings: []` on every document, sentences (with targets and assessments for opinion mining)
 * for sentiment.
 *
 * It enforces what the real service enforces and our analyser must respect: the subscription key (401 otherwise),
 * the documents-per-request limits (400) and the 5,120-character document limit (a document error). It can also
 * be told to fail (500), to stall (for timeouts), or to refuse particular documents.
 *
 * Its "analysis" is deliberately simple and deterministic (a few word lists): it exists to test our code, not to
 * imitate Azure's models. Tests can replace `detect` and `sentimentOf` for a case.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const STAND_IN_KEY = 'test-language-key-0123456789abcdef';

type Kind = 'LanguageDetection' | 'SentimentAnalysis' | 'EntityRecognition' | 'PiiEntityRecognition';

const LIMITS: Record<Kind, number> = { LanguageDetection: 1000, SentimentAnalysis: 10, EntityRecognition: 5, PiiEntityRecognition: 5 };
const MAX_CHARS = 5120;

interface InputDocument {
  id: string;
  text: string;
  language?: string;
  countryHint?: string;
}

export interface RecordedRequest {
  kind: string;
  /** The documents' texts, so tests can check what left the bot. */
  texts: string[];
  apiVersion: string | null;
  documents: number;
  longest: number;
  parameters: Record<string, unknown>;
}

export interface Scores {
  positive: number;
  neutral: number;
  negative: number;
}

const CONFIDENT = 0.99;

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'apim-request-id': 'stand-in' });
  res.end(text);
}

function serviceError(code: string, message: string, inner?: { code: string; message: string }) {
  return { error: { code, message, ...(inner ? { innererror: inner } : {}) } };
}

/** Word lists good enough for the sentences our tests send. */
export function standInDetect(text: string): { iso6391Name: string; name: string; confidenceScore: number } {
  if (/\p{Script=Gurmukhi}/u.test(text)) return { iso6391Name: 'pa', name: 'Punjabi', confidenceScore: CONFIDENT };
  if (/\p{Script=Arabic}/u.test(text)) {
    return /[ٹڈڑںےۓہھگکی]/u.test(text)
      ? { iso6391Name: 'ur', name: 'Urdu', confidenceScore: CONFIDENT }
      : { iso6391Name: 'ar', name: 'Arabic', confidenceScore: CONFIDENT };
  }
  const lower = text.toLowerCase();
  const lists: [string, string, RegExp][] = [
    ['pl', 'Polish', /\b(dzień|dzien|potrzebuję|potrzebuje|pomocy|proszę|czuję|jestem|nie mam)\b/u],
    ['sk', 'Slovak', /\b(potrebujem|dobrý|deň|prosím|nemám|som)\b/u],
    ['ro', 'Romanian', /\b(bună|buna|ziua|nevoie|ajutor|mă|simt)\b/u],
    ['cy', 'Welsh', /\b(helo|dwi|angen|rwy|gyda|gwelwch|bore da)\b/u],
  ];
  for (const [code, name, words] of lists) if (words.test(lower)) return { iso6391Name: code, name, confidenceScore: 0.95 };
  if (!/\p{L}/u.test(text)) return { iso6391Name: '(Unknown)', name: '(Unknown)', confidenceScore: 0 };
  return { iso6391Name: 'en', name: 'English', confidenceScore: CONFIDENT };
}

const NEGATIVE = /\b(hopeless|worthless|cannot cope|can't cope|cant cope|give up|no point|awful|terrible|hate|unbearable|had enough|miserable|disgusting|nightmare)\b/i;
const POSITIVE = /\b(thank you|thanks|great|lovely|happy|brilliant|good)\b/i;
const TARGETS = /\b(noise|music|neighbours|bills|rent|heating|landlord|council|bins)\b/i;

export function standInSentiment(text: string): Scores {
  if (NEGATIVE.test(text)) return { positive: 0.01, neutral: 0.03, negative: 0.96 };
  if (POSITIVE.test(text)) return { positive: 0.95, neutral: 0.04, negative: 0.01 };
  return { positive: 0.05, neutral: 0.9, negative: 0.05 };
}

function label(scores: Scores): 'positive' | 'neutral' | 'negative' {
  if (scores.negative >= scores.positive && scores.negative >= scores.neutral) return 'negative';
  return scores.positive >= scores.neutral ? 'positive' : 'neutral';
}

const NAME = /\b(?:my name is|i am|i'm|this is|call)\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)/g;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
/** US formats only, as Azure's phone recogniser is documented for: UK numbers are for our own patterns. */
const US_PHONE = /\(\d{3}\) \d{3}-\d{4}|\b\d{3}-\d{3}-\d{4}\b/g;
const DATE_WORDS = /\b(yesterday|last (monday|tuesday|wednesday|thursday|friday|saturday|sunday|night|week))\b/gi;
const ORGANISATIONS = /\b(Rotherham Council|Samaritans)\b/g;
const PLACES = /\b(Rotherham|Sheffield|Doncaster|Barnsley)\b/g;

interface Found {
  text: string;
  category: string;
  subcategory?: string;
  offset: number;
  length: number;
  confidenceScore: number;
}

function findAll(text: string, pattern: RegExp, category: string, group = 0, subcategory?: string): Found[] {
  const out: Found[] = [];
  for (const m of text.matchAll(pattern)) {
    const value = m[group] ?? m[0];
    const offset = (m.index ?? 0) + m[0].indexOf(value);
    out.push({ text: value, category, ...(subcategory ? { subcategory } : {}), offset, length: value.length, confidenceScore: 0.9 });
  }
  return out;
}

export class AzureLanguageStandIn {
  private server: http.Server | null = null;
  private stalled: http.ServerResponse[] = [];
  readonly requests: RecordedRequest[] = [];
  key = STAND_IN_KEY;
  /** `ok`: answer; `stall`: never answer (until stopped); `fail`: HTTP 500; `garbage`: 200 with a body the SDK cannot read. */
  mode: 'ok' | 'stall' | 'fail' | 'garbage' = 'ok';
  /** Documents whose text makes this true get a document error instead of a result. */
  refuseDocument: (text: string) => boolean = () => false;
  detect = standInDetect;
  sentimentOf = standInSentiment;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    this.stalled = [];
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  requestsFor(kind: Kind): RecordedRequest[] {
    return this.requests.filter((r) => r.kind === kind);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || url.pathname !== '/language/:analyze-text') {
      json(res, 404, serviceError('404', 'Resource not found'));
      return;
    }
    if (req.headers['ocp-apim-subscription-key'] !== this.key) {
      json(res, 401, serviceError('401', 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.'));
      return;
    }
    let body: { kind?: string; parameters?: Record<string, unknown>; analysisInput?: { documents?: InputDocument[] } };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      json(res, 400, serviceError('InvalidRequest', 'Invalid Request.'));
      return;
    }
    const kind = body.kind as Kind;
    const documents = body.analysisInput?.documents ?? [];
    this.requests.push({
      kind: String(body.kind),
      texts: documents.map((d) => d.text),
      apiVersion: url.searchParams.get('api-version'),
      documents: documents.length,
      longest: Math.max(0, ...documents.map((d) => d.text.length)),
      parameters: body.parameters ?? {},
    });

    if (this.mode === 'stall') {
      this.stalled.push(res);
      return;
    }
    if (this.mode === 'fail') {
      json(res, 500, serviceError('InternalServerError', 'Internal Server Error.'));
      return;
    }
    if (this.mode === 'garbage') {
      json(res, 200, { kind: `${kind}Results`, results: { documents: [{ id: documents[0]?.id ?? '0' }] } });
      return;
    }
    if (!(kind in LIMITS)) {
      json(res, 400, serviceError('InvalidRequest', 'Invalid Request.', { code: 'InvalidParameterValue', message: `Job task type ${String(body.kind)} is not supported.` }));
      return;
    }
    if (documents.length > LIMITS[kind]) {
      json(res, 400, serviceError('InvalidArgument', 'Invalid document in request.', { code: 'InvalidDocumentBatch', message: `Batch request contains too many records. Max ${LIMITS[kind]} records are permitted.` }));
      return;
    }

    const errors: unknown[] = [];
    const results: unknown[] = [];
    documents.forEach((doc, index) => {
      if (doc.text.length > MAX_CHARS || doc.text.trim() === '' || this.refuseDocument(doc.text)) {
        errors.push({
          id: doc.id,
          error: {
            code: 'InvalidArgument',
            message: 'Invalid Document in request.',
            innererror: {
              code: 'InvalidDocument',
              message: doc.text.trim() === '' ? 'Document text is empty.' : 'A document within the request was too large to be processed. Limit document size to: 5120 text elements.',
            },
          },
        });
        return;
      }
      results.push(this.analyse(kind, doc, index - errors.length));
    });
    json(res, 200, { kind: `${kind}Results`, results: { documents: results, errors, modelVersion: '2023-04-01' } });
  }

  private analyse(kind: Kind, doc: InputDocument, responseIndex: number): unknown {
    switch (kind) {
      case 'LanguageDetection':
        return { id: doc.id, detectedLanguage: this.detect(doc.text), warnings: [] };
      case 'SentimentAnalysis':
        return this.sentiment(doc, responseIndex);
      case 'EntityRecognition':
        return {
          id: doc.id,
          entities: [...findAll(doc.text, NAME, 'Person', 1), ...findAll(doc.text, PLACES, 'Location', 0, 'GPE')].sort((a, b) => a.offset - b.offset),
          warnings: [],
        };
      case 'PiiEntityRecognition': {
        const entities = [
          ...findAll(doc.text, NAME, 'Person', 1),
          ...findAll(doc.text, EMAIL, 'Email'),
          ...findAll(doc.text, US_PHONE, 'PhoneNumber'),
          ...findAll(doc.text, DATE_WORDS, 'DateTime'),
          ...findAll(doc.text, ORGANISATIONS, 'Organization'),
        ].sort((a, b) => a.offset - b.offset);
        let redactedText = doc.text;
        for (const e of entities) redactedText = redactedText.slice(0, e.offset) + '*'.repeat(e.length) + redactedText.slice(e.offset + e.length);
        return { id: doc.id, redactedText, entities, warnings: [] };
      }
    }
  }

  private sentiment(doc: InputDocument, responseIndex: number): unknown {
    const sentences: unknown[] = [];
    const parts = [...doc.text.matchAll(/[^.!?]+[.!?]*\s*/g)];
    const all = this.sentimentOf(doc.text);
    parts.forEach((m, s) => {
      const text = m[0].trimEnd();
      const scores = parts.length === 1 ? all : this.sentimentOf(text);
      const sentiment = label(scores);
      const target = sentiment === 'negative' ? TARGETS.exec(text) : null;
      const assessment = sentiment === 'negative' ? NEGATIVE.exec(text) : null;
      const targets = target && assessment
        ? [{
            text: target[0], offset: (m.index ?? 0) + target.index, length: target[0].length, sentiment: 'negative',
            confidenceScores: { positive: 0.01, negative: 0.99 },
            relations: [{ relationType: 'assessment', ref: `#/documents/${responseIndex}/sentences/${s}/assessments/0` }],
          }]
        : [];
      const assessments = target && assessment
        ? [{ text: assessment[0], offset: (m.index ?? 0) + assessment.index, length: assessment[0].length, sentiment: 'negative', confidenceScores: { positive: 0.01, negative: 0.99 }, isNegated: false }]
        : [];
      sentences.push({ text, sentiment, confidenceScores: scores, offset: m.index ?? 0, length: text.length, targets, assessments });
    });
    const overall = label(all);
    return { id: doc.id, sentiment: overall, confidenceScores: all, sentences, warnings: [] };
  }
}
