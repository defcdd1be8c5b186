/**
 * OpenID Connect sign-in against a local stand-in provider: the authorization code flow with PKCE, end to end
 * through the real server.
 */
import assert from 'node:assert/strict';
import { createStaffFast, HubClient } from './support/hubClient';
import { startStandInIssuer, type StandInIssuer } from './support/oidcIssuer';
import { startTestApp, type TestApp } from './support/testApp';

describe('OpenID Connect sign-in', () => {
  let issuer: StandInIssuer;
  let t: TestApp;

  beforeEach(async () => {
    issuer = await startStandInIssuer();
    t = await startTestApp({
      env: {
        OIDC_ISSUER_URL: issuer.url,
        OIDC_CLIENT_ID: issuer.clientId,
        OIDC_CLIENT_SECRET: issuer.clientSecret,
        // The real port is known only once the server listens; set just below.
        PUBLIC_URL: 'http://127.0.0.1:1',
      },
    });
    t.app.config.PUBLIC_URL = t.url.replace('localhost', '127.0.0.1');
    await createStaffFast(t.app, 'hub-worker', 1);
  });
  afterEach(async () => {
    await t.stop();
    await issuer.close();
  });

  /** Follows the redirects a browser would: console → provider → console callback. */
  async function signInThroughProvider(client: HubClient): Promise<{ status: number; location: string | null }> {
    const start = await client.get('/hub/login/oidc');
    assert.equal(start.status, 302);
    const toProvider = start.headers.get('location') ?? '';
    const atProvider = await fetch(toProvider, { redirect: 'manual' });
    const back = new URL(atProvider.headers.get('location') ?? '');
    const done = await client.get(`${back.pathname}${back.search}`);
    return { status: done.status, location: done.headers.get('location') };
  }

  it('when a member of staff with a hub account signs in at the provider, then they get a session, using PKCE with S256', async () => {
    issuer.signInAs = { sub: 'entra-123', email: 'HUB-WORKER-1@example.org' };
    const client = new HubClient(t.url);

    const result = await signInThroughProvider(client);

    assert.deepEqual(result, { status: 303, location: '/hub' });
    const [authorize] = issuer.authorizeRequests;
    assert.equal(authorize?.get('code_challenge_method'), 'S256');
    assert.ok((authorize?.get('code_challenge') ?? '').length >= 43);
    assert.ok(authorize?.get('state'));
    assert.ok(authorize?.get('nonce'));
    assert.equal(authorize?.get('redirect_uri'), `${t.app.config.PUBLIC_URL}/hub/login/oidc/callback`);
    assert.ok(issuer.tokenRequests[0]?.get('code_verifier'));
    const session = await client.get<{ signedIn: boolean; staff: { email: string } }>('/api/hub/session');
    assert.equal(session.body.signedIn, true);
    assert.equal(session.body.staff.email, 'hub-worker-1@example.org');
    const [entry] = await t.app.store.audit.list({ action: 'hub.session.signed-in' });
    assert.equal(entry?.detail['method'], 'oidc');
  });

  it('when the provider vouches for someone with no hub account, then they are refused and get no session', async () => {
    issuer.signInAs = { sub: 'entra-999', email: 'stranger@example.org' };
    const client = new HubClient(t.url);

    const result = await signInThroughProvider(client);

    assert.equal(result.status, 403);
    assert.equal((await client.get<{ signedIn: boolean }>('/api/hub/session')).body.signedIn, false);
  });

  it('when the callback comes without the flow cookie or with a forged state, then sign-in fails', async () => {
    issuer.signInAs = { sub: 'entra-123', email: 'hub-worker-1@example.org' };
    const client = new HubClient(t.url);
    const start = await client.get('/hub/login/oidc');
    const atProvider = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
    const back = new URL(atProvider.headers.get('location') ?? '');

    const stranger = await new HubClient(t.url).get(`${back.pathname}${back.search}`);
    back.searchParams.set('state', 'forged');
    const forged = await client.get(`${back.pathname}${back.search}`);

    assert.equal(stranger.status, 400);
    assert.equal(forged.status, 400);
    assert.equal(client.cookie('hub_session'), undefined);
  });

  it('when the sign-in page is shown, then it offers the council account button', async () => {
    const page = await new HubClient(t.url).get<string>('/hub/login');
    assert.match(page.body, /Sign in with your council account/);
  });
});
