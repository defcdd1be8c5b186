/**
 * Builds ward digests from the configuration: the council's place list, the mailer (SMTP or GOV.UK Notify, or none),
 * texts through the SMS channel, and the in-server schedule when `DIGEST_SCHEDULE=on`.
 */
import path from 'node:path';
import type { Clock } from '../services/clock';
import type { CouncilProfile } from '../services/council/types';
import { createMailer, type Mailer } from '../services/digests/mailer';
import { PlaceList } from '../services/digests/places';
import { DigestScheduler } from '../services/digests/scheduler';
import { DigestService, type DigestTextSender } from '../services/digests/service';
import type { Logger } from '../services/logger';
import type { Store } from '../services/store/types';
import type { SmsSetup } from './channels/twilio/setup';
import type { Config } from './config';

export interface DigestSetup {
  service: DigestService;
  /** Null unless DIGEST_SCHEDULE=on. */
  scheduler: DigestScheduler | null;
  mailer: Mailer | null;
  places: PlaceList;
  close(): Promise<void>;
}

export interface DigestSetupDeps {
  config: Config;
  store: Store;
  profile: CouncilProfile;
  clock: Clock;
  logger: Logger;
  sms: SmsSetup | null;
  councilsDir?: string;
  /** Counts a digest that could not be built or sent (hub_digest_failures_total). */
  onFailure?: () => void;
}

export function createDigestSetup(deps: DigestSetupDeps): DigestSetup {
  const { config, store, profile, clock, logger, sms } = deps;
  const places = PlaceList.load(deps.councilsDir ? path.join(deps.councilsDir, profile.id) : profile.dir, profile.wards);
  const mailer = createMailer(config);
  // Councillors who gave a mobile get a summary through the same outbox as residents' texts, which refuses a
  // number that replied STOP.
  const texts: DigestTextSender | null = sms
    ? { send: async (e164, text) => (await sms.channel.sendToResident(e164, text))[0]?.id ?? null }
    : null;
  const service = new DigestService({ store, profile, places, clock, logger, mailer, texts, onFailure: deps.onFailure });
  const scheduler = config.DIGEST_SCHEDULE === 'on' ? new DigestScheduler({ service, locks: store.locks, clock, logger }) : null;
  if (scheduler) {
    if (!mailer) logger.warn('DIGEST_SCHEDULE is on but neither SMTP_URL nor NOTIFY_API_KEY is set: email digests will fail until one is');
    scheduler.start();
  }
  return {
    service,
    scheduler,
    mailer,
    places,
    close: async () => {
      await scheduler?.close();
      await mailer?.close();
    },
  };
}
