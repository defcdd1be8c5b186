/**
 * Modules the SDKs require at load time but this bot needs only later, or never: loaded on first use instead.
 *
 * botbuilder-dialogs 4.23 requires four Recognizers-Text bundles at load (lib/prompts/promptCultureModels.js,
 * datetimePrompt.js, confirmPrompt.js, numberPrompt.js, lib/choices/recognizeChoices.js): the suite (2 MB of
 * JavaScript that bundles every recogniser again), date-time, choice and number; about 14 MiB of V8 heap, 20 MiB of
 * RSS and 1 s of CPU at start-up (docs/BENCHMARKS.md, memory). The bot uses number (NumberedChoicePrompt, and the
 * SDK's recognizeChoices behind the confirm prompt) when a choice is answered by number, e.g. "2"; choice
 * (ConfirmPrompt's recognizeBoolean) when a yes/no question is answered; of the suite only its `Culture` constants
 * (culture codes such as "en-us", read by promptCultureModels at load); date-time not at all (no date-time prompt).
 *
 * botframework-connector (under botbuilder) requires MSAL for Node, @azure/identity (with its own MSAL), axios and
 * jsonwebtoken at load, about 7 MiB of heap and 11 MiB of RSS: they sign and check Bot Service tokens, so with a
 * MICROSOFT_APP_ID they load on the first authenticated request, and without one (the embedded Direct Line, SMS,
 * the Emulator) not at all.
 *
 * How: Node's documented module cache (`require.cache`: "adding or replacing entries is also possible") is given,
 * for each file, a stand-in whose properties load the real module on first read; from then on every read is the
 * real module's. Same modules, same versions, same results, only later. `__esModule` is answered without loading
 * (TypeScript's __importStar and __importDefault ask it at load time) and must equal the real module's: the test
 * checks it, so an upgrade that changes it fails there. The suite's stand-in answers `Culture` from
 * @microsoft/recognizers-text (270 KB, the package the suite bundles it from, same version). Nothing is deferred
 * when the requiring package is already loaded or a module cannot be found.
 *
 * Imported first by bot/composition.ts, before anything loads botbuilder or botbuilder-dialogs.
 * test/lazyModules.test.ts checks that a started app has loaded none of them and that prompts still understand
 * numbers and yes/no.
 */
import Module, { createRequire } from 'node:module';

type Exports = Record<string | symbol, unknown>;

interface Deferral {
  /** The package whose own requires are deferred (resolved from `via`, the package that depends on it). */
  from: string;
  via?: string;
  name: string;
  /** The real module's `__esModule`, answered without loading it. */
  esModule: boolean;
}

const DEFERRALS: Deferral[] = [
  { from: 'botbuilder-dialogs', name: '@microsoft/recognizers-text-suite', esModule: true },
  { from: 'botbuilder-dialogs', name: '@microsoft/recognizers-text-date-time', esModule: true },
  { from: 'botbuilder-dialogs', name: '@microsoft/recognizers-text-choice', esModule: true },
  { from: 'botbuilder-dialogs', name: '@microsoft/recognizers-text-number', esModule: true },
  { from: 'botframework-connector', via: 'botbuilder', name: '@azure/msal-node', esModule: false },
  { from: 'botframework-connector', via: 'botbuilder', name: '@azure/identity', esModule: true },
  { from: 'botframework-connector', via: 'botbuilder', name: 'axios', esModule: false },
  { from: 'botframework-connector', via: 'botbuilder', name: 'jsonwebtoken', esModule: false },
];

export interface DeferredModule {
  file: string;
  loaded: boolean;
  /** `__esModule` as the stand-in answers it, and as the real module has it (loads it). */
  esModule(): { standIn: boolean; real: unknown };
}

/** The modules deferred in this process, by name. */
export const deferredModules = new Map<string, DeferredModule>();

function defer(fromRequire: NodeRequire, deferral: Deferral): void {
  let file: string;
  try {
    file = fromRequire.resolve(deferral.name);
  } catch {
    return;
  }
  if (require.cache[file]) return;
  let real: Exports | undefined;
  const load = (): Exports => {
    if (!real) {
      if (require.cache[file] === stand) delete require.cache[file];
      real = fromRequire(deferral.name) as Exports;
      record.loaded = true;
    }
    return real;
  };
  const eager: Exports = { __esModule: deferral.esModule };
  if (deferral.name === '@microsoft/recognizers-text-suite') {
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
  const record: DeferredModule = { file, loaded: false, esModule: () => ({ standIn: deferral.esModule, real: load()['__esModule'] }) };
  deferredModules.set(deferral.name, record);
}

function deferAll(): void {
  const requires = new Map<string, NodeRequire | null>();
  for (const deferral of DEFERRALS) {
    if (!requires.has(deferral.from)) {
      let fromRequire: NodeRequire | null = null;
      try {
        const main = (deferral.via ? createRequire(require.resolve(deferral.via)) : require).resolve(deferral.from);
        // Already loaded with its dependencies: nothing left to defer.
        if (!require.cache[main]) fromRequire = createRequire(main);
      } catch {
        // not installed: nothing to defer
      }
      requires.set(deferral.from, fromRequire);
    }
    const fromRequire = requires.get(deferral.from);
    if (fromRequire) defer(fromRequire, deferral);
  }
}

deferAll();
