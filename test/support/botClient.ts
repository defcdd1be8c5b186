/**
 * Talks to the real server over HTTP exactly as the Emulator or any Bot Framework client would, using
 * `deliveryMode: "expectReplies"` so the bot's replies come back in the response body.
 */
import { randomUUID } from 'node:crypto';

export interface ReplyActivity {
  type: string;
  text?: string;
  suggestedActions?: { actions: { title?: string; value?: unknown }[] };
}

export class BotClient {
  readonly conversationId: string;
  /** Every reply, in order, for assertions about the whole conversation. */
  readonly transcript: { from: 'resident' | 'bot'; text: string }[] = [];
  lastReplies: ReplyActivity[] = [];

  constructor(
    private readonly baseUrl: string,
    options: { conversationId?: string; channelId?: string } = {},
  ) {
    this.conversationId = options.conversationId ?? `test-${randomUUID()}`;
    this.channelId = options.channelId ?? 'emulator';
  }

  private readonly channelId: string;

  async post(activity: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: randomUUID(),
        channelId: this.channelId,
        serviceUrl: 'http://127.0.0.1:9',
        conversation: { id: this.conversationId },
        from: { id: 'resident', role: 'user' },
        recipient: { id: 'community-hub-bot', role: 'bot' },
        timestamp: new Date(0).toISOString(),
        deliveryMode: 'expectReplies',
        ...activity,
      }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** Sends a message and returns the text of every reply, joined with newlines. */
  async say(text: string | undefined, extra: Record<string, unknown> = {}): Promise<string> {
    const { status, body } = await this.post({ type: 'message', ...(text === undefined ? {} : { text }), ...extra });
    if (status !== 200) throw new Error(`POST /api/messages answered ${status}: ${JSON.stringify(body)}`);
    const activities = ((body as { activities?: ReplyActivity[] } | undefined)?.activities ?? []).filter((a) => a.type === 'message');
    this.lastReplies = activities;
    this.transcript.push({ from: 'resident', text: text ?? '' });
    for (const a of activities) this.transcript.push({ from: 'bot', text: a.text ?? '' });
    return activities.map((a) => a.text ?? '').join('\n');
  }

  async join(): Promise<string> {
    const { body } = await this.post({
      type: 'conversationUpdate',
      membersAdded: [{ id: 'resident' }],
    });
    const activities = ((body as { activities?: ReplyActivity[] } | undefined)?.activities ?? []).filter((a) => a.type === 'message');
    this.lastReplies = activities;
    return activities.map((a) => a.text ?? '').join('\n');
  }

  /** Titles of the buttons offered with the last replies. */
  buttons(): string[] {
    return this.lastReplies.flatMap((a) => a.suggestedActions?.actions.map((x) => x.title ?? '') ?? []);
  }
}
