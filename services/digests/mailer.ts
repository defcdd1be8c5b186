/**
 * Sending a digest email: through any SMTP server (nodemailer, `SMTP_URL`) or GOV.UK Notify (`NOTIFY_API_KEY`),
 * behind one interface so the digest service does not care which.
 *
 * Notify builds its own accessible, GOV.UK-branded email from a template and plain text, and does not accept HTML:
 * the Notify template needs `((subject))` as its subject and `((body))` as its whole body (see README). SMTP sends
 * our HTML with the plain-text part beside it.
 *
 * Failures become a {@link MailerError} whose `reason` is short and never carries the address or the provider's
 * message text (which can quote the address): "smtp 550", "smtp ETIMEDOUT", "notify 400 BadRequestError".
 */
import type { Transporter } from 'nodemailer';
import type { NotifyClient } from 'notifications-node-client';

export interface DigestEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Our reference for the message (the ledger key): shown in Notify's dashboard, and an SMTP header. */
  reference: string;
}

export interface Mailer {
  readonly kind: 'smtp' | 'notify';
  /** Resolves with the provider's id for the message once the provider has accepted it. */
  send(email: DigestEmail): Promise<{ id: string | null }>;
  close(): Promise<void>;
}

export class MailerError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'MailerError';
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;

export interface SmtpMailerOptions {
  /** e.g. smtp://user:pass@smtp.example.gov.uk:587 or smtps://…:465; query options such as ?ignoreTLS=true work. */
  url: string;
  /** The From address, e.g. "Rotherham Community Hub <hub@example.gov.uk>". */
  from: string;
  timeoutMs?: number;
}

export class SmtpMailer implements Mailer {
  readonly kind = 'smtp' as const;
  private readonly transport: Transporter;

  constructor(private readonly options: SmtpMailerOptions) {
    const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // Nodemailer's defaults wait minutes on a silent server; a digest run should fail fast and retry later.
    // Loaded here, not when the server starts: most deployments send digests through one of the two, or neither.
    const nodemailer = require('nodemailer') as typeof import('nodemailer');
    this.transport = nodemailer.createTransport({ url: options.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  }

  async send(email: DigestEmail): Promise<{ id: string | null }> {
    try {
      const info = (await this.transport.sendMail({
        from: this.options.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        headers: { 'X-Hub-Digest': email.reference },
      })) as { messageId?: unknown };
      return { id: typeof info.messageId === 'string' ? info.messageId : null };
    } catch (err) {
      throw new MailerError(smtpReason(err));
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

function smtpReason(err: unknown): string {
  const e = err as { responseCode?: unknown; code?: unknown };
  if (typeof e.responseCode === 'number') return `smtp ${e.responseCode}`;
  if (typeof e.code === 'string' && /^[A-Z_]{2,20}$/.test(e.code)) return `smtp ${e.code}`;
  return 'smtp error';
}

export interface NotifyMailerOptions {
  apiKey: string;
  templateId: string;
  /** Notify's API by default; a local stand-in in tests. */
  baseUrl?: string;
  timeoutMs?: number;
}

export class NotifyMailer implements Mailer {
  readonly kind = 'notify' as const;
  private readonly client: NotifyClient;

  constructor(private readonly options: NotifyMailerOptions) {
    const { NotifyClient } = require('notifications-node-client') as typeof import('notifications-node-client');
    this.client = options.baseUrl ? new NotifyClient(options.baseUrl, options.apiKey) : new NotifyClient(options.apiKey);
  }

  async send(email: DigestEmail): Promise<{ id: string | null }> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    // The client has no timeout of its own; a hung request must not hold the digest run (and its lock) for ever.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MailerError('notify timeout')), timeoutMs);
    });
    try {
      const response = await Promise.race([
        this.client.sendEmail(this.options.templateId, email.to, {
          personalisation: { subject: email.subject, body: email.text },
          reference: email.reference,
        }),
        timeout,
      ]);
      const id = (response.data as { id?: unknown } | undefined)?.id;
      return { id: typeof id === 'string' ? id : null };
    } catch (err) {
      if (err instanceof MailerError) throw err;
      throw new MailerError(notifyReason(err));
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {}
}

function notifyReason(err: unknown): string {
  const e = err as { response?: { status?: unknown; data?: { errors?: { error?: unknown }[] } }; code?: unknown };
  const status = e.response?.status;
  if (typeof status === 'number') {
    const kind = e.response?.data?.errors?.[0]?.error;
    return typeof kind === 'string' && /^[A-Za-z]{1,40}$/.test(kind) ? `notify ${status} ${kind}` : `notify ${status}`;
  }
  if (typeof e.code === 'string' && /^[A-Z_]{2,20}$/.test(e.code)) return `notify ${e.code}`;
  return 'notify error';
}

export interface MailerConfig {
  SMTP_URL?: string | undefined;
  DIGEST_FROM?: string | undefined;
  NOTIFY_API_KEY?: string | undefined;
  NOTIFY_TEMPLATE_ID?: string | undefined;
  NOTIFY_API_URL?: string | undefined;
}

/** SMTP when `SMTP_URL` is set, Notify when `NOTIFY_API_KEY` is, otherwise none (config.ts refuses both at once). */
export function createMailer(config: MailerConfig): Mailer | null {
  if (config.SMTP_URL && config.DIGEST_FROM) return new SmtpMailer({ url: config.SMTP_URL, from: config.DIGEST_FROM });
  if (config.NOTIFY_API_KEY && config.NOTIFY_TEMPLATE_ID) {
    return new NotifyMailer({
      apiKey: config.NOTIFY_API_KEY,
      templateId: config.NOTIFY_TEMPLATE_ID,
      ...(config.NOTIFY_API_URL ? { baseUrl: config.NOTIFY_API_URL } : {}),
    });
  }
  return null;
}
