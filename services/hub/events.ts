/**
 * Live queue updates for the console (server-sent events). Events carry ids and queue facts only, never a
 * resident's details, so a subscriber that should not see one learns nothing from it.
 *
 * In-process, with a way out: `forward` hands every event published here to the event relay
 * (services/events/relay.ts), which stores it for the other instances behind the load balancer and `deliver`s theirs
 * here. Without the relay (one instance) nothing leaves the process. The console also refreshes its counts on a
 * timer (see web/hub.js).
 */
import type { Handoff } from '../handoff/model';
import type { Referral } from '../referrals/model';
import type { SafeguardingAlert } from '../safeguarding/alerts';

export type HubEventType = 'referral.created' | 'referral.updated';

export interface ReferralEvent {
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

/**
 * A resident in a conversation may be at risk (the bot has already given them the crisis lines). The console
 * announces it at once; any referral from that conversation arrives urgent, at the top of the queue.
 */
export interface SafeguardingEvent {
  type: 'safeguarding.alert';
  /** Opaque: an HMAC of the number for SMS. Matches `conversationId` on any referral from the conversation. */
  conversationId: string;
  channel: string;
  categories: SafeguardingAlert['categories'];
  at: string;
}

/**
 * A live handoff changed: a resident joined the queue, a worker accepted, it ended, or a resident in a handoff may
 * be at risk. Ids and facts only; the words go to the holder's own stream (services/handoff/stream.ts).
 */
export interface HandoffEvent {
  type: 'handoff.waiting' | 'handoff.accepted' | 'handoff.ended' | 'handoff.alert';
  id: string;
  channel: string;
  status: Handoff['status'];
  urgent: boolean;
  acceptedBy: string | null;
  at: string;
}

export type HubEvent = ReferralEvent | SafeguardingEvent | HandoffEvent;

export type HubEventListener = (event: HubEvent) => void;

export class HubEvents {
  private readonly listeners = new Set<HubEventListener>();
  private forwarder: HubEventListener | null = null;

  /** Also hands every event published here to `to` (the event relay); returns how to stop. */
  forward(to: HubEventListener): () => void {
    this.forwarder = to;
    return () => {
      if (this.forwarder === to) this.forwarder = null;
    };
  }

  /** An event published on another instance: to this instance's subscribers only, never forwarded again. */
  deliver(event: HubEvent): void {
    this.notify(event);
  }

  subscribe(listener: HubEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  publishAlert(alert: SafeguardingAlert): void {
    this.emit({ type: 'safeguarding.alert', conversationId: alert.conversationId, channel: alert.channel, categories: alert.categories, at: alert.at });
  }

  publish(type: HubEventType, referral: Referral): void {
    this.emit({
      type,
      id: referral.id,
      reference: referral.reference,
      kind: referral.kind,
      status: referral.status,
      urgent: referral.urgent,
      assignee: referral.assignee,
      wardCode: referral.ward.code,
      at: referral.updatedAt,
    });
  }

  publishHandoff(type: HandoffEvent['type'], handoff: Handoff, at: string): void {
    this.emit({ type, id: handoff.id, channel: handoff.channel, status: handoff.status, urgent: handoff.urgent, acceptedBy: handoff.acceptedBy, at });
  }

  private emit(event: HubEvent): void {
    this.notify(event);
    this.forwarder?.(event);
  }

  private notify(event: HubEvent): void {
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
