/**
 * The botbuilder adapter behind the embedded Direct Line. A resident's activity goes through `runMiddleware`, so it
 * meets the same middleware, the same `onTurnError` and the same bot (`app.bot`) as one arriving at /api/messages;
 * only delivery differs: the bot's replies are appended to the conversation's log and pushed to its sockets
 * instead of being POSTed to a serviceUrl.
 */
import {
  ActivityTypes,
  BotAdapter,
  ShowTypingMiddleware,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { Clock } from '../../services/clock';
import type { ConversationLog } from './conversationLog';
import type { ActivityStream } from './stream';

export const DIRECT_LINE_CHANNEL_ID = 'webchat';
/** The serviceUrl of activities from the embedded Direct Line: replies go to its log, not over HTTP. */
export const EMBEDDED_SERVICE_URL = 'urn:community-hub-bot:directline';
export const BOT_ACCOUNT = { id: 'community-hub-bot', name: 'Community Hub', role: 'bot' } as const;

/** The longest `delay` activity honoured; a dialog never needs more, and a turn should not hold a request open. */
const MAX_DELAY_MS = 5000;

export class DirectLineAdapter extends BotAdapter {
  constructor(private readonly deps: { log: ConversationLog; stream: ActivityStream; clock: Clock }) {
    super();
    // The bot usually answers in milliseconds (a typing activity is sent at the start of every message turn); this
    // keeps the indicator alive through a slow turn, such as one waiting on a language service.
    this.use(new ShowTypingMiddleware(1500, 2500));
  }

  /** Runs one turn for an activity from the resident (or the join at the start of a conversation). */
  async processActivity(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const context = new TurnContext(this, activity);
    if (activity.type === ActivityTypes.Message) await this.sendTyping(context);
    await this.runMiddleware(context, logic);
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      const conversationId = activity.conversation?.id ?? context.activity.conversation.id;
      switch (activity.type) {
        case 'delay':
          await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_DELAY_MS, Number(activity.value) || 0)));
          responses.push({ id: '' });
          break;
        case ActivityTypes.InvokeResponse:
        case ActivityTypes.Trace:
          responses.push({ id: '' });
          break;
        case ActivityTypes.Typing:
          // Ephemeral, as on Azure: pushed to open sockets, not kept in the log.
          this.deps.stream.publish(conversationId, { activities: [toJson({ ...activity, timestamp: this.deps.clock.now().toISOString() })] });
          responses.push({ id: '' });
          break;
        default: {
          const { serviceUrl: _serviceUrl, ...rest } = activity;
          const { activity: stored, watermark } = await this.deps.log.append(conversationId, toJson(rest));
          this.deps.stream.publish(conversationId, { activities: [stored], watermark });
          responses.push({ id: stored.id });
        }
      }
    }
    return responses;
  }

  override async updateActivity(): Promise<void> {
    throw new Error('The embedded Direct Line cannot change a sent activity');
  }

  override async deleteActivity(): Promise<void> {
    throw new Error('The embedded Direct Line cannot delete a sent activity');
  }

  /** Proactive messages (a hub worker replying, a reminder) into an embedded Direct Line conversation. */
  override async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  private async sendTyping(context: TurnContext): Promise<void> {
    const reference = TurnContext.getConversationReference(context.activity);
    await this.sendActivities(context, [TurnContext.applyConversationReference({ type: ActivityTypes.Typing }, reference)]);
  }
}

function toJson(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
