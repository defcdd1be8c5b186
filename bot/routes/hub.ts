/**
 * The staff console and its API (issue 5): `registerHub(server, app)` is the one line bot/server.ts needs.
 */
import type { Request, Response, Server } from 'restify';
import { createHubServices } from '../../services/hub';
import type { App } from '../composition';
import { registerHubApi } from './hubApi';
import { registerHubConsole } from './hubConsole';
import { createHubHttpContext } from './hubHttp';
import { registerHubOidc } from './hubOidc';
import { hubOpenApiDocument } from './hubOpenApi';

export function registerHub(server: Server, app: App): void {
  const sms = app.sms;
  const hub = createHubServices({
    store: app.store,
    clock: app.clock,
    profile: app.profile,
    events: app.hubEvents,
    messenger: app.residentMessenger,
    ...(sms ? { smsConversationFor: (e164: string) => sms.channel.conversationIdFor(e164) } : {}),
  });
  const ctx = createHubHttpContext(hub, app.config);
  const openApi = hubOpenApiDocument();
  server.get('/api/hub/openapi.json', async (_req: Request, res: Response) => {
    res.json(openApi);
  });
  registerHubApi(server, app, ctx);
  registerHubOidc(server, app, ctx);
  registerHubConsole(server, app, ctx);
}
