/**
 * "Deliver this line to the resident's conversation", whatever channel they came on. The one channel-neutral way
 * out for a live handoff (services/handoff talks to it through `ResidentChannel`):
 *
 * - SMS: through the SMS channel's outbox (`sendToResident`: the opt-out check, retries, delivery status);
 * - embedded Direct Line (the default web chat): a proactive turn on its adapter, which appends to the
 *   conversation's log and pushes to open WebSockets, so Web Chat shows it at once (or at its next poll);
 * - anything else that came through /api/messages (Azure Direct Line, Teams, the Emulator): the CloudAdapter's
 *   `continueConversationAsync` with the stored conversation reference.
 */
import { TurnContext, type BotAdapter, type CloudAdapter, type ConversationReference } from 'botbuilder';
import { z } from 'zod';
import { AppError } from '../services/errors';
import type { ResidentChannel } from '../services/handoff/handoffService';
import type { Handoff, HandoffAddress } from '../services/handoff/model';
import type { SmsSetup } from './channels/twilio/setup';
import { SMS_NUMBER } from './channels/twilio/smsAdapter';
import { EMBEDDED_SERVICE_URL } from './directline/adapter';

/** What a stored reference must hold for a proactive message to reach anyone. */
const storedReference = z.looseObject({
  channelId: z.string().min(1),
  serviceUrl: z.string().min(1),
  conversation: z.looseObject({ id: z.string().min(1) }),
});

export class HandoffDelivery implements ResidentChannel {
  private embedded: BotAdapter | null = null;
  private sms: SmsSetup | null = null;

  constructor(private readonly deps: { adapter: CloudAdapter; appId: string }) {}

  /** The SMS channel is built after the bot (it runs the bot), so it is plugged in afterwards. */
  useSms(sms: SmsSetup | null): void {
    this.sms = sms;
  }

  /** The embedded Direct Line registers itself when the web chat routes are set up. */
  useEmbeddedDirectLine(adapter: BotAdapter): void {
    this.embedded = adapter;
  }

  async deliver(handoff: Handoff, text: string): Promise<void> {
    const address = handoff.address;
    switch (address.kind) {
      case 'sms': {
        if (!this.sms) throw new AppError('unavailable', 'Text messages cannot be sent: the SMS channel is not set up.');
        await this.sms.channel.sendToResident(address.phone, text);
        return;
      }
      case 'embedded-directline': {
        if (!this.embedded) throw new AppError('unavailable', 'The web chat is not running on this server.');
        await this.embedded.continueConversation(referenceOf(address.reference), async (context) => {
          await context.sendActivity(text);
        });
        return;
      }
      case 'botframework':
        await this.deps.adapter.continueConversationAsync(this.deps.appId, referenceOf(address.reference), async (context) => {
          await context.sendActivity(text);
        });
        return;
    }
  }
}

function referenceOf(stored: Record<string, unknown>): Partial<ConversationReference> {
  const checked = storedReference.safeParse(stored);
  if (!checked.success) throw new AppError('conflict', "The resident's conversation can no longer be reached.");
  return checked.data as unknown as Partial<ConversationReference>;
}

/** How to reach the resident of this turn later, from outside any turn. */
export function addressOf(context: TurnContext): HandoffAddress {
  const { activity } = context;
  if (activity.channelId === 'sms') {
    const phone = context.turnState.get(SMS_NUMBER) as string | undefined;
    if (!phone) throw new Error('an SMS turn without its number');
    return { kind: 'sms', phone };
  }
  const reference = JSON.parse(JSON.stringify(TurnContext.getConversationReference(activity))) as Record<string, unknown>;
  return activity.serviceUrl === EMBEDDED_SERVICE_URL ? { kind: 'embedded-directline', reference } : { kind: 'botframework', reference };
}
