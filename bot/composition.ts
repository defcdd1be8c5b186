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
  type TurnContext,
} from 'botbuilder';
import { systemClock, type Clock } from '../services/clock';
import { loadCouncilProfile } from '../services/council/loadProfile';
import { withPostcodeLookup } from '../services/council/postcodesIo';
import type { CouncilProfile } from '../services/council/types';
import { createLogger, type Logger } from '../services/logger';
import { ReferralService } from '../services/referrals/referralService';
import { createSafeguardingDetector } from '../services/safeguarding/detector';
import type { SafeguardingDetector } from '../services/safeguarding/types';
import { openStore } from '../services/store';
import type { Store } from '../services/store/types';
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
  adapter: CloudAdapter;
  bot: { run(context: TurnContext): Promise<void> };
  /** Null when SMS is neither configured nor simulated. */
  sms: SmsSetup | null;
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
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger({ level: config.LOG_LEVEL });
  const clock = overrides.clock ?? systemClock;
  const profile = overrides.profile ?? withPostcodeLookup(loadCouncilProfile(config.COUNCIL), config);
  const store =
    overrides.store ??
    (await openStore({
      dataDir: path.resolve(config.DATA_DIR),
      ...(config.MONGODB_URI ? { mongodbUri: config.MONGODB_URI, mongodbDb: config.MONGODB_DB } : {}),
    }));
  const detector = createSafeguardingDetector();
  const referrals = new ReferralService({ store, profile, clock, logger });

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
  const residentBot = new ResidentBot({ conversationState, detector, referrals, logger, profile, clock });
  const bot = overrides.bot ?? residentBot;
  const secret = hashSecret(config.HASH_SECRET, path.resolve(config.DATA_DIR));
  const sms = await createSmsSetup({ config, store, clock, logger, profile, detector, referrals, bot, onTurnError, hashSecret: secret });
  const digests = createDigestSetup({ config, store, profile, clock, logger, sms });

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
    sms,
    digests,
    close: async () => {
      await digests.close();
      await sms?.close();
      await store.close();
    },
  };
}
