/**
 * The composition root: builds every part from the configuration. Nothing is wired at import time, so tests can
 * build the real application with their own data directory, clock and council profile.
 */
import path from 'node:path';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import { systemClock, type Clock } from '../services/clock';
import { loadCouncilProfile } from '../services/council/loadProfile';
import { HubEvents } from '../services/hub/events';
import { NotConfiguredMessenger, type ResidentMessenger } from '../services/hub/residentMessenger';
import type { CouncilProfile } from '../services/council/types';
import { createLogger, type Logger } from '../services/logger';
import { ReferralService } from '../services/referrals/referralService';
import { createSafeguardingDetector } from '../services/safeguarding/detector';
import type { SafeguardingDetector } from '../services/safeguarding/types';
import { openStore } from '../services/store';
import type { Store } from '../services/store/types';
import type { Config } from './config';
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
  adapter: CloudAdapter;
  bot: ResidentBot;
  /** Staff console (issue 5): live queue updates, and texts to residents (the SMS channel plugs in here). */
  hubEvents: HubEvents;
  residentMessenger: ResidentMessenger;
  close(): Promise<void>;
}

export interface AppOverrides {
  logger?: Logger;
  clock?: Clock;
  profile?: CouncilProfile;
  store?: Store;
  residentMessenger?: ResidentMessenger;
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger({ level: config.LOG_LEVEL });
  const clock = overrides.clock ?? systemClock;
  const profile = overrides.profile ?? loadCouncilProfile(config.COUNCIL);
  const store =
    overrides.store ??
    (await openStore({
      dataDir: path.resolve(config.DATA_DIR),
      ...(config.MONGODB_URI ? { mongodbUri: config.MONGODB_URI, mongodbDb: config.MONGODB_DB } : {}),
    }));
  const detector = createSafeguardingDetector();
  const hubEvents = new HubEvents();
  const referrals = new ReferralService({
    store,
    profile,
    clock,
    logger,
    onSubmitted: (referral) => hubEvents.publish('referral.created', referral),
  });

  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MICROSOFT_APP_ID ?? '',
    MicrosoftAppPassword: config.MICROSOFT_APP_PASSWORD ?? '',
    MicrosoftAppType: config.MICROSOFT_APP_TYPE,
    MicrosoftAppTenantId: config.MICROSOFT_APP_TENANT_ID ?? '',
  } as ConfigurationBotFrameworkAuthenticationOptions);
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = createOnTurnError({ logger, hubPhone: profile.hub.phone });

  const conversationState = new ConversationState(new StoreStorage(store.botState));
  const bot = new ResidentBot({ conversationState, detector, referrals, logger, profile, clock });

  return {
    config,
    logger,
    clock,
    store,
    profile,
    detector,
    referrals,
    adapter,
    bot,
    hubEvents,
    residentMessenger: overrides.residentMessenger ?? new NotConfiguredMessenger(),
    close: () => store.close(),
  };
}
