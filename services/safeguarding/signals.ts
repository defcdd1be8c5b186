/**
 * Sentiment as a supporting signal for safeguarding, never a trigger on its own.
 *
 * The phrase check runs first, synchronously and locally, on every message, and never waits on Azure. Only when it
 * found a supporting phrase ("I can't cope anymore", "I've had enough") and nothing stronger does the bot ask for
 * sentiment (Azure AI Language, with a short deadline). The phrase then counts as a risk when:
 * - Azure answered (the local analyser's `unknown` never confirms anything), and
 * - the text is strongly negative (negative confidence at least {@link STRONGLY_NEGATIVE}), and
 * - opinion mining found no negative target in it: "I can't cope with the noise, it's unbearable" is aimed at the
 *   noise, a complaint for the ASB journey; "I can't cope anymore, I feel hopeless" is aimed at nothing outside.
 */
import type { SentimentResult } from '../language/types';
import type { RiskAssessment } from './types';

export const STRONGLY_NEGATIVE = 0.85;
/** Recorded with the phrase ids in the audit, so a reviewer sees why a supporting phrase fired. */
export const SENTIMENT_SIGNAL_ID = 'signal.strongly-negative-sentiment';

export function sentimentConfirmsRisk(sentiment: SentimentResult | undefined): boolean {
  if (!sentiment || sentiment.source !== 'azure' || sentiment.scores === null) return false;
  if (sentiment.scores.negative < STRONGLY_NEGATIVE) return false;
  const aimedAtSomething = sentiment.sentences.some((s) => s.opinions.some((o) => o.target.sentiment === 'negative'));
  return !aimedAtSomething;
}

/** The assessment with its supporting phrases promoted to a risk when the sentiment confirms them. */
export function withSentiment(assessment: RiskAssessment, sentiment: SentimentResult | undefined): RiskAssessment {
  const supporting = assessment.supporting ?? [];
  if (supporting.length === 0 || !sentimentConfirmsRisk(sentiment)) return assessment;
  const categories = assessment.categories.includes('suicide-self-harm') ? assessment.categories : [...assessment.categories, 'suicide-self-harm' as const];
  return { categories, matched: [...assessment.matched, ...supporting, SENTIMENT_SIGNAL_ID] };
}
