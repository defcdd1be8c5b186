/**
 * Keeps deploy/ honest without an Azure account or a Bicep compiler (neither is available where the tests run).
 *
 * The Bicep files are parsed with tree-sitter's Bicep grammar (syntax only). Everything else is read from the text,
 * which the templates keep in a regular shape for the purpose: each environment variable on one line as
 * `{ name: 'X', value: … }` or `{ name: 'X', secretRef: 'y' }` inside a `var …Env = [ … ]` block, each Container Apps
 * secret as `{ name: 'y', keyVaultUrl: '${vaultUri}secrets/y', … }` inside a `var …Secrets = [ … ]` block.
 *
 * What is checked: the names the Bicep sets are settings the app knows (bot/config.ts); with the values the Bicep
 * gives, the app's own start-up check passes for a multi-instance deployment; every secret reference leads to a Key
 * Vault secret the template writes; probes point at the server's health routes; the image runs as non-root with a
 * health check; .env.example documents every setting; the guide's commands name files and scripts that exist.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { configSchema, deploymentWarnings, loadConfig } from '../bot/config';

const ROOT = path.resolve(__dirname, '..');
const AZURE = path.join(ROOT, 'deploy', 'azure');
const read = (relative: string): string => readFileSync(path.join(ROOT, relative), 'utf8');

const MAIN = read('deploy/azure/main.bicep');
const APPS = read('deploy/azure/modules/containerApps.bicep');
const PARAMS = read('deploy/azure/main.bicepparam');
const DOCKERFILE = read('deploy/Dockerfile');
const GUIDE = read('docs/DEPLOYMENT.md');

const bicepFiles = [
  'deploy/azure/main.bicep',
  ...readdirSync(path.join(AZURE, 'modules'))
    .filter((f) => f.endsWith('.bicep'))
    .map((f) => `deploy/azure/modules/${f}`),
];

interface EnvEntry {
  /** Every setting name the entry can produce (a name chosen by a condition lists both). */
  names: string[];
  kind: 'value' | 'secretRef';
  /** The Bicep expression after `value:` or `secretRef:`. */
  expression: string;
}

/** The body of `var <name> = [ … ]` (a block closed by `]` at the start of a line). */
function varBlocks(source: string, suffix: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const match of source.matchAll(new RegExp(`^var (\\w+${suffix}) = \\[\\n([\\s\\S]*?)\\n\\]`, 'gm'))) {
    blocks.set(match[1]!, match[2]!);
  }
  return blocks;
}

