/**
 * Configuration: one zod schema over the environment, checked once at start-up.
 *
 * Every key is documented in .env.example. Secrets have no defaults. A bad value stops the process with a message
 * that names the variable and says what is wrong, instead of failing later in the middle of a resident's turn.
 */
import os from 'node:os';
import { z } from 'zod';
import { isLoopbackHttp } from '../services/language/endpoint';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const optionalUrl = optionalString.pipe(z.string().url({ message: 'must be a full URL such as https://example.org/path' }).optional());

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    /**
     * How long an idle keep-alive connection stays open. Longer than the load balancer's own idle timeout, so the
     * server never closes a connection the balancer is about to reuse (Node's 5 s default made that race: a
     * webhook lost to a reset connection).
     */
    HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(65),
    HOST: z.string().default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    COUNCIL: z
      .string()
      .regex(/^[a-z0-9-]+$/, { message: 'must be the name of a folder under councils/, e.g. rotherham' })
      .default('rotherham'),
    /** Where the council profile folders are; default the shipped councils/ folder. A council can keep its own
     * profile outside this repository and point here. */
    COUNCILS_DIR: optionalString,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    MICROSOFT_APP_ID: optionalString,
    MICROSOFT_APP_PASSWORD: optionalString,
    MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    MICROSOFT_APP_TENANT_ID: optionalString,

    MONGODB_URI: optionalString.pipe(
      z
        .string()
        .regex(/^mongodb(\+srv)?:\/\//, { message: 'must start with mongodb:// or mongodb+srv://' })
        .optional(),
    ),
    MONGODB_DB: z.string().min(1).default('community-hub'),

    /** Secret for keyed hashes of phone numbers and for signing embedded Direct Line tokens. */
    HASH_SECRET: optionalString.pipe(z.string().min(32, { message: 'must be at least 32 characters' }).optional()),
    PUBLIC_URL: optionalUrl,

    TWILIO_ACCOUNT_SID: optionalString.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, { message: 'must be an account SID: AC followed by 32 hex digits' }).optional()),
    TWILIO_AUTH_TOKEN: optionalString,
    TWILIO_PHONE_NUMBER: optionalString.pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, { message: 'must be in E.164 form, e.g. +447700900000' }).optional()),
    TWILIO_MESSAGING_SERVICE_SID: optionalString.pipe(z.string().regex(/^MG[0-9a-fA-F]{32}$/, { message: 'must be a messaging service SID: MG followed by 32 hex digits' }).optional()),
    /** The exact public URL Twilio calls for inbound texts; signatures are computed over it. */
    TWILIO_WEBHOOK_URL: optionalUrl,
    /** Where Twilio posts delivery status; defaults to TWILIO_WEBHOOK_URL + "/status". */
    TWILIO_STATUS_CALLBACK_URL: optionalUrl,
    /** Base URL of the Twilio REST API: only for a local test double. */
    TWILIO_API_URL: optionalUrl,
    /** auto: with no Twilio account (and not in production), simulate Twilio locally for `npm run sms`. */
    SMS_SIMULATOR: z.enum(['auto', 'on', 'off']).default('auto'),
    /** Messages one number may send per SMS_RATE_WINDOW_SECONDS before the bot stops answering for a while. */
    SMS_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
    SMS_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(600),

    /** Azure Bot Service Direct Line secret: set it and the web chat page uses Azure's Direct Line, not ours. */
    DIRECT_LINE_SECRET: optionalString,
    /** Azure's Direct Line base URL; a bot with European data residency needs https://europe.directline.botframework.com. */
    DIRECT_LINE_ENDPOINT: optionalUrl.transform((v) => (v ?? 'https://directline.botframework.com').replace(/\/+$/, '')),
    // ---- staff console (issue 5) ----
    /** Signs the console's pre-sign-in CSRF tokens and OpenID Connect state. Random per process when unset. */
    SESSION_SECRET: optionalString.pipe(z.string().min(32, { message: 'must be at least 32 characters' }).optional()),
    /**
     * How many proxies we trust in front of the server (0: none). With N, the client address for audit, sign-in
     * throttling and rate limits is the Nth X-Forwarded-For entry from the right, the one our own outermost proxy
     * appended; entries further left were sent by the client and are never believed. `true` means 1 and `false` 0,
     * as before this became a count.
     */
    HUB_TRUST_PROXY: z
      .string()
      .trim()
      .default('0')
      .refine((v) => /^(true|false|\d{1,2}|)$/.test(v), { message: 'must be the number of trusted proxy hops (0, 1, 2, ...), or true (1) or false (0)' })
      .transform((v) => (v === 'true' ? 1 : v === 'false' || v === '' ? 0 : Number(v))),
    OIDC_ISSUER_URL: optionalUrl,
    OIDC_CLIENT_ID: optionalString,
    OIDC_CLIENT_SECRET: optionalString,
    /** Azure AI Language resource endpoint, e.g. https://my-resource.cognitiveservices.azure.com. Unset: local analyser. */
    AZURE_LANGUAGE_ENDPOINT: optionalString.pipe(
      z
        .url({ message: 'must be the https:// endpoint of an Azure AI Language resource' })
        .refine((url) => url.startsWith('https://') || isLoopbackHttp(url), {
          message: 'must start with https:// (plain http is allowed only for a test double on 127.0.0.1 or localhost)',
        })
        .optional(),
    ),
    /** Key of that resource. Only ever from the environment; never logged. */
    AZURE_LANGUAGE_KEY: optionalString,
    /** Longest a resident's turn waits for Azure before the local analyser answers instead. */
    AZURE_LANGUAGE_TIMEOUT_MS: z.coerce.number().int().min(100).max(10_000).default(1500),
    /** Bearer token Prometheus must send to GET /metrics. Unset: /metrics is open (keep it on a private network). */
    /** on: run the retention job (services/retention.ts) inside the server, daily. off: run `npm run retention` from cron. */
    RETENTION_SCHEDULE: z.enum(['on', 'off']).default('off'),
    // ---- live handoff to a hub worker (issue 9) ----
    /**
     * console: "speak to a person" in opening hours joins a live queue that hub workers take in the staff console.
     * external: the same queue, taken by a contact-centre product through Bot Framework's handoff.initiate and
     * handoff.status events. off: the bot gives the hub's number and hours instead.
     */
    HANDOFF_MODE: z.enum(['console', 'external', 'off']).default('console'),
    /** A resident nobody accepts within this many minutes is told so and is back with the bot. */
    HANDOFF_WAIT_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(240).default(15),
    /** An accepted handoff with no message either way for this many minutes ends, and the bot says so. */
    HANDOFF_IDLE_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(240).default(20),
    /** The wait quoted per resident ahead when nobody has been accepted in the last seven days. */
    HANDOFF_DEFAULT_WAIT_MINUTES: z.coerce.number().int().min(1).max(120).default(5),
    METRICS_TOKEN: optionalString.pipe(z.string().min(16, { message: 'must be at least 16 characters' }).optional()),
    /** Bearer token for the digest admin API until the hub console's staff sessions replace it. */
    ADMIN_API_TOKEN: optionalString.pipe(z.string().min(32, { message: 'must be at least 32 characters (openssl rand -hex 32)' }).optional()),
    /** on: this server sends ward digests on schedule (one instance at a time, by a lock in the store). */
    DIGEST_SCHEDULE: z.enum(['on', 'off']).default('off'),
    /** Digest email by SMTP, e.g. smtps://user:pass@smtp.example.gov.uk:465 */
    SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, { message: 'must start with smtp:// or smtps://' }).optional()),
    /** The From of digest emails sent by SMTP, e.g. "Rotherham Community Hub <hub@example.gov.uk>". */
    DIGEST_FROM: optionalString,
    /** Digest email by GOV.UK Notify instead of SMTP. */
    NOTIFY_API_KEY: optionalString,
    NOTIFY_TEMPLATE_ID: optionalString.pipe(z.string().uuid({ message: 'must be the template id (a UUID) from Notify' }).optional()),
    /** Base URL of the Notify API: only for a local test double. */
    NOTIFY_API_URL: optionalUrl,
    /** Where ward lookups come from: the profile's postcode table (default) or a postcodes.io server. */
    POSTCODE_LOOKUP: z.enum(['table', 'postcodes.io']).default('table'),
    /** Base URL of postcodes.io, or of the council's own copy of it; default https://api.postcodes.io */
    POSTCODES_IO_URL: optionalUrl,
    POSTCODES_IO_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
    /**
     * true: this server is one of several instances behind a load balancer (deploy/azure sets it). The start-up
     * check then refuses what only works in one process: the embedded SQLite store and the embedded Direct Line.
     */
    MULTI_INSTANCE: z
      .enum(['true', 'false', ''])
      .default('false')
      .transform((v) => v === 'true'),
    /**
     * Share live console events (queue changes, safeguarding alerts, live chat messages) between instances through
     * the store (services/events/relay.ts). Unset: on exactly when MULTI_INSTANCE=true.
     */
    EVENT_RELAY: z
      .enum(['true', 'false', ''])
      .default('')
      .transform((v) => (v === '' ? undefined : v === 'true')),
    /**
     * Names this instance in the leases on texts it processes and sends, so that of several instances exactly one
     * handles each text, and another takes over a dead one's after a minute. Unset: "single" on one instance (a
     * restarted server takes its own texts straight back), the host name with MULTI_INSTANCE=true (each replica's).
     * Set, or with MULTI_INSTANCE=true, each conversation's turns also take a lock in the store (services/turns).
     */
    INSTANCE_ID: z.string().trim().max(200).optional(),
    /** How often each instance looks for the other instances' events; the most a relayed event waits. */
    EVENT_RELAY_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
    /** Open311 GeoReport v2 (/open311/v2): requests one API key may make per OPEN311_RATE_WINDOW_SECONDS; then 429. */
    OPEN311_RATE_LIMIT: z.coerce.number().int().min(1).default(120),
    OPEN311_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
    /** Base URL of the council's Open Referral UK API (its /services and /taxonomies), for directory imports. */
    DIRECTORY_FEED_URL: optionalUrl,
    /** Import from DIRECTORY_FEED_URL every this many minutes inside the server; 0 (the default): never. */
    DIRECTORY_IMPORT_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(0),
    /** Longest one request to the feed may take before the import gives up (the directory in force stays). */
    DIRECTORY_FEED_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  })
  .superRefine((env, ctx) => {
    if (env.MICROSOFT_APP_ID && !env.MICROSOFT_APP_PASSWORD && env.MICROSOFT_APP_TYPE !== 'UserAssignedMSI') {
      ctx.addIssue({
        code: 'custom',
        path: ['MICROSOFT_APP_PASSWORD'],
        message: 'is required when MICROSOFT_APP_ID is set (unless MICROSOFT_APP_TYPE is UserAssignedMSI)',
      });
    }
    if (env.MICROSOFT_APP_TYPE === 'SingleTenant' && env.MICROSOFT_APP_ID && !env.MICROSOFT_APP_TENANT_ID) {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_APP_TENANT_ID'], message: 'is required for a SingleTenant app' });
    }
    const twilioKeys = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_PHONE_NUMBER', 'TWILIO_MESSAGING_SERVICE_SID', 'TWILIO_WEBHOOK_URL'] as const;
    if (twilioKeys.some((key) => env[key])) {
      for (const key of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_WEBHOOK_URL'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required to use Twilio SMS (set all TWILIO_ settings, or none)' });
      }
      if (!env.TWILIO_PHONE_NUMBER && !env.TWILIO_MESSAGING_SERVICE_SID) {
        ctx.addIssue({ code: 'custom', path: ['TWILIO_PHONE_NUMBER'], message: 'or TWILIO_MESSAGING_SERVICE_SID is required to send texts' });
      }
    }
    if (env.DIRECT_LINE_SECRET && !env.MICROSOFT_APP_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['MICROSOFT_APP_ID'],
        message: "is required when DIRECT_LINE_SECRET is set (Azure's Direct Line reaches the bot through the Azure Bot registration)",
      });
    }
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRET'],
        message: 'is required in production (generate one with: openssl rand -hex 32)',
      });
    }
    const oidcSet = [env.OIDC_ISSUER_URL, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET].filter(Boolean).length;
    if (oidcSet > 0 && oidcSet < 3) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_ISSUER_URL'], message: 'OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together' });
    }
    if (oidcSet === 3 && !env.PUBLIC_URL) {
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: 'is required for OpenID Connect sign-in (the redirect URI is built from it)' });
    }
    if (Boolean(env.AZURE_LANGUAGE_ENDPOINT) !== Boolean(env.AZURE_LANGUAGE_KEY)) {
      const missing = env.AZURE_LANGUAGE_ENDPOINT ? 'AZURE_LANGUAGE_KEY' : 'AZURE_LANGUAGE_ENDPOINT';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'is required to use Azure AI Language (set both AZURE_LANGUAGE_ENDPOINT and AZURE_LANGUAGE_KEY, or neither)' });
    }
    if (env.SMTP_URL && env.NOTIFY_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['NOTIFY_API_KEY'], message: 'cannot be set together with SMTP_URL: choose one way to send digest emails' });
    }
    if (env.SMTP_URL && !env.DIGEST_FROM) {
      ctx.addIssue({ code: 'custom', path: ['DIGEST_FROM'], message: 'is required with SMTP_URL (the From address of digest emails)' });
    }
    if (env.NOTIFY_API_KEY && !env.NOTIFY_TEMPLATE_ID) {
      ctx.addIssue({ code: 'custom', path: ['NOTIFY_TEMPLATE_ID'], message: 'is required with NOTIFY_API_KEY (a template with ((subject)) and ((body)))' });
    }
    if (env.DIRECTORY_IMPORT_INTERVAL_MINUTES > 0 && !env.DIRECTORY_FEED_URL) {
      ctx.addIssue({ code: 'custom', path: ['DIRECTORY_FEED_URL'], message: 'is required when DIRECTORY_IMPORT_INTERVAL_MINUTES is more than 0' });
    }
    if (env.NODE_ENV === 'production' && !env.HASH_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['HASH_SECRET'],
        message: 'is required in production (generate one with: openssl rand -hex 32)',
      });
    }
    if (env.MULTI_INSTANCE) {
      for (const problem of multiInstanceProblems(env)) ctx.addIssue({ code: 'custom', path: [problem.key], message: problem.message });
    }
  });

