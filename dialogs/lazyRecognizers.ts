/**
 * Recognizers-Text loaded when a prompt first needs it, not when botbuilder-dialogs is loaded.
 *
 * botbuilder-dialogs 4.23 requires four Recognizers-Text bundles at load time (lib/prompts/promptCultureModels.js,
 * datetimePrompt.js, confirmPrompt.js, numberPrompt.js and lib/choices/recognizeChoices.js): the suite (2 MB of
 * JavaScript that bundles every recogniser again), date-time, choice and number. Loading them was about 14 MiB of
 * V8 heap, 20 MiB of RSS and 1 s of CPU at start-up (docs/BENCHMARKS.md, memory). Of these, the bot uses:
 * - number (NumberedChoicePrompt, and the SDK's recognizeChoices behind the confirm prompt): when a choice answer is
 *   not a label or synonym, e.g. "2" or "the second one";
 * - choice (ConfirmPrompt's recognizeBoolean): when a yes/no question is answered;
 * - the suite: only its `Culture` constants (culture codes such as "en-us"), read by promptCultureModels at load;
 * - date-time: nothing (no dialog here has a date-time prompt).
 *
 * Node's documented module cache (`require.cache`: "adding or replacing entries is also possible") is given, for
 * each of these files, a stand-in whose properties load the real module on first read, so each is loaded on the
 * first call that needs it and then used exactly as before: same modules, same versions, same results. The suite's
 * stand-in answers `Culture` from @microsoft/recognizers-text (270 KB, the package the suite bundles it from, same
 * version) without loading the suite. Nothing is deferred when a module is already loaded (a test that required it
 * first) or cannot be found.
 *
 * Imported first by bot/composition.ts, before anything loads botbuilder-dialogs. test/lazyRecognizers.test.ts
 * checks that a started app has not loaded them and that prompts still understand numbers and yes/no.
 */
import Module, { createRequire } from 'node:module';

type Exports = Record<string | symbol, unknown>;

const DEFERRED = [
  '@microsoft/recognizers-text-suite',
  '@microsoft/recognizers-text-date-time',
  '@microsoft/recognizers-text-choice',
  '@microsoft/recognizers-text-number',
] as const;

/** The files deferred in this process, and whether each has been loaded since. */
export const deferredRecognizers = new Map<string, { file: string; loaded: boolean }>();

function defer(fromDialogs: NodeRequire, name: string): void {
  let file: string;
  try {
    file = fromDialogs.resolve(name);
  } catch {
    return;
  }
  if (require.cache[file]) return;
  const record = { file, loaded: false };
  let real: Exports | undefined;
  const load = (): Exports => {
    if (!real) {
      if (require.cache[file] === stand) delete require.cache[file];
      real = fromDialogs(name) as Exports;
      record.loaded = true;
    }
    return real;
  };
  // Read without loading: `__esModule` (TypeScript's __importStar asks it at load time) and, for the suite, `Culture`.
  const eager: Exports = { __esModule: true };
  if (name === '@microsoft/recognizers-text-suite') {
    const suiteRequire = createRequire(file);
    Object.defineProperty(eager, 'Culture', { enumerable: true, get: () => (suiteRequire('@microsoft/recognizers-text') as Exports)['Culture'] });
  }
  const lazyExports = new Proxy(Object.create(null) as Exports, {
    get: (_target, key) => (key in eager ? eager[key] : load()[key]),
    has: (_target, key) => key in eager || key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
      return descriptor ? { ...descriptor, configurable: true } : undefined;
    },
  });
  const stand = new Module(file);
  stand.filename = file;
  stand.loaded = true;
  stand.exports = lazyExports;
  require.cache[file] = stand;
  deferredRecognizers.set(name, record);
}

function deferAll(): void {
  let dialogsMain: string;
  try {
    dialogsMain = require.resolve('botbuilder-dialogs');
  } catch {
    return;
  }
  if (require.cache[dialogsMain]) return; // already loaded with its recognizers: nothing left to defer
  const fromDialogs = createRequire(dialogsMain);
  for (const name of DEFERRED) defer(fromDialogs, name);
}

deferAll();
