/**
 * Builds the language services from configuration: Azure AI Language (behind the resilient wrapper, with the local
 * analyser as its fall-back) when an endpoint and key are set, the local analyser alone otherwise. A council
 * switches by setting or clearing AZURE_LANGUAGE_ENDPOINT and AZURE_LANGUAGE_KEY and restarting: nothing is stored
 * that depends on which one answered.
 */
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { AzureAnalyser } from './azureAnalyser';
import { CircuitBreaker } from './circuitBreaker';
import { LocalAnalyser } from './localAnalyser';
import { LanguageCounters, combineMetrics } from './metrics';
import { ResilientAnalyser } from './resilientAnalyser';
import type { LanguageAnalyser, LanguageMetrics } from './types';

export interface LanguageServices {
  analyser: LanguageAnalyser;
  mode: 'azure' | 'local';
  counters: LanguageCounters;
  breaker: CircuitBreaker | null;
}

export interface LanguageServicesConfig {
  endpoint?: string | undefined;
  key?: string | undefined;
  timeoutMs: number;
  /** How long the circuit stays open before Azure is tried again. */
  cooldownMs?: number;
}

export function createLanguageServices(
  config: LanguageServicesConfig,
  deps: { clock: Clock; logger: Logger; metrics?: LanguageMetrics },
): LanguageServices {
  const counters = new LanguageCounters();
  const local = new LocalAnalyser();
  if (!config.endpoint || !config.key) return { analyser: local, mode: 'local', counters, breaker: null };
  const metrics = deps.metrics ? combineMetrics(counters, deps.metrics) : counters;
  const breaker = new CircuitBreaker({
    clock: deps.clock,
    cooldownMs: config.cooldownMs ?? 30_000,
    onStateChange: (state) => {
      metrics.onCircuitChange?.(state);
      deps.logger.info({ circuit: state }, 'Azure AI Language circuit changed');
    },
  });
  const azure = new AzureAnalyser({ endpoint: config.endpoint, key: config.key, timeoutMs: config.timeoutMs, logger: deps.logger, metrics });
  const analyser = new ResilientAnalyser({ primary: azure, fallback: local, breaker, timeoutMs: config.timeoutMs, metrics, logger: deps.logger });
  return { analyser, mode: 'azure', counters, breaker };
}

export type { LanguageAnalyser } from './types';