/**
 * What cannot be shared between instances. Each embedded default keeps something in one process or on one disk: the
 * SQLite file (so each instance would have its own referrals and conversations), the Direct Line WebSockets (so a
 * reply would be lost when the turn runs on another instance), and keys generated under DATA_DIR when a secret is
 * unset (so instances would not recognise each other's phone-number hashes, chat tokens or sign-in state).
 */
function multiInstanceProblems(env: {
  NODE_ENV: string;
  MONGODB_URI?: string | undefined;
  DIRECT_LINE_SECRET?: string | undefined;
  HASH_SECRET?: string | undefined;
  SESSION_SECRET?: string | undefined;
}): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  if (!env.MONGODB_URI) {
    problems.push({ key: 'MONGODB_URI', message: 'is required with MULTI_INSTANCE=true: the embedded SQLite store lives on one machine, so every instance would have its own referrals' });
  }
  if (!env.DIRECT_LINE_SECRET) {
    problems.push({ key: 'DIRECT_LINE_SECRET', message: "is required with MULTI_INSTANCE=true: the embedded Direct Line keeps web chat connections in one process; use Azure Bot Service's Direct Line" });
  }
  // In production these two are already reported as required; say it once.
  if (!env.HASH_SECRET && env.NODE_ENV !== 'production') {
    problems.push({ key: 'HASH_SECRET', message: 'is required with MULTI_INSTANCE=true: every instance must hash phone numbers with the same key' });
  }
  if (!env.SESSION_SECRET && env.NODE_ENV !== 'production') {
    problems.push({ key: 'SESSION_SECRET', message: 'is required with MULTI_INSTANCE=true: a staff sign-in started on one instance may finish on another' });
  }
  return problems;
}

