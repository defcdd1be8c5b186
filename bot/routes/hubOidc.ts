/**
 * OpenID Connect sign-in for the staff console (e.g. Microsoft Entra ID). Enabled when OIDC_ISSUER_URL,
 * OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set.
 */
import type { Server } from 'restify';
import type { App } from '../composition';
import type { HubHttpContext } from './hubHttp';

export function isOidcEnabled(ctx: HubHttpContext): boolean {
  return Boolean(ctx.config.OIDC_ISSUER_URL && ctx.config.OIDC_CLIENT_ID && ctx.config.OIDC_CLIENT_SECRET);
}

export function registerHubOidc(_server: Server, _app: App, _ctx: HubHttpContext): void {
  // Filled in below in a later commit.
}
