/**
 * One interface for language services, whichever answers: Azure AI Language when a council configures it, the
 * local analyser otherwise (and whenever Azure fails or is slow). Callers never know or care which answered, except
 * through `source`, which tests and metrics read.
 *
 * Every method takes a batch of texts and answers in the same order, so digests and exports can send many texts at
 * once and the Azure analyser can pack them into as few requests as its limits allow.
 *
 * Results can hold a resident's words (an entity's text, an opinion's target). They are for use in memory: never
 * log them.
 */
import type { PiiKind } from '../pii/redact';

export type AnalyserSource = 'azure' | 'local';
export type LanguageOperation = 'detectLanguage' | 'sentiment' | 'entities' | 'pii';

export interface AnalyseOptions {
  /** Cancels the work (the resident's turn has moved on, or a deadline passed). */
  signal?: AbortSignal;
  /** ISO 639-1 language of the texts, where known; default English. Not used by language detection. */
  language?: string;
}

export interface LanguageGuess {
  /** ISO 639-1 where one exists ("pl", "ur", "cy"), otherwise ISO 639-3; "und" when undetermined. */
  code: string;
  /** 0 to 1, as the analyser reports it. Not comparable between analysers: use `reliable`. */
  confidence: number;
  /**
   * The analyser's own judgement that the guess is safe to act on (reply in that language). Each analyser applies
   * its own calibration: Azure's confidence score, or the local detector's length and margin rules.
   */
  reliable: boolean;
  source: AnalyserSource;
}

export type SentimentLabel = 'positive' | 'neutral' | 'negative' | 'mixed' | 'unknown';

export interface SentimentScores {
  positive: number;
  neutral: number;
  negative: number;
}

/** Opinion mining: what the sentiment is about ("the noise") and the words that carry it ("unbearable"). */
export interface Opinion {
  target: { text: string; sentiment: 'positive' | 'negative' | 'mixed' };
  assessments: { text: string; sentiment: 'positive' | 'negative' | 'mixed'; negated: boolean }[];
}

export interface SentenceSentiment {
  label: Exclude<SentimentLabel, 'mixed' | 'unknown'>;
  scores: SentimentScores;
  /** Into the text as analysed, which for Azure has UK personal details replaced by tokens such as `[phone]`. */
  offset: number;
  length: number;
  opinions: Opinion[];
}

export interface SentimentResult {
  /** `unknown` when the analyser cannot tell (the local analyser always says so). */
  label: SentimentLabel;
  scores: SentimentScores | null;
  sentences: SentenceSentiment[];
  source: AnalyserSource;
}

export interface Entity {
  text: string;
  /** Azure's categories: Person, Location, Organization, DateTime, Quantity, Address, PhoneNumber, Email... */
  category: string;
  subcategory?: string;
  offset: number;
  length: number;
  confidence: number;
}

export interface EntityResult {
  entities: Entity[];
  source: AnalyserSource;
}

export interface PiiEntity {
  kind: PiiKind;
  /** The recogniser's own category ("UKPhoneNumber" for ours, "Person" or "Email" for Azure's). */
  category: string;
  offset: number;
  length: number;
  from: 'uk-patterns' | 'azure';
}

export interface PiiResult {
  /** The text with each personal detail replaced by a token such as `[phone]` or `[name]`. */
  redactedText: string;
  /** Where each detail was, without the detail itself. */
  entities: PiiEntity[];
  source: AnalyserSource;
}

export interface LanguageAnalyser {
  readonly kind: 'local' | 'azure' | 'resilient';
  detectLanguage(texts: readonly string[], options?: AnalyseOptions): Promise<LanguageGuess[]>;
  /** Sentiment with opinion mining. */
  sentiment(texts: readonly string[], options?: AnalyseOptions): Promise<SentimentResult[]>;
  entities(texts: readonly string[], options?: AnalyseOptions): Promise<EntityResult[]>;
  /** Redacted text and where the personal details were. UK formats are always caught by our own patterns. */
  pii(texts: readonly string[], options?: AnalyseOptions): Promise<PiiResult[]>;
}

export type FallbackReason = 'timeout' | 'auth' | 'error' | 'circuit-open' | 'document-error';

/**
 * Counters for operations (the ops work wires these to Prometheus). Called synchronously; must not throw.
 */
export interface LanguageMetrics {
  /** The local analyser answered instead of Azure. */
  onFallback(event: { operation: LanguageOperation; reason: FallbackReason }): void;
  onCircuitChange?(state: 'closed' | 'open' | 'half-open'): void;
}
