/**
 * The composition root: builds every part from the configuration. Nothing is wired at import time, so tests can
 * build the real application with their own data directory, clock and council profile.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import { systemClock, type Clock } from '../services/clock';
import { loadCouncilProfile } from '../services/council/loadProfile';
import { HubEvents } from '../services/hub/events';
import { NotConfiguredMessenger, type ResidentMessenger } from '../services/hub/residentMessenger';
import { withPostcodeLookup } from '../services/council/postcodesIo';
import type { CouncilProfile } from '../services/council/types';
import { createLanguageServices, type LanguageServices } from '../services/language';
import { withCorrelation } from '../services/correlation';
import { createLogger, type Logger } from '../services/logger';
import { HubMetrics, metricChannel, queueDepthFromCounts } from '../services/metrics';
import { RetentionJob, scheduleRetention } from '../services/retention';
import { OPEN_STATUSES } from '../services/store/hubTypes';
import { ReferralService } from '../services/referrals/referralService';
import { SafeguardingAlertFeed } from '../services/safeguarding/alerts';
import { createSafeguardingDetector } from '../services/safeguarding/detector';
import type { SafeguardingDetector } from '../services/safeguarding/types';
import { openStore } from '../services/store';
import type { Store } from '../services/store/types';
import { SmsResidentMessenger } from './channels/twilio/residentMessenger';
import { createSmsSetup, type SmsSetup } from './channels/twilio/setup';
import type { Config } from './config';
import { createDigestSetup, type DigestSetup } from './digestSetup';
import { hashSecret } from './localSecrets';
import { ResidentBot } from './residentBot';
import { StoreStorage } from './storeStorage';
import { createOnTurnError } from './turnError';

export interface App {
  config: Config;
  logger: Logger;
  clock: Clock;
  store: Store;
  profile: CouncilProfile;
  detector: SafeguardingDetector;
  referrals: ReferralService;
  /** Azure AI Language (with the local fall-back) or the local analyser; counters for metrics. */
  language: LanguageServices;
  /** Safeguarding risks as they are detected: the hub console subscribes. */
  alerts: SafeguardingAlertFeed;
  adapter: CloudAdapter;
  bot: { run(context: TurnContext): Promise<void> };
  /** Null when SMS is neither configured nor simulated. */
  sms: SmsSetup | null;
  /** Staff console (issue 5): live queue updates, and texts to residents (the SMS channel plugs in here). */
  hubEvents: HubEvents;
  residentMessenger: ResidentMessenger;
  /** Prometheus metrics on this app's own registry, served at GET /metrics. */
  metrics: HubMetrics;
  /** For the ward digests: count a digest that could not be built or sent (hub_digest_failures_total). */
  recordDigestFailure(): void;
  /** Erases or anonymises personal data past the council's retention periods (npm run retention, RETENTION_SCHEDULE). */
  retention: RetentionJob;
  digests: DigestSetup;
  close(): Promise<void>;
}

