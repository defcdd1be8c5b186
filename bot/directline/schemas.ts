/**
 * The bodies the embedded Direct Line accepts, checked before anything acts on them. Only the fields the bot or Web
 * Chat need are kept from a resident's activity; everything else a client sends is dropped, not stored.
 */
import { z } from 'zod';

/** Far more than a resident types; the dialogs re-prompt politely for anything over their own limits. */
export const MAX_TEXT_LENGTH = 5000;
export const MAX_ACTIVITY_BYTES = 32 * 1024;

const account = z.looseObject({
  id: z.string().min(1).max(128),
  name: z.string().max(100).optional(),
});

/** `POST /conversations`: Web Chat sends `{user: {id}, locale}`, or nothing. */
export const startConversationBody = z
  .looseObject({
    user: z.looseObject({ id: z.string().min(1).max(128).optional() }).optional(),
    locale: z.string().max(20).optional(),
  })
  .optional();

/** `POST /conversations/:id/activities`: a message (text only; there is no upload) or a typing signal. */
export const postedActivity = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('message'),
    text: z.string().max(MAX_TEXT_LENGTH).optional(),
    textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
    locale: z.string().max(20).optional(),
    from: account,
    channelData: z
      .looseObject({ clientActivityID: z.string().max(100).optional(), clientTimestamp: z.string().max(40).optional() })
      .optional(),
    attachments: z.array(z.unknown()).max(0, { message: 'attachments are not accepted' }).optional(),
  }),
  z.looseObject({ type: z.literal('typing'), from: account.optional() }),
]);
export type PostedActivity = z.infer<typeof postedActivity>;
