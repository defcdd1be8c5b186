/**
 * Subscribing councillors to ward digests: the use cases behind the admin API and `npm run digest -- subscribe`.
 *
 * Input is checked at the edge (zod), ward codes against the council's wards, the mobile as a UK mobile number
 * (stored in E.164), and every change is audited with ids only: the audit log never holds a councillor's email or
 * number, so it can be shared more widely than the subscriptions themselves.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock';
import { parseEmail, parseUkPhone } from '../contact';
import type { CouncilProfile } from '../council/types';
import { AppError } from '../errors';
import type { Store } from '../store/types';
import { channelsOf, digestFrequency, type DigestSubscription } from './model';

export const subscriptionInput = z
  .object({
    wardCodes: z.array(z.string().trim().toUpperCase()).min(1, 'name at least one ward'),
    email: z.string().nullable().optional(),
    mobile: z.string().nullable().optional(),
    frequency: digestFrequency.default('weekly'),
    staffId: z.string().trim().min(1).nullable().optional(),
    active: z.boolean().default(true),
  })
  .strict();
export type SubscriptionInput = z.input<typeof subscriptionInput>;

export const subscriptionPatch = z
  .object({
    wardCodes: z.array(z.string().trim().toUpperCase()).min(1, 'name at least one ward').optional(),
    email: z.string().nullable().optional(),
    mobile: z.string().nullable().optional(),
    frequency: digestFrequency.optional(),
    staffId: z.string().trim().min(1).nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type SubscriptionPatch = z.input<typeof subscriptionPatch>;

export interface SubscriptionDeps {
  store: Store;
  profile: Pick<CouncilProfile, 'wardByCode'>;
  clock: Clock;
  /** Who did it, for the audit log: "admin-token", "cli", or a staff id. */
  actor: string;
}

export async function createSubscription(input: unknown, deps: SubscriptionDeps): Promise<DigestSubscription> {
  const parsed = parse(subscriptionInput, input);
  const now = deps.clock.now().toISOString();
  const subscription: DigestSubscription = {
    id: randomUUID(),
    wardCodes: checkedWards(parsed.wardCodes, deps),
    email: checkedEmail(parsed.email),
    mobile: checkedMobile(parsed.mobile),
    frequency: parsed.frequency,
    staffId: parsed.staffId ?? null,
    active: parsed.active,
    createdAt: now,
    updatedAt: now,
  };
  requireContact(subscription);
  const created = await deps.store.digestSubscriptions.create(subscription);
  await audit(deps, 'digest.subscription.created', created);
  return created;
}

export async function updateSubscription(id: string, patch: unknown, deps: SubscriptionDeps): Promise<DigestSubscription> {
  const parsed = parse(subscriptionPatch, patch);
  const existing = await deps.store.digestSubscriptions.get(id);
  if (!existing) throw new AppError('not-found', 'There is no such subscription.');
  const updated: DigestSubscription = {
    ...existing,
    ...(parsed.wardCodes !== undefined ? { wardCodes: checkedWards(parsed.wardCodes, deps) } : {}),
    ...(parsed.email !== undefined ? { email: checkedEmail(parsed.email) } : {}),
    ...(parsed.mobile !== undefined ? { mobile: checkedMobile(parsed.mobile) } : {}),
    ...(parsed.frequency !== undefined ? { frequency: parsed.frequency } : {}),
    ...(parsed.staffId !== undefined ? { staffId: parsed.staffId } : {}),
    ...(parsed.active !== undefined ? { active: parsed.active } : {}),
    updatedAt: deps.clock.now().toISOString(),
  };
  requireContact(updated);
  if (!(await deps.store.digestSubscriptions.update(updated))) throw new AppError('not-found', 'There is no such subscription.');
  await audit(deps, 'digest.subscription.updated', updated);
  return updated;
}

export async function deleteSubscription(id: string, deps: SubscriptionDeps): Promise<void> {
  if (!(await deps.store.digestSubscriptions.delete(id))) throw new AppError('not-found', 'There is no such subscription.');
  await deps.store.audit.append({ at: deps.clock.now().toISOString(), actor: deps.actor, action: 'digest.subscription.deleted', subject: id, detail: {} });
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AppError('invalid-input', 'The subscription is not valid.', {
      details: result.error.issues.map((i) => ({ path: i.path.join('.'), problem: i.message })),
    });
  }
  return result.data;
}

function checkedWards(codes: readonly string[], deps: SubscriptionDeps): string[] {
  const unknown = codes.filter((c) => deps.profile.wardByCode(c) === null);
  if (unknown.length > 0) {
    throw new AppError('invalid-input', 'Some ward codes are not wards of this council.', { details: unknown.map((code) => ({ path: 'wardCodes', problem: `${code} is not a ward here` })) });
  }
  return [...new Set(codes)];
}

function checkedEmail(email: string | null | undefined): string | null {
  if (email === null || email === undefined || email.trim() === '') return null;
  const parsed = parseEmail(email);
  if (!parsed) throw new AppError('invalid-input', 'The email address is not valid.', { details: [{ path: 'email', problem: 'not an email address' }] });
  return parsed;
}

function checkedMobile(mobile: string | null | undefined): string | null {
  if (mobile === null || mobile === undefined || mobile.trim() === '') return null;
  const phone = parseUkPhone(mobile);
  if (!phone || !phone.mobile) {
    throw new AppError('invalid-input', 'The mobile number is not a UK mobile number.', { details: [{ path: 'mobile', problem: 'not a UK mobile number' }] });
  }
  return phone.e164;
}

function requireContact(subscription: DigestSubscription): void {
  if (channelsOf(subscription).length === 0) {
    throw new AppError('invalid-input', 'Give an email address, a mobile number, or both.', { details: [{ path: 'email', problem: 'email or mobile is required' }] });
  }
}

async function audit(deps: SubscriptionDeps, action: string, s: DigestSubscription): Promise<void> {
  await deps.store.audit.append({
    at: deps.clock.now().toISOString(),
    actor: deps.actor,
    action,
    subject: s.id,
    detail: { wardCodes: s.wardCodes, channels: channelsOf(s), frequency: s.frequency, active: s.active, staffId: s.staffId },
  });
}
