/**
 * Joins the live queue from inside a dialog turn (dialogs/personRequest.ts calls it through `PersonRequests`), and
 * tells a contact-centre product on the channel about it with Bot Framework's `handoff.initiate` event.
 */
import { EventFactory, type TurnContext } from 'botbuilder';
import type { PersonRequests } from '../dialogs/deps';
import { TurnKeys } from '../dialogs/ids';
import type { HandoffService } from '../services/handoff/handoffService';
import type { UrgencyReason } from '../services/referrals/model';
import { addressOf } from './handoffDelivery';

export class HandoffBridge implements PersonRequests {
  constructor(private readonly handoffs: HandoffService) {}

  async join(context: TurnContext, journey: Record<string, unknown>): Promise<{ position: number; waitMinutes: number; created: boolean }> {
    const conversationId = (context.turnState.get(TurnKeys.conversationId) as string | undefined) ?? context.activity.conversation.id;
    const urgency = (context.turnState.get(TurnKeys.urgency) as UrgencyReason[] | undefined) ?? [];
    const place = await this.handoffs.request({
      conversationId,
      channel: context.activity.channelId,
      address: addressOf(context),
      journey,
      urgent: urgency.length > 0,
    });
    // SMS has no events; every other channel gets handoff.initiate, which an agent hub (Omnichannel, Genesys,
    // LivePerson connectors) acts on. The console ignores it; the resident's client does not show events.
    if (place.created && context.activity.channelId !== 'sms') {
      await context.sendActivity(
        EventFactory.createHandoffInitiation(context, {
          handoffId: place.handoff.id,
          mode: place.handoff.mode,
          position: place.position,
          waitMinutes: place.waitMinutes,
          urgent: place.handoff.urgent,
          journey,
        }),
      );
    }
    return { position: place.position, waitMinutes: place.waitMinutes, created: place.created };
  }
}
