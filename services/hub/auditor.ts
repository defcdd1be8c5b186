/**
 * The staff console's audit trail: who (staff id and role), what (action), to what (subject), when, and from where
 * (client address). Details carry ids, statuses and counts, never a resident's details or the text of a note.
 */
import type { Clock } from '../clock';
import type { AuditRepository } from '../store/types';
import type { Actor } from './roles';

export type HubAuditAction =
  | 'hub.session.signed-in'
  | 'hub.session.sign-in-failed'
  | 'hub.session.signed-out'
  | 'hub.queue.viewed'
  | 'hub.events.subscribed'
  | 'hub.referral.viewed'
  | 'hub.referral.claimed'
  | 'hub.referral.status-changed'
  | 'hub.referral.note-added'
  | 'hub.referral.assigned'
  | 'hub.referral.ward-changed'
  | 'hub.referral.message-sent'
  | 'hub.referral.message-failed'
  | 'hub.workload.viewed'
  | 'hub.staff.listed'
  | 'hub.staff.created'
  | 'hub.staff.updated'
  | 'hub.wards.stats-viewed'
  | 'hub.audit.viewed'
  | 'hub.sar.exported'
  | 'hub.sar.erased'
  | 'hub.handoff.listed'
  | 'hub.handoff.viewed'
  | 'hub.handoff.accepted'
  | 'hub.handoff.message-sent'
  | 'hub.handoff.ended'
  | 'hub.handoff.referral-created'
  | 'hub.handoff.attached'
  | 'hub.handoff.stream-opened';

export class HubAuditor {
  constructor(private readonly audit: AuditRepository, private readonly clock: Clock) {}

  async record(actor: Pick<Actor, 'id' | 'role' | 'ip'> | null, action: HubAuditAction, subject: string | null, detail: Record<string, unknown> = {}): Promise<void> {
    await this.audit.append({
      at: this.clock.now().toISOString(),
      actor: actor?.id ?? 'anonymous',
      action,
      subject,
      detail: { ...detail, ...(actor ? { role: actor.role, ip: actor.ip } : {}) },
    });
  }

  /** For events before anyone is signed in (a failed sign-in): the address is all we know. */
  async recordAnonymous(ip: string | null, action: HubAuditAction, subject: string | null, detail: Record<string, unknown> = {}): Promise<void> {
    await this.audit.append({ at: this.clock.now().toISOString(), actor: 'anonymous', action, subject, detail: { ...detail, ip } });
  }
}
