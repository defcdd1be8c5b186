/**
 * The far side of /api/messages for proactive messages: a local stand-in for a Bot Connector service (Azure Bot
 * Service, the Emulator). Records every activity the bot POSTs to `/v3/conversations/{id}/activities[/{replyTo}]`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PostedActivity {
  conversationId: string;
  activity: { type: string; text?: string; name?: string };
}

export class ConnectorStandIn {
  readonly posted: PostedActivity[] = [];
  private server: http.Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const match = /^\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
        if (req.method === 'POST' && match) {
          this.posted.push({ conversationId: decodeURIComponent(match[1] ?? ''), activity: JSON.parse(body) as PostedActivity['activity'] });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: `posted-${this.posted.length}` }));
          return;
        }
        res.writeHead(404);
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  textsTo(conversationId: string): string[] {
    return this.posted.filter((p) => p.conversationId === conversationId && p.activity.type === 'message').map((p) => p.activity.text ?? '');
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
