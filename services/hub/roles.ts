/**
 * Who may do what in the staff console, as one table. Every HTTP endpoint names the capability it needs, and the
 * authorisation test walks this table against every endpoint and every role.
 *
 * Councillors never read a resident's details: they get ward aggregates for their own wards only. Admins manage
 * accounts, read the audit log and answer subject access requests, but do not work the queue.
 */
import type { StaffRole } from '../store/types';

export const CAPABILITIES = {
  'queue.read': ['hub-worker', 'hub-lead'],
  'referral.read': ['hub-worker', 'hub-lead'],
  'referral.claim': ['hub-worker', 'hub-lead'],
  /** Notes, status changes and texts; a worker only on referrals assigned to them (checked in the use case). */
  'referral.work': ['hub-worker', 'hub-lead'],
  'referral.assign': ['hub-lead'],
  /** Put a referral back in the queue. */
  'referral.release': ['hub-lead'],
  'team.workload': ['hub-lead'],
  'staff.list': ['hub-lead', 'admin'],
  'staff.manage': ['admin'],
  'wards.stats': ['councillor', 'hub-lead', 'admin'],
  'audit.read': ['admin'],
  'sar.manage': ['admin'],
  'events.subscribe': ['hub-worker', 'hub-lead'],
  /** Live handoffs: see who is waiting, accept, chat, end, make or attach a referral. Holder-only rules are in the use case. */
  'handoff.work': ['hub-worker', 'hub-lead'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Capability = keyof typeof CAPABILITIES;

export function can(role: StaffRole, capability: Capability): boolean {
  return (CAPABILITIES[capability] as readonly StaffRole[]).includes(role);
}

export const ROLE_LABELS: Readonly<Record<StaffRole, string>> = {
  'hub-worker': 'Hub worker',
  'hub-lead': 'Hub lead',
  councillor: 'Councillor',
  admin: 'Administrator',
};

/** Who is acting, and from where; every audit entry carries it. */
export interface Actor {
  id: string;
  email: string;
  role: StaffRole;
  wards: string[];
  ip: string | null;
}
