/**
 * What the safeguarding check says about one message. It runs before any dialog on every message.
 *
 * `suicide-self-harm`: the resident may be at risk of suicide or self-harm (Samaritans, Shout, NHS 111, 999).
 * `danger`: someone is in immediate danger (999 first).
 */
export type RiskCategory = 'suicide-self-harm' | 'danger';

export interface RiskAssessment {
  /** Every category that matched; empty when none did. `danger` first when both. */
  categories: RiskCategory[];
  /** Ids of the phrases that matched, for the audit log (never the resident's words). */
  matched: string[];
  /**
   * Supporting phrases that matched but cannot fire on their own (present only when there are some). A second
   * signal (strongly negative sentiment) turns them into a risk: see services/safeguarding/signals.ts.
   */
  supporting?: string[];
}

export interface SafeguardingDetector {
  assess(text: string): RiskAssessment;
}
