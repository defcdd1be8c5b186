import assert from 'node:assert/strict';
import { ConfigError, deploymentWarnings, loadConfig } from '../bot/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  it('when nothing is set, then it runs on the embedded defaults', () => {
    const config = loadConfig({});
    assert.equal(config.PORT, 3978);
    assert.equal(config.DATA_DIR, './data');
    assert.equal(config.COUNCIL, 'rotherham');
    assert.equal(config.MONGODB_URI, undefined);
    assert.equal(config.MICROSOFT_APP_ID, undefined);
  });

  it('when empty strings are set (as .env files do), then they count as unset', () => {
    const config = loadConfig({ MONGODB_URI: '', MICROSOFT_APP_ID: '  ' });
    assert.equal(config.MONGODB_URI, undefined);
    assert.equal(config.MICROSOFT_APP_ID, undefined);
  });

  const cases: [what: string, env: Record<string, string>, expected: RegExp][] = [
    ['a port that is not a number', { PORT: 'eighty' }, /^PORT /],
    ['a port out of range', { PORT: '70000' }, /^PORT /],
    ['a MongoDB URI with the wrong scheme', { MONGODB_URI: 'http://db:27017' }, /^MONGODB_URI must start with mongodb:\/\//],
    ['an app id without a password', { MICROSOFT_APP_ID: 'a1b2' }, /^MICROSOFT_APP_PASSWORD is required when MICROSOFT_APP_ID is set/],
    ['a single-tenant app without a tenant', { MICROSOFT_APP_ID: 'a', MICROSOFT_APP_PASSWORD: 'p', MICROSOFT_APP_TYPE: 'SingleTenant' }, /^MICROSOFT_APP_TENANT_ID is required/],
    ['an unknown app type', { MICROSOFT_APP_TYPE: 'Anyone' }, /^MICROSOFT_APP_TYPE /],
    ['a council name with a path in it', { COUNCIL: '../etc' }, /^COUNCIL must be the name of a folder under councils\//],
    ['production without a hash secret', { NODE_ENV: 'production' }, /^HASH_SECRET is required in production/],
    ['a short hash secret', { HASH_SECRET: 'short' }, /^HASH_SECRET must be at least 32 characters/],
    ['an unknown log level', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL /],
    ['an Azure AI Language endpoint without a key', { AZURE_LANGUAGE_ENDPOINT: 'https://x.cognitiveservices.azure.com' }, /^AZURE_LANGUAGE_KEY is required to use Azure AI Language/],
    ['an Azure AI Language key without an endpoint', { AZURE_LANGUAGE_KEY: 'k' }, /^AZURE_LANGUAGE_ENDPOINT is required to use Azure AI Language/],
    ['an Azure AI Language endpoint over plain http', { AZURE_LANGUAGE_ENDPOINT: 'http://x.cognitiveservices.azure.com', AZURE_LANGUAGE_KEY: 'k' }, /^AZURE_LANGUAGE_ENDPOINT must start with https:\/\//],
    ['an Azure AI Language timeout of a minute', { AZURE_LANGUAGE_TIMEOUT_MS: '60000' }, /^AZURE_LANGUAGE_TIMEOUT_MS /],
  ];
  for (const [what, env, expected] of cases) {
    it(`when given ${what}, then the message names the setting and the problem`, () => {
      const problems = problemsOf(env);
      assert.ok(problems.some((p) => expected.test(p)), problems.join('\n'));
    });
  }

  it('when several settings are wrong, then every problem is reported at once and no value is echoed', () => {
    try {
      loadConfig({ PORT: 'x', MONGODB_URI: 'postgres://secret-password@db' });
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems.length, 2);
      assert.match(err.message, /See \.env\.example/);
      assert.doesNotMatch(err.message, /secret-password/);
    }
  });

  describe('several instances behind a load balancer', () => {
    const shared = {
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb+srv://hub:pw@cluster.example.net/',
      DIRECT_LINE_SECRET: 'dl-secret',
      MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001',
      MICROSOFT_APP_TYPE: 'UserAssignedMSI',
      HASH_SECRET: 'h'.repeat(32),
      SESSION_SECRET: 's'.repeat(32),
    };

    it('when MULTI_INSTANCE=true and the store and Direct Line are shared, then it starts without warnings', () => {
      const config = loadConfig({ ...shared, MULTI_INSTANCE: 'true' });
      assert.equal(config.MULTI_INSTANCE, true);
      assert.deepEqual(deploymentWarnings(config), []);
    });

    it('when MULTI_INSTANCE=true on the embedded store and embedded Direct Line, then it refuses to start and says why', () => {
      const problems = problemsOf({ MULTI_INSTANCE: 'true' });
      for (const key of ['MONGODB_URI', 'DIRECT_LINE_SECRET', 'HASH_SECRET', 'SESSION_SECRET']) {
        assert.ok(problems.some((p) => p.startsWith(`${key} is required with MULTI_INSTANCE=true`)), problems.join('\n'));
      }
    });

    it('when MULTI_INSTANCE is unset, then it means one instance and nothing more is required', () => {
      assert.equal(loadConfig({}).MULTI_INSTANCE, false);
      assert.equal(loadConfig({ MULTI_INSTANCE: '' }).MULTI_INSTANCE, false);
      assert.ok(problemsOf({ MULTI_INSTANCE: 'yes' }).some((p) => p.startsWith('MULTI_INSTANCE ')));
    });

    it('when production runs on the embedded store without MULTI_INSTANCE, then the start-up log warns to run one instance', () => {
      const config = loadConfig({ NODE_ENV: 'production', HASH_SECRET: 'h'.repeat(32), SESSION_SECRET: 's'.repeat(32) });
      const [warning, ...rest] = deploymentWarnings(config);
      assert.equal(rest.length, 0);
      assert.match(warning ?? '', /embedded store and the embedded Direct Line: run exactly one instance/);
      assert.deepEqual(deploymentWarnings(loadConfig({})), [], 'development on the embedded defaults is the normal case');
    });

    it('when every instance would run the retention job, then the start-up log says to use one scheduled job', () => {
      const config = loadConfig({ ...shared, MULTI_INSTANCE: 'true', RETENTION_SCHEDULE: 'on' });
      assert.ok(deploymentWarnings(config).some((w) => /RETENTION_SCHEDULE=on with MULTI_INSTANCE=true/.test(w)));
    });
  });
});
