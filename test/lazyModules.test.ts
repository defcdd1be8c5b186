/**
 * Heavy modules load when first needed, not at start-up (docs/BENCHMARKS.md, memory): Recognizers-Text and Bot
 * Service's token libraries (bot/lazyModules.ts), and franc-all (services/language/localAnalyser.ts). In a fresh process, because the
 * mocha process may have loaded them already.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

interface Step {
  step: string;
  reply: string;
  loaded: Record<string, boolean>;
}

describe('lazily loaded modules', function () {
  this.timeout(120_000);
  let steps: Step[];
  let esModule: Record<string, { standIn: boolean; real: unknown }>;
  before(() => {
    const probe = path.join(__dirname, 'support', 'lazyModulesProbe.ts');
    const output = execFileSync(process.execPath, ['--no-deprecation', '--import', 'tsx', probe], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'silent' } });
    ({ report: steps, esModule } = JSON.parse(output.trim().split('\n').at(-1) as string) as { report: Step[]; esModule: typeof esModule });
  });
  const at = (name: string) => steps.find((s) => s.step === name) as Step;

  it('when the app has started, then no Recognizers-Text bundle, Bot Service token library or franc-all has been loaded', () => {
    assert.deepEqual(at('started').loaded, {
      '@microsoft/recognizers-text-suite': false,
      '@microsoft/recognizers-text-date-time': false,
      '@microsoft/recognizers-text-choice': false,
      '@microsoft/recognizers-text-number': false,
      '@azure/msal-node': false,
      '@azure/identity': false,
      axios: false,
      jsonwebtoken: false,
      'franc-all': false,
    });
  });

  it('when an app id is set, then a request without a token or with a forged one is refused as before, and jsonwebtoken has loaded to check it', () => {
    assert.equal(at('app id').reply, '401,401');
    assert.equal(at('app id').loaded.jsonwebtoken, true);
  });

  it('when a stand-in answers __esModule without loading its module, then it answers as the real module does', () => {
    assert.equal(Object.keys(esModule).length, 8);
    for (const [name, { standIn, real }] of Object.entries(esModule)) assert.equal(standIn, real === true, name);
  });

  it('when a choice is answered with a number in words, then the number recogniser is loaded and understands it', () => {
    assert.match(at('I feel lonely').reply, /for you, or for someone else/i);
    assert.equal(at('I feel lonely').loaded['@microsoft/recognizers-text-number'], false);
    // Bare digits ("2") are read without it (dialogs/numberedChoicePrompt.ts); an ordinal in words needs it.
    assert.match(at('the second').reply, /Have they agreed/);
    assert.equal(at('the second').loaded['@microsoft/recognizers-text-number'], true);
  });

  it('when a yes/no question is answered, then the choice recogniser is loaded and understands it', () => {
    assert.doesNotMatch(at('yes').reply, /Have they agreed/);
    assert.match(at('yes').reply, /name/i);
    assert.equal(at('yes').loaded['@microsoft/recognizers-text-choice'], true);
  });

  it('when a resident writes in Polish, then franc-all is loaded and the reply is in Polish; the suite and date-time never load', () => {
    assert.ok(at('polish').reply.startsWith('Dzień dobry'), at('polish').reply);
    assert.equal(at('polish').loaded['franc-all'], true);
    assert.equal(at('polish').loaded['@microsoft/recognizers-text-suite'], false);
    assert.equal(at('polish').loaded['@microsoft/recognizers-text-date-time'], false);
    // No MICROSOFT_APP_ID in the tests: Bot Service tokens are never signed or checked.
    assert.equal(at('polish').loaded['@azure/msal-node'], false);
    assert.equal(at('polish').loaded.jsonwebtoken, false);
  });
});
