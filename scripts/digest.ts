/**
 * `npm run digest`: ward digests from a terminal, on the same configuration and store as the server.
 *
 *   npm run digest -- --ward E05012996 [--from 2026-11-16 --to 2026-11-22] [--preview digest.html] [--format html|text|sms|json]
 *       builds one digest (ward code, or "unknown") without sending it: to a file with --preview (format from the
 *       file's extension unless --format says), to the terminal otherwise. Default period: last complete week.
 *   npm run digest -- --area north [--from … --to …] [--preview FILE] [--format …]
 *       the same for an area from the council profile's `areas` (its wards added up, e.g. for a neighbourhood manager).
 *   npm run digest -- --ward E05012996 --from … --to … --send
 *       sends that digest to the ward's subscribers, through the ledger (never twice).
 *   npm run digest -- --due
 *       sends everything due now, and due retries: the scheduled job (deploy/digest-job.md). Takes the store's
 *       lock, so it does nothing while a server or another job is sending.
 *   npm run digest -- subscribe --ward E05012996 [--ward …] [--email E] [--mobile M] [--frequency weekly|monthly] [--staff-id ID]
 *   npm run digest -- unsubscribe ID
 *   npm run digest -- subscriptions [--ward E05012996]
 *   npm run digest -- failures
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createApp, type App } from '../bot/composition';
import { ConfigError, loadConfig } from '../bot/config';
import type { DigestPeriod } from '../services/digests/model';
import { periodFromDays, previousPeriod, weekContaining } from '../services/digests/period';
import { DigestScheduler } from '../services/digests/scheduler';
import { UNKNOWN_WARD } from '../services/digests/service';
import { createSubscription, deleteSubscription } from '../services/digests/subscriptions';
import { AppError } from '../services/errors';
import { createLogger } from '../services/logger';

const VERBS = ['subscribe', 'unsubscribe', 'subscriptions', 'failures'] as const;
type Verb = (typeof VERBS)[number];

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const verb = VERBS.includes(args[0] as Verb) ? (args.shift() as Verb) : null;
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ward: { type: 'string', multiple: true },
      area: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      preview: { type: 'string' },
      format: { type: 'string' },
      send: { type: 'boolean', default: false },
      due: { type: 'boolean', default: false },
      email: { type: 'string' },
      mobile: { type: 'string' },
      frequency: { type: 'string' },
      'staff-id': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    out(USAGE);
    return 0;
  }

  const config = loadConfig();
  // Logs go to stderr so that what this prints can be piped; the in-server schedule and the SMS simulator stay off.
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, destination: pino.destination(2) });
  const app = await createApp({ ...config, DIGEST_SCHEDULE: 'off', SMS_SIMULATOR: 'off' }, { logger });
  try {
    return await run(app, verb, values, positionals);
  } finally {
    await app.close();
  }
}

type Values = {
  ward?: string[] | undefined;
  area?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  preview?: string | undefined;
  format?: string | undefined;
  send?: boolean | undefined;
  due?: boolean | undefined;
  email?: string | undefined;
  mobile?: string | undefined;
  frequency?: string | undefined;
  'staff-id'?: string | undefined;
};

async function run(app: App, verb: Verb | null, values: Values, positionals: string[]): Promise<number> {
  const deps = { store: app.store, profile: app.profile, clock: app.clock, actor: 'cli' };
  switch (verb) {
    case 'subscribe': {
      const created = await createSubscription(
        {
          wardCodes: values.ward ?? [],
          email: values.email ?? null,
          mobile: values.mobile ?? null,
          ...(values.frequency ? { frequency: values.frequency } : {}),
          ...(values['staff-id'] ? { staffId: values['staff-id'] } : {}),
        },
        deps,
      );
      out(`Subscribed: ${created.id} (${created.wardCodes.join(', ')}, ${created.frequency})`);
      return 0;
    }
    case 'unsubscribe': {
      const id = positionals[0];
      if (!id) throw new AppError('invalid-input', 'Give the subscription id: npm run digest -- unsubscribe ID');
      await deleteSubscription(id, deps);
      out(`Deleted subscription ${id}`);
      return 0;
    }
    case 'subscriptions': {
      const ward = values.ward?.[0];
      out(JSON.stringify(await app.store.digestSubscriptions.list(ward ? { wardCode: ward } : {}), null, 2));
      return 0;
    }
    case 'failures':
      out(JSON.stringify(await app.digests.service.failures(), null, 2));
      return 0;
    case null:
      break;
  }

  if (values.due) {
    const summary = await new DigestScheduler({ service: app.digests.service, locks: app.store.locks, clock: app.clock, logger: app.logger }).tick();
    if (summary === null) {
      out('Another instance is sending digests now (it holds the lock); nothing done.');
      return 0;
    }
    out(`Digests: ${summary.sent} sent, ${summary.failed} failed (will retry), ${summary.abandoned} given up, ${summary.skipped} already done or not due.`);
    return summary.failed + summary.abandoned > 0 ? 1 : 0;
  }

  const ward = values.ward?.[0];
  if (!ward && !values.area) {
    out(USAGE);
    return 2;
  }
  if (ward && values.area) throw new AppError('invalid-input', 'Give --ward or --area, not both.');
  const code = !ward ? '' : ward.toLowerCase() === UNKNOWN_WARD ? UNKNOWN_WARD : ward.toUpperCase();
  const period = periodOf(values, app.clock.now());
  if (values.send) {
    // Subscriptions are to wards; an area digest is for previews and for passing on by hand.
    if (values.area) throw new AppError('invalid-input', '--send works with --ward only: councillors subscribe to wards.');
    const summary = await app.digests.service.sendForWard(code, period);
    out(`${code}, ${period.firstDay} to ${period.lastDay}: ${summary.sent} sent, ${summary.failed} failed (will retry), ${summary.abandoned} given up, ${summary.skipped} already sent.`);
    return summary.failed + summary.abandoned > 0 ? 1 : 0;
  }
  const digest = values.area ? await app.digests.service.buildArea(values.area, period) : await app.digests.service.build(code, period);
  const rendered = app.digests.service.render(digest);
  const format = values.format ?? (values.preview ? formatFromExtension(values.preview) : 'text');
  const body = format === 'html' ? rendered.html : format === 'sms' ? `${rendered.sms}\n` : format === 'json' ? `${JSON.stringify(digest, null, 2)}\n` : rendered.text;
  if (!['html', 'text', 'sms', 'json'].includes(format)) throw new AppError('invalid-input', '--format must be html, text, sms or json');
  if (values.preview) {
    writeFileSync(values.preview, body);
    out(`Wrote ${rendered.subject} (${format}) to ${values.preview}. Nothing was sent.`);
  } else {
    process.stdout.write(body);
  }
  return 0;
}

function formatFromExtension(file: string): string {
  const ext = path.extname(file).toLowerCase();
  return ext === '.json' ? 'json' : ext === '.txt' ? 'text' : 'html';
}

function periodOf(values: Values, now: Date): DigestPeriod {
  if (!values.from && !values.to) return previousPeriod(weekContaining(now));
  if (!values.from || !values.to) throw new AppError('invalid-input', 'Give both --from and --to, or neither (last week).');
  try {
    return periodFromDays(values.from, values.to);
  } catch (err) {
    throw new AppError('invalid-input', err instanceof Error ? err.message : 'The dates are not valid.');
  }
}

const USAGE = `Ward digests.
  npm run digest -- --ward GSS_CODE|unknown [--from YYYY-MM-DD --to YYYY-MM-DD] [--preview FILE] [--format html|text|sms|json]
  npm run digest -- --area AREA_ID [--from YYYY-MM-DD --to YYYY-MM-DD] [--preview FILE] [--format html|text|sms|json]
  npm run digest -- --ward GSS_CODE [--from … --to …] --send
  npm run digest -- --due
  npm run digest -- subscribe --ward GSS_CODE [--ward …] [--email E] [--mobile M] [--frequency weekly|monthly] [--staff-id ID]
  npm run digest -- unsubscribe ID
  npm run digest -- subscriptions [--ward GSS_CODE]
  npm run digest -- failures`;

main()
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else if (err instanceof AppError) {
      const details = Array.isArray(err.details) ? (err.details as { problem?: string }[]).map((d) => d.problem).filter(Boolean) : [];
      process.stderr.write(`${err.publicMessage}${details.length ? ` (${details.join('; ')})` : ''}\n`);
    } else process.stderr.write(`digest failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
    process.exit(1);
  });