/**
 * Warnings for the start-up log: settings that work, but not as well as they could for the way this server is run.
 * The server logs them once; nothing stops.
 */
export function deploymentWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.NODE_ENV === 'production' && !config.MULTI_INSTANCE && (!config.MONGODB_URI || !config.DIRECT_LINE_SECRET)) {
    const embedded = [!config.MONGODB_URI ? 'the embedded store' : null, !config.DIRECT_LINE_SECRET ? 'the embedded Direct Line' : null].filter(Boolean).join(' and ');
    warnings.push(
      `Running on ${embedded}: run exactly one instance of this server. Behind a load balancer with several instances, set MONGODB_URI and DIRECT_LINE_SECRET, and MULTI_INSTANCE=true so the start-up check enforces it.`,
    );
  }
  if (config.MULTI_INSTANCE && config.RETENTION_SCHEDULE === 'on') {
    warnings.push(
      'RETENTION_SCHEDULE=on with MULTI_INSTANCE=true: every instance runs the retention job, an hour after it starts and then daily. Prefer RETENTION_SCHEDULE=off and one scheduled `npm run retention` (deploy/azure runs it as a Container Apps job).',
    );
  }
  return warnings;
}

export type Config = z.infer<typeof configSchema>;

/** INSTANCE_ID, or its default: "single" on one instance, the host name (a replica's own) with MULTI_INSTANCE=true. */
export function instanceId(config: Pick<Config, 'INSTANCE_ID' | 'MULTI_INSTANCE'>): string {
  return config.INSTANCE_ID || (config.MULTI_INSTANCE ? os.hostname() : 'single');
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every setting.`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment. Throws {@link ConfigError} listing every problem at once, never the values. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'} ${issue.message}`));
}
