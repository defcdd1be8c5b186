/**
 * `npm run users -- <command>`: staff accounts, against the same store the server uses (DATA_DIR or MONGODB_URI).
 *
 *   add --email E --role R [--wards E05..,E05..] [--password-stdin | --oidc-only]
 *   list
 *   disable --email E        enable --email E
 *   set-password --email E [--password-stdin]
 *
 * On a terminal the password is asked for twice without echo; otherwise (`--password-stdin`) it is the first line
 * of standard input, so scripts and CI can pipe it in. Passwords never appear in arguments or output.
 */
import path from 'node:path';
import { loadConfig } from '../bot/config';
import { systemClock } from '../services/clock';
import { AppError } from '../services/errors';
import { HubAuditor } from '../services/hub/auditor';
import { StaffService } from '../services/hub/staffService';
import { openStore } from '../services/store';
import { STAFF_ROLES, staffRole, type Store } from '../services/store/types';

const USAGE = `Usage: npm run users -- <command>
  add --email E --role ${STAFF_ROLES.join('|')} [--wards E05000001,E05000002] [--password-stdin | --oidc-only]
  list
  disable --email E
  enable --email E
  set-password --email E [--password-stdin]`;

interface Args {
  command: string;
  options: Map<string, string | true>;
}

function parseArgs(argv: string[]): Args {
  const [command = '', ...rest] = argv;
  const options = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] ?? '';
    if (!arg.startsWith('--')) throw new UsageError(`Unexpected argument: ${arg}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const next = rest[i + 1];
    if (inline !== undefined) options.set(name, inline);
    else if (next !== undefined && !next.startsWith('--')) {
      options.set(name, next);
      i += 1;
    } else options.set(name, true);
  }
  return { command, options };
}

class UsageError extends Error {}

function stringOption(args: Args, name: string): string {
  const value = args.options.get(name);
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function readLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Asks without echoing what is typed. */
async function ask(question: string): Promise<string> {
  process.stdout.write(question);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let answer = '';
    const onData = (key: string) => {
      for (const ch of key) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stdout.write('\n');
          resolve(answer);
          return;
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          reject(new UsageError('Cancelled'));
          return;
        }
        if (ch === '\u007f') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function password(args: Args): Promise<string> {
  if (args.options.has('password-stdin')) return readLine();
  if (!process.stdin.isTTY) throw new UsageError('No terminal to ask for a password: pipe it in with --password-stdin');
  const first = await ask('Password (at least 12 characters): ');
  const second = await ask('Same password again: ');
  if (first !== second) throw new UsageError('The two passwords differ');
  return first;
}

async function run(args: Args, store: Store): Promise<void> {
  const staff = new StaffService({ store, clock: systemClock, auditor: new HubAuditor(store.audit, systemClock) });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const byEmail = async (email: string) => {
    const user = await store.staff.getByEmail(email);
    if (!user) throw new UsageError(`No account for ${email}`);
    return user;
  };
  switch (args.command) {
    case 'add': {
      const role = staffRole.safeParse(stringOption(args, 'role'));
      if (!role.success) throw new UsageError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
      const wardsOption = args.options.get('wards');
      const wards = typeof wardsOption === 'string' ? wardsOption.split(',').map((w) => w.trim()).filter(Boolean) : [];
      const oidcOnly = args.options.has('oidc-only');
      const user = await staff.createStaff({
        email: stringOption(args, 'email'),
        role: role.data,
        wards,
        ...(oidcOnly ? {} : { password: await password(args) }),
      });
      out(`Added ${user.email} as ${user.role}${user.wards.length ? ` for ${user.wards.join(', ')}` : ''} (id ${user.id})${oidcOnly ? ', OpenID Connect sign-in only' : ''}`);
      return;
    }
    case 'list':
      for (const user of await staff.listStaff()) {
        out([user.email, user.role, user.wards.join(',') || '-', user.disabled ? 'disabled' : 'enabled', user.passwordHash ? 'password' : 'oidc-only'].join('\t'));
      }
      return;
    case 'disable':
    case 'enable': {
      const user = await byEmail(stringOption(args, 'email'));
      await staff.updateStaff(user.id, { disabled: args.command === 'disable' }, null);
      out(`${args.command === 'disable' ? 'Disabled' : 'Enabled'} ${user.email}`);
      return;
    }
    case 'set-password': {
      const user = await byEmail(stringOption(args, 'email'));
      await staff.updateStaff(user.id, { password: await password(args) }, null);
      out(`Password changed for ${user.email}; their sessions are signed out`);
      return;
    }
    default:
      throw new UsageError(args.command ? `Unknown command: ${args.command}` : 'No command given');
  }
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const store = await openStore({
    dataDir: path.resolve(config.DATA_DIR),
    ...(config.MONGODB_URI ? { mongodbUri: config.MONGODB_URI, mongodbDb: config.MONGODB_DB } : {}),
  });
  try {
    await run(args, store);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof AppError) {
      process.stderr.write(`${err.publicMessage}\n`);
      return 1;
    }
    throw err;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`users: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
    process.exit(1);
  },
);
