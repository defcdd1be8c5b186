/**
 * Staff alerts for safeguarding risks. The bot (and the SMS channel, for a number that has opted out) report each
 * detected risk here; the hub console subscribes and shows flagged conversations first.
 *
 * An alert carries ids and phrase ids, never the resident's words. A listener that throws or rejects is logged and
 * never reaches the resident's turn.
 */
import type { Logger } from '../logger';
import type { RiskCategory } from './types';

export interface SafeguardingAlert {
  conversationId: string;
  channel: string;
  categories: RiskCategory[];
  /** Phrase ids (and signal ids) that matched. */
  matched: string[];
  at: string;
}

/** Where risks are reported. */
export interface SafeguardingAlerts {
  onRisk(alert: SafeguardingAlert): void;
}

export type SafeguardingAlertListener = (alert: SafeguardingAlert) => void | Promise<void>;

/** Fans each alert out to subscribers and keeps the most recent for a console that connects later. */
export class SafeguardingAlertFeed implements SafeguardingAlerts {
  private readonly listeners = new Set<SafeguardingAlertListener>();
  private readonly latest: SafeguardingAlert[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly keep = 100,
  ) {}

  /** Returns the function that unsubscribes. */
  subscribe(listener: SafeguardingAlertListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Most recent first. */
  recent(limit = this.keep): SafeguardingAlert[] {
    return this.latest.slice(-limit).reverse();
  }

  onRisk(alert: SafeguardingAlert): void {
    this.latest.push(alert);
    if (this.latest.length > this.keep) this.latest.shift();
    for (const listener of this.listeners) {
      try {
        const result = listener(alert);
        if (result instanceof Promise) result.catch((err: unknown) => this.failed(err, alert));
      } catch (err) {
        this.failed(err, alert);
      }
    }
  }

  private failed(err: unknown, alert: SafeguardingAlert): void {
    this.logger.error({ errType: err instanceof Error ? err.name : typeof err, conversationId: alert.conversationId }, 'a safeguarding alert listener failed');
  }
}
