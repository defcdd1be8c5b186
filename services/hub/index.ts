/**
 * The staff console's services, built from the application's store, clock and profile.
 */
import type { Clock } from '../clock';
import type { CouncilProfile } from '../council/types';
import type { Store } from '../store/types';
import { HubAuditor } from './auditor';
import type { HubEvents } from './events';
import { QueueService } from './queueService';
import type { ResidentMessenger } from './residentMessenger';
import { StaffService } from './staffService';
import { SubjectAccessService } from './subjectAccess';

export interface HubServices {
  auditor: HubAuditor;
  staff: StaffService;
  queue: QueueService;
  subjectAccess: SubjectAccessService;
  events: HubEvents;
}

export function createHubServices(deps: {
  store: Store;
  clock: Clock;
  profile: CouncilProfile;
  events: HubEvents;
  messenger: ResidentMessenger;
  /** For subject access: the SMS conversation id of a number, when SMS is set up. */
  smsConversationFor?: (e164: string) => string;
}): HubServices {
  const auditor = new HubAuditor(deps.store.audit, deps.clock);
  return {
    auditor,
    staff: new StaffService({ store: deps.store, clock: deps.clock, auditor }),
    queue: new QueueService({ ...deps, auditor }),
    subjectAccess: new SubjectAccessService({
      store: deps.store,
      clock: deps.clock,
      auditor,
      ...(deps.smsConversationFor ? { smsConversationFor: deps.smsConversationFor } : {}),
    }),
    events: deps.events,
  };
}
