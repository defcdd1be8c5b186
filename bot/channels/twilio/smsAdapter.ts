/**
 * The SMS channel's Bot Framework adapter. It goes through `runMiddleware`, so SMS turns get the same middleware
 * and the same `onTurnError` as every other channel; what the bot sends in a turn is collected and returned to the
 * caller, which renders it as texts and puts them in the outbox.
 */
import { randomUUID } from 'node:crypto';
import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import { TurnKeys } from '../../../dialogs/ids';

const SENT = Symbol('sms.sent');
/**
 * The resident's number (E.164) for this turn, for a live handoff: replies to a handoff go out through the outbox,
 * which needs the number, and the conversation id is only its HMAC. Never put in state or logs.
 */
export const SMS_NUMBER = Symbol('sms.number');

export interface InboundText {
  messageSid: string;
  conversationId: string;
  text: string;
  /** Our Twilio number or messaging service, as the bot's identity. */
  botId: string;
  receivedAt: string;
  /** The sender's number, when still known (see SMS_NUMBER). */
  from?: string;
}

export class SmsAdapter extends BotAdapter {
  /** Runs one resident turn and returns the activities the bot sent, in order. */
  async processInbound(inbound: InboundText, logic: (context: TurnContext) => Promise<void>): Promise<Partial<Activity>[]> {
    const activity: Partial<Activity> = {
      type: ActivityTypes.Message,
      id: inbound.messageSid,
      channelId: 'sms',
      serviceUrl: 'https://sms.invalid/',
      conversation: { id: inbound.conversationId, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: inbound.conversationId, name: '', role: 'user' },
      recipient: { id: inbound.botId, name: '', role: 'bot' },
      text: inbound.text,
      timestamp: new Date(inbound.receivedAt),
      locale: 'en-GB',
    };
    const context = new TurnContext(this, activity);
    const sent: Partial<Activity>[] = [];
    context.turnState.set(SENT, sent);
    context.turnState.set(TurnKeys.conversationId, inbound.conversationId);
    if (inbound.from) context.turnState.set(SMS_NUMBER, inbound.from);
    await this.runMiddleware(context, logic);
    return sent;
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const sent = context.turnState.get(SENT) as Partial<Activity>[] | undefined;
    if (!sent) throw new Error('SMS replies can only be sent inside a turn; use the outbox for proactive texts');
    for (const activity of activities) {
      if (activity.type === ActivityTypes.Message) sent.push(activity);
    }
    return activities.map(() => ({ id: randomUUID() }));
  }

  async updateActivity(): Promise<void> {
    throw new Error('A text message cannot be changed once sent');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('A text message cannot be deleted once sent');
  }

  async continueConversation(_reference: Partial<ConversationReference>, _logic: (context: TurnContext) => Promise<void>): Promise<void> {
    throw new Error('Proactive SMS goes through the outbox (SmsChannel.sendToResident), not a bot turn');
  }
}
