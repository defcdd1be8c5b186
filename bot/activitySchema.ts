/**
 * The smallest shape of an incoming Bot Framework activity that the adapter can act on, checked before the
 * adapter sees it so that malformed bodies get a 400 rather than an exception deep in the SDK.
 */
import { z } from 'zod';

export const incomingActivity = z.looseObject({
  type: z.string().min(1).max(64),
  channelId: z.string().min(1).max(64),
  serviceUrl: z.string().min(1).max(2048),
  conversation: z.looseObject({ id: z.string().min(1).max(512) }),
  from: z.looseObject({ id: z.string().min(1).max(512) }),
  text: z.string().max(20_000).optional(),
});
