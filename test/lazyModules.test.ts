/**
 * Heavy modules load when first needed, not at start-up (docs/BENCHMARKS.md, memory): Recognizers-Text
 * (dialogs/lazyRecognizers.ts) and franc-all (services/language/localAnalyser.ts). In a fresh process, because the
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
  before(() => {
    const probe = path.join(__dirname, 'support', 'lazyModulesProbe.ts');
    const output = execFileSync(process.execPath, ['--no-deprecation', '--import', 'tsx', probe], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
    steps = JSON.parse(output.trim().split('\n').at(-1) as string) as Step[];
  });
  const at = (name: string) => steps.find((s) => s.step === name) as Step;

  it('when the app has started, then no Recognizers-Text bundle and not franc-all has been loaded', () => {
    assert.deepEqual(at('started').loaded, {
      '@microsoft/recognizers-text-suite': false,
      '@microsoft/recognizers-text-date-time': false,
      '@microsoft/recognizers-text-choice': false,
      '@microsoft/recognizers-text-number': false,
      'franc-all': false,
    });
  });

  it('when a choice is answered with a number, then the number recogniser is loaded and understands it', () => {
    assert.match(at('I feel lonely').reply, /for you, or for someone else/i);
    assert.equal(at('I feel lonely').loaded['@microsoft/recognizers-text-number'], false);
    assert.match(at('2').reply, /Have they agreed/);
    assert.equal(at('2').loaded['@microsoft/recognizers-text-number'], true);
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
  });
});
