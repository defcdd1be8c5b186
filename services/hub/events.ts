/**
 * Live queue updates for the console (server-sent events). Events carry ids and queue facts only, never a
 * resident's details, so a subscriber that should not see one learns nothing from it.
 *
 * In-process: with several instances behind a load balancer each instance sees only what happened on it, so the
 * console also refreshes its counts on a timer (see web/hub.js). A shared bus (MongoDB change streams) can replace
 * this without changing subscribers.
 */
import type { Referral } from '../referrals/model';

export type HubEventType = 'referral.created' | 'referral.updated';

export interface HubEvent {
  type: HubEventType;
  id: string;
  reference: string;
  kind: Referral['kind'];
  status: Referral['status'];
  urgent: boolean;
  assignee: string | null;
  wardCode: string | null;
  at: string;
}

export type HubEventListener = (event: HubEvent) => void;

export class HubEvents {
  private readonly listeners = new Set<HubEventListener>();

  subscribe(listener: HubEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  publish(type: HubEventType, referral: Referral): void {
    const event: HubEvent = {
      type,
      id: referral.id,
      reference: referral.reference,
      kind: referral.kind,
      status: referral.status,
      urgent: referral.urgent,
      assignee: referral.assignee,
      wardCode: referral.ward.code,
      at: referral.updatedAt,
    };
    // A listener that throws (a closed socket) must not stop the others or the change that published.
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        this.listeners.delete(listener);
      }
    }
  }
}
