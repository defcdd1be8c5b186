/**
 * Builds the SMS channel from the configuration: real Twilio when an account is configured; otherwise (outside
 * production) a local simulator, so `npm start` then `npm run sms` works with no account at all.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TurnContext } from 'botbuilder';
import type { Clock } from '../../../services/clock';
import type { CouncilProfile } from '../../../services/council/types';
import type { Logger } from '../../../services/logger';
import type { ReferralService } from '../../../services/referrals/referralService';
import type { SafeguardingDetector } from '../../../services/safeguarding/types';
import { SmsOutbox, type SmsOutboxOptions } from '../../../services/sms/outbox';
import { PerSenderRateLimiter } from '../../../services/sms/rateLimiter';
import { TwilioSender } from '../../../services/sms/twilioSender';
import type { Store } from '../../../services/store/types';
import { instanceId, type Config } from '../../config';
import type { SmsRouteConfig } from './routes';
import { SmsChannel } from './smsChannel';
import { TwilioStandIn } from './twilioStandIn';

export interface SmsSetup {
  channel: SmsChannel;
  outbox: SmsOutbox;
  routes: SmsRouteConfig;
  /** Present when simulating Twilio locally. */
  simulator: TwilioStandIn | null;
  /** Called once the server knows its port (the simulator's webhook URL depends on it). */
  onListening(port: number): void;
  close(): Promise<void>;
}

/** The file `npm run sms` reads to find and sign for the local simulator. */
export const SIMULATOR_FILE = 'sms-simulator.json';
export const SIMULATED_BOT_NUMBER = '+447700900000';

export interface SmsSetupDeps {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  profile: CouncilProfile;
  detector: SafeguardingDetector;
  referrals: ReferralService;
  bot: { run(context: TurnContext): Promise<void> };
  onTurnError: (context: TurnContext, error: Error) => Promise<void>;
  hashSecret: string;
  /** Outbox hooks (metrics): final failures and retries. */
  outboxHooks?: Pick<SmsOutboxOptions, 'onFinalFailure' | 'onRetry'>;
}

export async function createSmsSetup(deps: SmsSetupDeps): Promise<SmsSetup | null> {
  const { config } = deps;
  const configured = Boolean(config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_WEBHOOK_URL);
  const simulate =
    !configured && (config.SMS_SIMULATOR === 'on' || (config.SMS_SIMULATOR === 'auto' && config.NODE_ENV === 'development'));
  if (!configured && !simulate) return null;

  let simulator: TwilioStandIn | null = null;
  let accountSid: string;
  let authToken: string;
  let webhookUrl: string;
  let apiBaseUrl = config.TWILIO_API_URL;
  let from = config.TWILIO_PHONE_NUMBER;
  if (configured) {
    accountSid = config.TWILIO_ACCOUNT_SID as string;
    authToken = config.TWILIO_AUTH_TOKEN as string;
    webhookUrl = config.TWILIO_WEBHOOK_URL as string;
  } else {
    const derive = (label: string) => createHash('sha256').update(`${deps.hashSecret}:${label}`).digest('hex');
    accountSid = `AC${derive('account').slice(0, 32)}`;
    authToken = derive('token').slice(0, 32);
    webhookUrl = `http://localhost:${config.PORT}/api/sms`;
    simulator = await new TwilioStandIn(accountSid, authToken).start();
    apiBaseUrl = simulator.url;
    from = SIMULATED_BOT_NUMBER;
  }
  const statusCallbackUrl = config.TWILIO_STATUS_CALLBACK_URL ?? `${webhookUrl.replace(/\/$/, '')}/status`;
  const routes: SmsRouteConfig = { accountSid, authToken, webhookUrl, statusCallbackUrl };

  const sender = new TwilioSender({
    accountSid,
    authToken,
    ...(from ? { from } : {}),
    ...(config.TWILIO_MESSAGING_SERVICE_SID ? { messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID } : {}),
    ...(simulator ? {} : { statusCallbackUrl }),
    ...(apiBaseUrl ? { apiBaseUrl } : {}),
  });
  const outbox = new SmsOutbox({ repo: deps.store.sms, sender, clock: deps.clock, logger: deps.logger }, { ...deps.outboxHooks, owner: instanceId(config) });
  const channel = new SmsChannel({
    bot: deps.bot,
    store: deps.store,
    outbox,
    clock: deps.clock,
    logger: deps.logger,
    profile: deps.profile,
    detector: deps.detector,
    referrals: deps.referrals,
    rateLimiter: new PerSenderRateLimiter(deps.clock, config.SMS_RATE_LIMIT, config.SMS_RATE_WINDOW_SECONDS * 1000),
    hashSecret: deps.hashSecret,
    botId: config.TWILIO_MESSAGING_SERVICE_SID ?? from ?? 'sms',
    onTurnError: deps.onTurnError,
    owner: instanceId(config),
  });

  return {
    channel,
    outbox,
    routes,
    simulator,
    onListening(port: number) {
      outbox.start();
      void channel.resumePending().then((n) => n && deps.logger.info({ count: n }, 'replaying sms received before a restart'));
      channel.startResuming();
      if (!simulator) return;
      routes.webhookUrl = `http://localhost:${port}/api/sms`;
      routes.statusCallbackUrl = `${routes.webhookUrl}/status`;
      const file = path.join(path.resolve(config.DATA_DIR), SIMULATOR_FILE);
      const description = { webhookUrl: routes.webhookUrl, accountSid, authToken, botNumber: SIMULATED_BOT_NUMBER, standInUrl: simulator.url };
      fs.writeFileSync(file, JSON.stringify(description, null, 2), { mode: 0o600 });
    },
    async close() {
      channel.stopResuming();
      outbox.stop();
      await channel.idle();
      await simulator?.stop();
    },
  };
}
