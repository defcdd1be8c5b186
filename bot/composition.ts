/**
 * The composition root: builds every part from the configuration. Nothing is wired at import time, so tests can
 * build the real application with their own data directory, clock and council profile.
 */
// First: botbuilder and botbuilder-dialogs must find the modules they need only later deferred (bot/lazyModules.ts).
import './lazyModules';
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
import { DirectoryImporter, restoreDirectory, scheduleImports } from '../services/directory/importer';
import { LiveDirectory } from '../services/directory/liveDirectory';
import { SnapshotStore } from '../services/directory/snapshotStore';
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
import { GeoReport } from '../services/open311/georeport';
import { Open311Keys } from '../services/open311/keys';
import { hashSecret } from './localSecrets';
import { ResidentBot } from './residentBot';
import { StoreStorage } from './storeStorage';
import { createOnTurnError } from './turnError';
import { HandoffBridge } from './handoffBridge';
import { HandoffDelivery } from './handoffDelivery';
import * as wording from '../dialogs/wording';
import { HubAuditor } from '../services/hub/auditor';
import { HandoffService, type HandoffWording } from '../services/handoff/handoffService';
import { HandoffStream } from '../services/handoff/stream';
import { EventRelay } from '../services/events/relay';
import { ConversationLocks } from '../services/turns/conversationLocks';

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
  /** Open311 GeoReport v2 for ASB reports (issue 10): consumers' API keys and the use cases behind /open311/v2. */
  open311: { keys: Open311Keys; georeport: GeoReport };
  /** The service directory in force, and the importer that replaces it (DIRECTORY_FEED_URL, npm run directory). */
  directory: LiveDirectory;
  directoryImporter: DirectoryImporter;
  /** Live handoff to a hub worker (issue 9); null when HANDOFF_MODE is off. */
  handoffs: HandoffService | null;
  /** The holder's live stream of a handoff (message text: holder and leads only). */
  handoffStream: HandoffStream;
  /** Delivers a line to a resident's conversation on any channel; the embedded Direct Line plugs itself in. */
  handoffDelivery: HandoffDelivery;
  /** Shares live console events with the other instances (EVENT_RELAY, on with MULTI_INSTANCE); null when off. */
  eventRelay: EventRelay | null;
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
  const profile = overrides.profile ?? withPostcodeLookup(loadCouncilProfile(config.COUNCIL, { councilsDir: config.COUNCILS_DIR }), config);
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

  const directory = new LiveDirectory(profile.directory);
  const snapshots = new SnapshotStore(path.resolve(config.DATA_DIR));
  restoreDirectory({ profile, live: directory, snapshots, logger });
  const directoryImporter = new DirectoryImporter({ profile, live: directory, snapshots, clock, logger });
  const stopDirectoryImports =
    config.DIRECTORY_FEED_URL && config.DIRECTORY_IMPORT_INTERVAL_MINUTES > 0
      ? scheduleImports(
          directoryImporter,
          { kind: 'feed', url: config.DIRECTORY_FEED_URL, timeoutMs: config.DIRECTORY_FEED_TIMEOUT_MS },
          logger,
          config.DIRECTORY_IMPORT_INTERVAL_MINUTES * 60_000,
        )
      : () => undefined;

  const conversationState = new ConversationState(new StoreStorage(store.botState));
  const handoffDelivery = new HandoffDelivery({ adapter, appId: config.MICROSOFT_APP_ID ?? '' });
  const handoffStream = new HandoffStream();
  const handoffs =
    config.HANDOFF_MODE === 'off'
      ? null
      : new HandoffService({
          store,
          clock,
          logger,
          auditor: new HubAuditor(store.audit, clock),
          hubEvents,
          stream: handoffStream,
          channel: handoffDelivery,
          wording: handoffWording(profile),
          referrals,
          settings: {
            mode: config.HANDOFF_MODE,
            waitTimeoutMinutes: config.HANDOFF_WAIT_TIMEOUT_MINUTES,
            idleTimeoutMinutes: config.HANDOFF_IDLE_TIMEOUT_MINUTES,
            defaultWaitMinutes: config.HANDOFF_DEFAULT_WAIT_MINUTES,
          },
        });
  const residentBot = new ResidentBot({
    conversationState,
    detector,
    referrals,
    logger,
    profile,
    clock,
    directory,
    language: language.analyser,
    ...(handoffs ? { liveHandoffs: handoffs, handoffs: new HandoffBridge(handoffs) } : {}),
  });
  const innerBot = overrides.bot ?? residentBot;
  // Every channel (/api/messages, SMS, Direct Line) runs this one bot, so turns are timed here, in one place.
  // A turn that does not start inside an HTTP request (a Direct Line socket, an SMS replayed after a restart) gets a
  // correlation id of its own.
  // Several instances on one store: one turn at a time per conversation across them (services/turns).
  const turnLocks = config.MULTI_INSTANCE || config.INSTANCE_ID ? new ConversationLocks({ locks: store.locks, clock, logger }) : null;
  const bot = {
    run: (context: TurnContext) =>
      withCorrelation(async () => {
        const started = performance.now();
        const turn = () => metrics.timeTurn(context.activity.channelId, () => innerBot.run(context));
        const conversationId = context.activity.conversation?.id;
        await (turnLocks && conversationId ? turnLocks.run(conversationId, turn) : turn());
        logger.debug({ channel: metricChannel(context.activity.channelId), durationMs: Math.round(performance.now() - started) }, 'turn');
      }),
  };
  const secret = hashSecret(config.HASH_SECRET, path.resolve(config.DATA_DIR));
  const sms = await createSmsSetup({
    config, store, clock, logger, profile, detector, referrals, bot, onTurnError, hashSecret: secret,
    outboxHooks: { onFinalFailure: () => metrics.recordSmsFinalFailure(), onRetry: () => metrics.recordSmsRetry() },
  });
  handoffDelivery.useSms(sms);
  // Timeouts are also checked whenever the resident writes; this catches handoffs nobody writes in.
  const sweep = handoffs
    ? setInterval(() => {
        handoffs.sweep().catch((err: unknown) => logger.error({ errType: (err as Error).name }, 'handoff timeout sweep failed'));
      }, 60_000)
    : null;
  sweep?.unref();
  const eventRelay =
    (config.EVENT_RELAY ?? config.MULTI_INSTANCE)
      ? new EventRelay(
          { repo: store.relayEvents, hubEvents, handoffStream, handoffs: store.handoffs, logger },
          { intervalMs: config.EVENT_RELAY_INTERVAL_MS },
        ).start()
      : null;
  const retention = new RetentionJob({ store, clock, logger, settings: profile.retention });
  const stopRetention = config.RETENTION_SCHEDULE === 'on' ? scheduleRetention(retention, logger) : () => undefined;
  const residentMessenger =
    overrides.residentMessenger ?? (sms ? new SmsResidentMessenger(sms.channel) : new NotConfiguredMessenger());
  const digests = createDigestSetup({ config, store, profile, clock, logger, sms, onFailure: () => metrics.recordDigestFailure() });
  const open311 = {
    keys: new Open311Keys({ store, clock, secret, profile }),
    georeport: new GeoReport({
      store, profile, clock, referrals, detector, places: digests.places,
      // Azure AI Language's PII (names too) when configured, the local UK patterns otherwise; georeport.ts applies
      // the UK patterns again whichever answered.
      redact: async (texts) => (await language.analyser.pii(texts)).map((r) => r.redactedText),
    }),
  };

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
    open311,
    directory,
    directoryImporter,
    handoffs,
    handoffStream,
    handoffDelivery,
    eventRelay,
    close: async () => {
      if (sweep) clearInterval(sweep);
      await eventRelay?.stop();
      stopDirectoryImports();
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

/** What the resident is told when a worker joins or a handoff ends, in the short form on SMS. */
function handoffWording(profile: CouncilProfile): HandoffWording {
  const w = wording.handoff;
  const sms = (channel: string) => wording.isShortForm(channel);
  return {
    accepted: (channel) => (sms(channel) ? w.acceptedSms : w.accepted),
    endedByWorker: (channel) => (sms(channel) ? w.endedByWorkerSms : w.endedByWorker),
    waitTimedOut: (channel) => (sms(channel) ? w.waitTimedOutSms(profile.hub) : w.waitTimedOut(profile.hub)),
    idleTimedOut: (channel) => (sms(channel) ? w.idleTimedOutSms : w.idleTimedOut),
    failed: () => w.failed(profile.hub),
  };
}