function envEntries(block: string): EnvEntry[] {
  const entries: EnvEntry[] = [];
  for (const line of block.split('\n')) {
    const match = /^\s*\{ name: (.+?), (value|secretRef): (.+) \}\s*$/.exec(line);
    if (!match) continue;
    const names = [...match[1]!.matchAll(/'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]!);
    entries.push({ names, kind: match[2] as EnvEntry['kind'], expression: match[3]! });
  }
  return entries;
}

const envGroups = new Map([...varBlocks(MAIN, 'Env')].map(([name, block]) => [name, envEntries(block)]));
const secretGroups = new Map(
  [...varBlocks(MAIN, 'Secrets')].map(([name, block]) => [
    name,
    [...block.matchAll(/\{ name: '([a-z0-9-]+)', keyVaultUrl: '\$\{vaultUri\}secrets\/([a-z0-9-]+)', identity: identity\.id \}/g)].map((m) => ({
      name: m[1]!,
      vaultSecret: m[2]!,
    })),
  ]),
);

/** Secret names the template writes to Key Vault: from parameters (givenSecrets) and as resources of their own. */
const vaultSecrets = new Set([
  ...[...(varBlocks(MAIN, 'Secrets').get('givenSecrets') ?? '').matchAll(/\{ name: '([a-z0-9-]+)', value: /g)].map((m) => m[1]!),
  ...[...MAIN.matchAll(/^resource \w+ 'Microsoft\.KeyVault\/vaults\/secrets@[^']+' = [^{]*\{\n\s+parent: vault\n\s+name: '([a-z0-9-]+)'/gm)].map((m) => m[1]!),
]);

/** `cond ? group : []` (or a bare group) inside `var <name> = concat( … )`: group name → condition ('' for always). */
function concatConditions(name: string): Map<string, string> {
  const body = new RegExp(`^var ${name} = concat\\(\\n([\\s\\S]*?)\\n\\)`, 'm').exec(MAIN)?.[1];
  assert.ok(body, `main.bicep has var ${name} = concat(…)`);
  const conditions = new Map<string, string>();
  for (const raw of body.split('\n')) {
    const line = raw.trim().replace(/,$/, '');
    const conditional = /^(.+) \? (\w+) : \[\]$/.exec(line);
    if (conditional) conditions.set(conditional[2]!, conditional[1]!);
    else if (/^\w+$/.test(line)) conditions.set(line, '');
    else assert.fail(`unexpected line in ${name}: ${line}`);
  }
  return conditions;
}

/** Stand-ins for values the Bicep works out at deploy time, in the form Azure gives them. */
const SAMPLE_VALUES: Record<string, string> = {
  COUNCIL: 'rotherham',
  LOG_LEVEL: 'info',
  HUB_TRUST_PROXY: '1', // string(trustedProxyHops), default 1
  PUBLIC_URL: 'https://rmbc-hub-app.purplesea-1234.uksouth.azurecontainerapps.io',
  MONGODB_DB: 'community-hub',
  MICROSOFT_APP_ID: '6f1d2c3b-0000-4000-8000-000000000001',
  MICROSOFT_APP_TYPE: 'UserAssignedMSI',
  MICROSOFT_APP_TENANT_ID: '6f1d2c3b-0000-4000-8000-000000000002',
  DIRECT_LINE_ENDPOINT: 'https://europe.directline.botframework.com',
  AZURE_LANGUAGE_ENDPOINT: 'https://rmbc-hub-lang-abc123.cognitiveservices.azure.com/',
  TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
  TWILIO_PHONE_NUMBER: '+447700900000',
  TWILIO_MESSAGING_SERVICE_SID: `MG${'0'.repeat(32)}`,
  TWILIO_WEBHOOK_URL: 'https://rmbc-hub-app.purplesea-1234.uksouth.azurecontainerapps.io/api/sms',
  OIDC_ISSUER_URL: 'https://login.microsoftonline.com/6f1d2c3b-0000-4000-8000-000000000002/v2.0',
  OIDC_CLIENT_ID: '6f1d2c3b-0000-4000-8000-000000000003',
  DIGEST_FROM: 'Rotherham Community Hub <hub@example.gov.uk>',
  NOTIFY_TEMPLATE_ID: '6f1d2c3b-0000-4000-8000-000000000004',
};
const SAMPLE_SECRETS: Record<string, string> = {
  'mongodb-uri': 'mongodb+srv://hubadmin:pw@rmbc-hub-mongo.global.mongocluster.cosmos.azure.com/?tls=true&retrywrites=false',
  'hash-secret': 'h'.repeat(64),
  'session-secret': 's'.repeat(64),
  'metrics-token': 'm'.repeat(32),
  'admin-api-token': 'a'.repeat(64),
  'direct-line-secret': 'direct-line-site-key',
  'azure-language-key': 'language-key',
  'microsoft-app-password': 'app-password',
  'twilio-auth-token': 'twilio-token',
  'oidc-client-secret': 'oidc-secret',
  'smtp-url': 'smtps://hub:pw@smtp.example.gov.uk:465',
  'notify-api-key': 'notify-key',
};

/** The environment a container gets from the given groups, with literal values as written and the rest sampled. */
function environmentOf(groups: string[], overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const group of groups) {
    const entries = envGroups.get(group);
    assert.ok(entries, `main.bicep has var ${group}`);
    for (const entry of entries) {
      const name = entry.names[0]!;
      const literal = /^'([^'$]*)'$/.exec(entry.expression)?.[1];
      const secret = /^'([a-z0-9-]+)'$/.exec(entry.expression)?.[1];
      const value = entry.kind === 'secretRef' ? SAMPLE_SECRETS[secret ?? ''] : (literal ?? SAMPLE_VALUES[name]);
      assert.ok(value !== undefined, `add a sample value for ${name} (${entry.expression}) to this test`);
      env[name] = value;
    }
  }
  return { ...env, ...overrides };
}

function bicepParams(source: string): Map<string, string> {
  return new Map([...source.matchAll(/^param (\w+) (.+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The text between the `{` that follows `start` and its matching `}`. */
function braceBlock(source: string, start: number): string {
  const open = source.indexOf('{', start);
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '{') depth++;
    if (source[i] === '}' && --depth === 0) return source.slice(open + 1, i);
  }
  assert.fail('unbalanced braces');
}

describe('deployment material (deploy/, docs/DEPLOYMENT.md)', () => {
  describe('the Bicep files', () => {
    let parser: Parser;
    before(async () => {
      await Parser.init();
      const language = await Language.load(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'));
      parser = new Parser();
      parser.setLanguage(language);
    });

    for (const file of bicepFiles) {
      it(`when ${file} is parsed with the Bicep grammar, then it has no syntax errors`, () => {
        const tree = parser.parse(read(file));
        assert.ok(tree);
        const errors: string[] = [];
        const walk = (node: Node): void => {
          if (node.type === 'ERROR' || node.isMissing) errors.push(`line ${node.startPosition.row + 1}: ${node.text.slice(0, 60)}`);
          for (const child of node.children) if (child) walk(child);
        };
        walk(tree.rootNode);
        assert.deepEqual(errors, []);
      });
    }

    it('when the grammar reads a broken template, then it reports an error (so the check above can fail)', () => {
      const tree = parser.parse("resource app 'Microsoft.App/containerApps@2025-01-01' = {\n  name: \n");
      assert.ok(tree?.rootNode.hasError);
    });

    it('when main.bicep uses a module, then the file exists, every parameter passed is declared and every required one is passed', () => {
      const modules = [...MAIN.matchAll(/^module (\w+) '([^']+)' = /gm)];
      assert.ok(modules.length >= 2);
      for (const match of modules) {
        const file = path.join(AZURE, match[2]!);
        assert.ok(existsSync(file), `${match[2]} exists`);
        const declared = bicepParams(readFileSync(file, 'utf8'));
        const body = braceBlock(MAIN, match.index!);
        const paramsBlock = braceBlock(body, body.indexOf('params:'));
        const passed = [...paramsBlock.matchAll(/^ {4}(\w+):/gm)].map((m) => m[1]!);
        for (const name of passed) assert.ok(declared.has(name), `${match[2]} declares param ${name}`);
        for (const [name, rest] of declared) {
          if (!rest.includes('=')) assert.ok(passed.includes(name), `main.bicep passes ${name} to ${match[2]}`);
        }
      }
    });
  });

  describe('the settings the Bicep gives the app', () => {
    const schemaKeys = new Set(Object.keys(configSchema.shape));
    const allEntries = [...envGroups.values()].flat();

    it('when the environment blocks are read, then the base block and every optional block are found', () => {
      for (const group of ['baseEnv', 'botPasswordEnv', 'smsEnv', 'oidcEnv', 'smtpEnv', 'notifyEnv']) assert.ok(envGroups.get(group)?.length, group);
      assert.ok(allEntries.length >= 30, `found ${allEntries.length} settings`);
    });

    it('when a setting is named, then it is a key of the config schema in bot/config.ts (no typo reaches Azure)', () => {
      const unknown = allEntries.flatMap((e) => e.names).filter((name) => !schemaKeys.has(name));
      assert.deepEqual(unknown, []);
    });

    it('when a setting is named, then .env.example documents it', () => {
      const example = read('.env.example');
      const undocumented = allEntries.flatMap((e) => e.names).filter((name) => !new RegExp(`^${name}=`, 'm').test(example));
      assert.deepEqual(undocumented, []);
    });

    it('when several instances run, then the Bicep declares it and points them at MongoDB and Azure Direct Line, with the schedulers off', () => {
      const base = environmentOf(['baseEnv']);
      assert.equal(base.MULTI_INSTANCE, 'true');
      assert.equal(base.NODE_ENV, 'production');
      assert.equal(base.DIGEST_SCHEDULE, 'off');
      assert.equal(base.RETENTION_SCHEDULE, 'off');
      assert.equal(base.SMS_SIMULATOR, 'off');
      const secretRefs = Object.fromEntries((envGroups.get('baseEnv') ?? []).filter((e) => e.kind === 'secretRef').map((e) => [e.names[0], e.expression]));
      for (const name of ['MONGODB_URI', 'DIRECT_LINE_SECRET', 'HASH_SECRET', 'SESSION_SECRET', 'METRICS_TOKEN', 'AZURE_LANGUAGE_KEY']) {
        assert.ok(secretRefs[name], `${name} comes from Key Vault`);
      }
    });

    const deployments: [what: string, groups: string[], overrides?: Record<string, string>][] = [
      ['the managed-identity bot with nothing optional', ['baseEnv']],
      ['a single-tenant bot with SMS, Entra ID sign-in and SMTP digests', ['baseEnv', 'botPasswordEnv', 'smsEnv', 'oidcEnv', 'smtpEnv'], { MICROSOFT_APP_TYPE: 'SingleTenant' }],
      ['GOV.UK Notify digests', ['baseEnv', 'notifyEnv']],
    ];
    for (const [what, groups, overrides] of deployments) {
      it(`when deployed as ${what}, then the app's own start-up check accepts the settings and warns of nothing`, () => {
        const config = loadConfig(environmentOf(groups, overrides));
        assert.equal(config.MULTI_INSTANCE, true);
        assert.ok(config.MONGODB_URI && config.DIRECT_LINE_SECRET);
        assert.deepEqual(deploymentWarnings(config), []);
      });
    }

    it('when the Bicep leaves out MongoDB, then the start-up check refuses it (the check is not vacuous)', () => {
      const env = environmentOf(['baseEnv']);
      delete env.MONGODB_URI;
      assert.throws(() => loadConfig(env), /MONGODB_URI is required with MULTI_INSTANCE=true/);
    });
  });

  describe('secrets', () => {
    it('when a setting references a secret, then the container secrets define it under the same condition', () => {
      const envConditions = concatConditions('env');
      const secretConditions = concatConditions('secrets');
      for (const [group, entries] of envGroups) {
        const refs = entries.filter((e) => e.kind === 'secretRef').map((e) => /^'([a-z0-9-]+)'$/.exec(e.expression)?.[1]);
        if (refs.length === 0) continue;
        const secretGroup = group.replace(/Env$/, 'Secrets');
        const defined = (secretGroups.get(secretGroup) ?? []).map((s) => s.name);
        for (const ref of refs) assert.ok(ref && defined.includes(ref), `${group} references ${ref}; ${secretGroup} defines it`);
        assert.equal(secretConditions.get(secretGroup), envConditions.get(group), `${group} and ${secretGroup} are included together`);
      }
    });

    it('when a container secret is defined, then it is a Key Vault reference to a secret the template writes', () => {
      const all = [...secretGroups.values()].flat();
      assert.ok(all.length >= 12);
      for (const secret of all) {
        assert.equal(secret.vaultSecret, secret.name, 'the Container Apps secret and the Key Vault secret share a name');
        assert.ok(vaultSecrets.has(secret.vaultSecret), `Key Vault secret ${secret.vaultSecret} is written by main.bicep`);
      }
      assert.ok(!/secrets: \[\s*\{\s*name: '[^']+',\s*value:/.test(MAIN + APPS), 'no secret value is given to Container Apps directly');
    });

    it('when a secret is a parameter, then it is @secure() and main.bicepparam reads it from the environment, never a literal', () => {
      const secure = [...MAIN.matchAll(/@secure\(\)\nparam (\w+) string/g)].map((m) => m[1]!);
      assert.ok(secure.length >= 10);
      for (const name of secure) {
        const line = new RegExp(`^param ${name} = (.+)$`, 'm').exec(PARAMS)?.[1];
        if (line !== undefined) assert.match(line, /^readEnvironmentVariable\('HUB_[A-Z_]+', ''\)$/, name);
      }
    });

    it('when main.bicepparam sets a parameter, then main.bicep declares it', () => {
      assert.match(PARAMS, /^using '\.\/main\.bicep'$/m);
      const declared = bicepParams(MAIN);
      for (const match of PARAMS.matchAll(/^param (\w+) = /gm)) assert.ok(declared.has(match[1]!), match[1]);
      for (const [name, rest] of declared) {
        if (!rest.includes('=')) assert.match(PARAMS, new RegExp(`^param ${name} = `, 'm'), `main.bicepparam sets the required ${name}`);
      }
    });
  });

  describe('the container app', () => {
    it('when Container Apps probes a replica, then liveness asks /healthz and readiness /readyz, which the server serves', () => {
      assert.match(APPS, /type: 'Liveness'\s+httpGet: \{\s+path: '\/healthz'/);
      assert.match(APPS, /type: 'Readiness'\s+httpGet: \{\s+path: '\/readyz'/);
      assert.match(APPS, /type: 'Startup'\s+httpGet: \{\s+path: '\/healthz'/);
      const server = read('bot/server.ts');
      assert.match(server, /server\.get\('\/healthz'/);
      assert.match(server, /server\.get\('\/readyz'/);
    });

    it('when it scales, then it keeps at least two replicas behind HTTPS-only ingress, scaling on HTTP load', () => {
      assert.match(MAIN, /@minValue\(2\)\nparam minReplicas int = [2-9]/);
      assert.match(APPS, /allowInsecure: false/);
      assert.match(APPS, /external: true/);
      assert.match(APPS, /http: \{\s+metadata: \{\s+concurrentRequests:/);
      assert.match(APPS, /targetPort: port/);
      assert.match(APPS, /^var port = 3978$/m);
    });

    it('when the jobs run, then their commands name scripts that exist and are the npm scripts the guide documents', () => {
      const scripts = [...APPS.matchAll(/command: concat\(nodeCommand, \['(scripts\/[\w.]+)'/g)].map((m) => m[1]!);
      assert.deepEqual(scripts.sort(), ['scripts/digest.ts', 'scripts/retention.ts']);
      for (const script of scripts) assert.ok(existsSync(path.join(ROOT, script)), script);
      assert.match(APPS, /\['scripts\/digest\.ts', '--due'\]/);
      assert.match(APPS, /triggerType: 'Schedule'/);
    });
  });

  describe('the image', () => {
    it('when it runs, then it is a maintained even-numbered Node LTS, as a non-root user, with a health check on /healthz', () => {
      const stages = [...DOCKERFILE.matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]));
      assert.ok(stages.length >= 2, 'multi-stage');
      for (const major of stages) assert.ok(major >= 22 && major % 2 === 0, `node:${major} is an LTS line`);
      const users = [...DOCKERFILE.matchAll(/^USER (\S+)/gm)].map((m) => m[1]!);
      assert.ok(users.length > 0 && !['root', '0'].includes(users.at(-1)!), 'the last USER is not root');
      assert.match(DOCKERFILE, /^HEALTHCHECK [\s\S]*?\/healthz/m);
      assert.match(DOCKERFILE, /npm prune --omit=dev/, 'only production dependencies reach the runtime stage');
    });

    it('when the server starts from the image, then every folder it reads at run time was copied in', () => {
      const copied = new Set([...DOCKERFILE.matchAll(/^COPY (\w+) \.\/\1$/gm)].map((m) => m[1]!));
      for (const folder of ['bot', 'dialogs', 'services', 'councils', 'scripts', 'web']) assert.ok(copied.has(folder), `COPY ${folder}`);
      assert.match(DOCKERFILE, /^RUN npm run build/m, 'the server is compiled in the build stage');
      const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(DOCKERFILE)?.[1] ?? '[]') as string[];
      assert.equal(cmd[0], 'node');
      assert.equal(cmd.at(-1), 'dist/bot/index.js', 'the image runs the compiled server');
      const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; scripts: Record<string, string> };
      assert.equal(pkg.scripts['start:prod'], cmd.join(' '), 'npm run start:prod runs what the image runs, with the same Node flags');
      assert.ok(pkg.dependencies.tsx, 'tsx is a production dependency: the scheduled jobs run the TypeScript scripts with it');
    });

    it('when the compose stack starts the app, then its settings pass the start-up check, on MongoDB', () => {
      const compose = read('deploy/docker-compose.yml');
      const block = /^ {4}environment:\n((?: {6}.+\n)+)/m.exec(compose)?.[1];
      assert.ok(block, 'the app service has an environment block');
      const env: Record<string, string> = {};
      for (const match of block.matchAll(/^ {6}(\w+): (.+)$/gm)) {
        // ${NAME:?message} must be given by whoever runs compose; ${NAME:-default} has its default.
        const value = match[2]!.replace(/^\$\{\w+:\?.*\}$/, 'x'.repeat(64)).replace(/^\$\{\w+:-(.*)\}$/, '$1');
        env[match[1]!] = value;
      }
      const config = loadConfig(env);
      assert.equal(config.NODE_ENV, 'production');
      assert.match(config.MONGODB_URI ?? '', /^mongodb:\/\/mongo:27017/);
    });

    it('when the build context is sent, then local data, dependencies and .env files stay out', () => {
      const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
      for (const entry of ['node_modules', 'data', '.env', '.env.*']) assert.ok(ignored.includes(entry), entry);
    });
  });

  describe('the deployment guide', () => {
    it('when the README is read, then it links to the guide', () => {
      assert.match(read('README.md'), /\]\(docs\/DEPLOYMENT\.md\)/);
    });

    it('when a command in the guide names a file in this repository, then the file exists', () => {
      const blocks = [...GUIDE.matchAll(/```(?:sh|bash|powershell|text)?\n([\s\S]*?)```/g)].map((m) => m[1]!).join('\n');
      const paths = new Set([...blocks.matchAll(/(?:^|[\s=@'"])((?:deploy|docs|scripts|bot|councils)\/[\w./-]*\w)/gm)].map((m) => m[1]!));
      assert.ok(paths.size >= 3, `found ${[...paths].join(', ')}`);
      const missing = [...paths].filter((p) => !existsSync(path.join(ROOT, p)));
      assert.deepEqual(missing, []);
    });

    it('when the guide runs an npm script, then package.json has it', () => {
      const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
      const used = new Set([...GUIDE.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]!));
      assert.ok(used.has('users'));
      for (const script of used) assert.ok(pkg.scripts[script], `npm run ${script}`);
    });

    it('when the guide gives a setting or an output of the template, then it exists', () => {
      const schemaKeys = new Set(Object.keys(configSchema.shape));
      const outputs = new Set([...MAIN.matchAll(/^output (\w+) /gm)].map((m) => m[1]!));
      for (const match of GUIDE.matchAll(/`([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)`/g)) {
        const name = match[1]!;
        if (name.startsWith('HUB_')) continue; // the deploying shell's variables, read by main.bicepparam
        assert.ok(schemaKeys.has(name), `${name} is a setting in bot/config.ts`);
      }
      for (const match of GUIDE.matchAll(/properties\.outputs\.(\w+)\.value/g)) assert.ok(outputs.has(match[1]!), `output ${match[1]}`);
      for (const match of GUIDE.matchAll(/\bHUB_[A-Z_]+\b/g)) assert.ok(PARAMS.includes(`'${match[0]}'`) || /HUB_TRUST_PROXY/.test(match[0]), `${match[0]} is read by main.bicepparam`);
    });
  });
});
