/**
 * Prometheus metrics (prom-client) on a registry of the app's own, never the global default one: tests build many
 * apps in one process, and each must count only its own turns.
 *
 * Labels are low-cardinality and never personal: a channel from a fixed list, a referral kind, an urgency, a
 * language operation and reason. Never a phone number, conversation id or message text.
 */
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { REFERRAL_KINDS, type ReferralKind } from './referrals/model';
import type { FallbackReason, LanguageMetrics, LanguageOperation } from './language/types';

/** Channels we name in metrics; anything else (a client can send any channelId to /api/messages) is "other". */
export const METRIC_CHANNELS = ['sms', 'webchat', 'directline', 'emulator', 'msteams', 'test', 'other'] as const;
export type MetricChannel = (typeof METRIC_CHANNELS)[number];

export function metricChannel(channelId: string | undefined): MetricChannel {
  return (METRIC_CHANNELS as readonly string[]).includes(channelId ?? '') ? (channelId as MetricChannel) : 'other';
}

/** Open referrals by kind and urgency, as the store counts them at scrape time. */
export type QueueDepthSource = () => Promise<{ kind: ReferralKind; urgent: boolean; count: number }[]>;

export interface HubMetricsOptions {
  queueDepth: QueueDepthSource;
  /** Default process metrics (CPU, memory, event loop lag...). On in the app; benchmarks may turn them off. */
  processMetrics?: boolean;
}

export class HubMetrics {
  readonly registry = new Registry();
  private readonly turnDuration: Histogram<'channel'>;
  private readonly smsFinalFailures: Counter;
  private readonly smsRetries: Counter;
  private readonly languageFallbacks: Counter<'operation' | 'reason'>;
  private readonly digestFailures: Counter;

  constructor(options: HubMetricsOptions) {
    const registers = [this.registry];
    this.turnDuration = new Histogram({
      name: 'hub_turn_duration_seconds',
      help: 'Time the bot took over one turn, by channel.',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    const queueDepth = options.queueDepth;
    new Gauge({
      name: 'hub_queue_depth',
      help: 'Open referrals (new, claimed, in progress) by kind and urgency, counted when scraped.',
      labelNames: ['kind', 'urgency'],
      registers,
      async collect() {
        this.reset();
        for (const row of await queueDepth()) this.set({ kind: row.kind, urgency: row.urgent ? 'urgent' : 'routine' }, row.count);
      },
    });
    this.smsFinalFailures = new Counter({
      name: 'hub_sms_send_failures_total',
      help: 'Texts to residents the outbox gave up on after its last attempt.',
      registers,
    });
    this.smsRetries = new Counter({
      name: 'hub_sms_send_retries_total',
      help: 'Failed SMS send attempts that will be retried.',
      registers,
    });
    this.languageFallbacks = new Counter({
      name: 'hub_language_fallbacks_total',
      help: 'Times the local analyser answered instead of Azure AI Language, by operation and reason.',
      labelNames: ['operation', 'reason'],
      registers,
    });
    this.digestFailures = new Counter({
      name: 'hub_digest_failures_total',
      help: 'Ward digests that could not be built or sent.',
      registers,
    });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Runs one turn and records how long it took, whether it succeeded or threw. */
  async timeTurn<T>(channelId: string | undefined, turn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await turn();
    } finally {
      this.turnDuration.observe({ channel: metricChannel(channelId) }, (performance.now() - started) / 1000);
    }
  }

  recordSmsFinalFailure(): void {
    this.smsFinalFailures.inc();
  }

  recordSmsRetry(): void {
    this.smsRetries.inc();
  }

  recordDigestFailure(): void {
    this.digestFailures.inc();
  }

  /** A sink for the language services' fall-back hook. */
  readonly language: LanguageMetrics = {
    onFallback: (event: { operation: LanguageOperation; reason: FallbackReason }) => {
      this.languageFallbacks.inc({ operation: event.operation, reason: event.reason });
    },
  };

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Every kind with both urgencies, so an empty queue still shows its zeros. */
export function queueDepthFromCounts(
  count: (kind: ReferralKind, urgent: boolean) => Promise<number>,
): QueueDepthSource {
  return async () => {
    const rows: { kind: ReferralKind; urgent: boolean; count: number }[] = [];
    for (const kind of REFERRAL_KINDS) {
      for (const urgent of [true, false]) rows.push({ kind, urgent, count: await count(kind, urgent) });
    }
    return rows;
  };
}
