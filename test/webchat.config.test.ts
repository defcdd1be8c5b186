/**
 * The web chat settings: Azure's Direct Line is opt-in with DIRECT_LINE_SECRET, and only makes sense with the
 * Azure Bot registration it reaches the bot through.
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

describe('web chat configuration', () => {
  it('when nothing is set, then the embedded Direct Line is used and the Azure endpoint defaults to the global one', () => {
    const config = loadConfig({});
    assert.equal(config.DIRECT_LINE_SECRET, undefined);
    assert.equal(config.DIRECT_LINE_ENDPOINT, 'https://directline.botframework.com');
  });

  it('when a regional endpoint is given with a trailing slash, then it is kept without the slash', () => {
    const config = loadConfig({ DIRECT_LINE_ENDPOINT: 'https://europe.directline.botframework.com/' });
    assert.equal(config.DIRECT_LINE_ENDPOINT, 'https://europe.directline.botframework.com');
  });

  it('when the endpoint is not a URL, then the message names DIRECT_LINE_ENDPOINT', () => {
    assert.ok(problemsOf({ DIRECT_LINE_ENDPOINT: 'directline' }).some((p) => /^DIRECT_LINE_ENDPOINT must be a full URL/.test(p)));
  });

  it('when a Direct Line secret is set without an Azure Bot app id, then it says the app id is required and never echoes the secret', () => {
    const problems = problemsOf({ DIRECT_LINE_SECRET: 'very-secret-value' });
    assert.ok(problems.some((p) => /^MICROSOFT_APP_ID is required when DIRECT_LINE_SECRET is set/.test(p)), problems.join('\n'));
    assert.doesNotMatch(problems.join('\n'), /very-secret-value/);
  });

  it('when a Direct Line secret is set with an Azure Bot registration, then it loads', () => {
    const config = loadConfig({ DIRECT_LINE_SECRET: 's3cret', MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'pw' });
    assert.equal(config.DIRECT_LINE_SECRET, 's3cret');
  });
});