export interface AppOverrides {
  logger?: Logger;
  clock?: Clock;
  profile?: CouncilProfile;
  store?: Store;
  /** Replaces the resident bot on every channel (benchmarks compare it with an echo bot on the same server). */
  bot?: ResidentBot | { run(context: TurnContext): Promise<void> };
  residentMessenger?: ResidentMessenger;
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger({ level: config.LOG_LEVEL });
  const clock = overrides.clock ?? systemClock;
  const profile = overrides.profile ?? withPostcodeLookup(loadCouncilProfile(config.COUNCIL), config);
  const store =
    overrides.store ??
    (await openStore({
      dataDir: path.resolve(config.DATA_DIR),
      // Bot state is stamped with this clock; retention compares those stamps with it.
      clock,
      ...(config.MONGODB_URI ? { mongodbUri: config.MONGODB_URI, mongodbDb: config.MONGODB_DB } : {}),
    }));
  // The council's phrase book in force (shipped book plus councils/<id>/safeguarding.json), compiled at start-up.
  const detector = createSafeguardingDetector(profile.safeguarding.phrases);
  const alerts = new SafeguardingAlertFeed(logger);
  const hubEvents = new HubEvents();
  // Staff are alerted live in the console when a resident may be at risk (ids and categories only).
  alerts.subscribe((alert) => hubEvents.publishAlert(alert));
  const referrals = new ReferralService({
    store,
    profile,
    clock,
    logger,
    alerts,
    onSubmitted: (referral) => hubEvents.publish('referral.created', referral),
  });
  const metrics = new HubMetrics({
    queueDepth: queueDepthFromCounts(async (kind, urgent) =>
      (await store.referrals.counts({ status: [...OPEN_STATUSES], kind: [kind], urgent }, clock.now().toISOString())).total,
    ),
  });
  const language = createLanguageServices(
    { endpoint: config.AZURE_LANGUAGE_ENDPOINT, key: config.AZURE_LANGUAGE_KEY, timeoutMs: config.AZURE_LANGUAGE_TIMEOUT_MS },
    { clock, logger, metrics: metrics.language },
  );
  logger.info(
    {
      language: language.mode,
      safeguardingBookReviewed: profile.safeguarding.reviewedOn !== null,
      safeguardingChanges: profile.safeguarding.changes,
      unreviewedTranslations: profile.languages.useUnreviewedTranslations,
    },
    'language services and safeguarding ready',
  );

  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MICROSOFT_APP_ID ?? '',
    MicrosoftAppPassword: config.MICROSOFT_APP_PASSWORD ?? '',
    MicrosoftAppType: config.MICROSOFT_APP_TYPE,
    MicrosoftAppTenantId: config.MICROSOFT_APP_TENANT_ID ?? '',
  } as ConfigurationBotFrameworkAuthenticationOptions);
  const adapter = new CloudAdapter(auth);
  const onTurnError = createOnTurnError({ logger, hubPhone: profile.hub.phone });
  adapter.onTurnError = onTurnError;

  const conversationState = new ConversationState(new StoreStorage(store.botState));
  const residentBot = new ResidentBot({ conversationState, detector, referrals, logger, profile, clock, language: language.analyser });
  const innerBot = overrides.bot ?? residentBot;
  // Every channel (/api/messages, SMS, Direct Line) runs this one bot, so turns are timed here, in one place.
  // A turn that does not start inside an HTTP request (a Direct Line socket, an SMS replayed after a restart) gets a
  // correlation id of its own.
  const bot = {
    run: (context: TurnContext) =>
      withCorrelation(async () => {
        const started = performance.now();
        await metrics.timeTurn(context.activity.channelId, () => innerBot.run(context));
        logger.debug({ channel: metricChannel(context.activity.channelId), durationMs: Math.round(performance.now() - started) }, 'turn');
      }),
  };
  const secret = hashSecret(config.HASH_SECRET, path.resolve(config.DATA_DIR));
  const sms = await createSmsSetup({
    config, store, clock, logger, profile, detector, referrals, bot, onTurnError, hashSecret: secret,
    outboxHooks: { onFinalFailure: () => metrics.recordSmsFinalFailure(), onRetry: () => metrics.recordSmsRetry() },
  });
  const retention = new RetentionJob({ store, clock, logger, settings: profile.retention });
  const stopRetention = config.RETENTION_SCHEDULE === 'on' ? scheduleRetention(retention, logger) : () => undefined;
  const residentMessenger =
    overrides.residentMessenger ?? (sms ? new SmsResidentMessenger(sms.channel) : new NotConfiguredMessenger());
  const digests = createDigestSetup({ config, store, profile, clock, logger, sms, onFailure: () => metrics.recordDigestFailure() });

  return {
    config,
    logger,
    clock,
    store,
    profile,
    detector,
    referrals,
    language,
    alerts,
    adapter,
    bot,
    sms,
    retention,
    digests,
    close: async () => {
      stopRetention();
      await digests.close();
      await sms?.close();
      await store.close();
    },
    hubEvents,
    residentMessenger,
    metrics,
    recordDigestFailure: () => metrics.recordDigestFailure(),
  };
}
