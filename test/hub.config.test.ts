/**
 * The staff console's settings: what must be set together, and what production insists on.
 */
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../bot/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

const SECRET = 'x'.repeat(32);

describe('staff console configuration', () => {
  it('when nothing is set, then the console runs with local accounts, no proxy trust and no OpenID Connect', () => {
    const config = loadConfig({});
    assert.equal(config.SESSION_SECRET, undefined);
    assert.equal(config.HUB_TRUST_PROXY, 0);
    assert.equal(config.OIDC_ISSUER_URL, undefined);
  });

  it('when production has no SESSION_SECRET, then it refuses to start and says how to make one', () => {
    assert.ok(problemsOf({ NODE_ENV: 'production', HASH_SECRET: SECRET }).some((p) => /^SESSION_SECRET is required in production/.test(p)));
    assert.doesNotThrow(() => loadConfig({ NODE_ENV: 'production', HASH_SECRET: SECRET, SESSION_SECRET: SECRET }));
  });

  it('when SESSION_SECRET is short, then it is refused', () => {
    assert.ok(problemsOf({ SESSION_SECRET: 'short' }).some((p) => /^SESSION_SECRET must be at least 32 characters/.test(p)));
  });

  it('when only some OpenID Connect settings are set, then it says they go together', () => {
    assert.ok(problemsOf({ OIDC_ISSUER_URL: 'https://login.example.org/tenant/v2.0' }).some((p) => /must be set together/.test(p)));
  });

  it('when OpenID Connect is set without PUBLIC_URL, then it asks for it, since the redirect URI is built from it', () => {
    const env = { OIDC_ISSUER_URL: 'https://login.example.org/t/v2.0', OIDC_CLIENT_ID: 'id', OIDC_CLIENT_SECRET: 'secret' };
    assert.ok(problemsOf(env).some((p) => /^PUBLIC_URL is required for OpenID Connect/.test(p)));
    assert.equal(loadConfig({ ...env, PUBLIC_URL: 'https://hub.example.org' }).OIDC_CLIENT_ID, 'id');
  });

  it('when HUB_TRUST_PROXY is true, then it trusts one proxy; anything but a count of hops, true or false is refused', () => {
    assert.equal(loadConfig({ HUB_TRUST_PROXY: 'true' }).HUB_TRUST_PROXY, 1);
    assert.ok(problemsOf({ HUB_TRUST_PROXY: 'yes' }).some((p) => /^HUB_TRUST_PROXY/.test(p)));
  });
});
