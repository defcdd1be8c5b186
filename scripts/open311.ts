/**
 * `npm run open311 -- keys <command>`: API keys for Open311 consumers, against the same store the server uses
 * (DATA_DIR or MONGODB_URI) and hashed with the same HASH_SECRET (or the local secret under DATA_DIR).
 *
 *   keys add --name N --body B     prints the consumer's id and its key, once: the key is not stored and cannot be shown again
 *   keys list                      id, name, body, created, revoked (never the key)
 *   keys revoke ID                 the key is refused from then on
 *
 * B is a body id from the council profile's `open311.bodies` (COUNCIL, default rotherham): residents agree to share
 * their contact details with a body, so a key for that body is what may see them.
 */
import path from 'node:path';
import { hashSecret } from '../bot/localSecrets';
import { loadConfig } from '../bot/config';
import { systemClock } from '../services/clock';
import { loadCouncilProfile } from '../services/council/loadProfile';
import { AppError } from '../services/errors';
import { Open311Keys } from '../services/open311/keys';
import { openStore } from '../services/store';

const USAGE = `Usage: npm run open311 -- keys <command>
  keys add --name "Rotherham ASB case system" --body rotherham-asb-team
  keys list
  keys revoke CONSUMER_ID`;

class UsageError extends Error {}

function option(args: string[], name: string): string {
  const i = args.indexOf(`--${name}`);
  const inline = args.find((a) => a.startsWith(`--${name}=`));
  const value = inline ? inline.slice(name.length + 3) : i >= 0 ? args[i + 1] : undefined;
  if (!value || value.startsWith('--')) throw new UsageError(`--${name} is required`);
  return value;
}

async function main(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group !== 'keys' || !command || !['add', 'list', 'revoke'].includes(command)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const dataDir = path.resolve(config.DATA_DIR);
  const profile = loadCouncilProfile(config.COUNCIL);
  const store = await openStore({ dataDir, ...(config.MONGODB_URI ? { mongodbUri: config.MONGODB_URI, mongodbDb: config.MONGODB_DB } : {}) });
  const keys = new Open311Keys({ store, clock: systemClock, secret: hashSecret(config.HASH_SECRET, dataDir), profile });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    if (command === 'add') {
      const { consumer, key } = await keys.add(option(rest, 'name'), option(rest, 'body'));
      out(`Added Open311 consumer ${consumer.id} "${consumer.name}" for ${consumer.body}`);
      out(`API key (shown once; give it to the consumer over a secure channel): ${key}`);
    } else if (command === 'list') {
      for (const c of await keys.list()) out([c.id, c.name, c.body, c.createdAt, c.revokedAt ? `revoked ${c.revokedAt}` : 'active'].join('\t'));
    } else {
      const id = rest[0];
      if (!id) throw new UsageError('revoke needs the consumer id (see keys list)');
      const revoked = await keys.revoke(id);
      if (!revoked) throw new AppError('not-found', `No Open311 consumer ${id}`);
      out(`Revoked ${revoked.id} "${revoked.name}" (${revoked.body}) at ${revoked.revokedAt ?? ''}`);
    }
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`open311: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
    process.exit(1);
  },
);
