/**
 * One live stream per handoff, for the worker holding it: the resident's words as they arrive, safeguarding alerts
 * and the end. Unlike the console-wide hub events (ids only, every worker), this carries message text, so only the
 * holder (or a lead) may subscribe; the HTTP layer checks that before subscribing.
 *
 * In-process, like HubEvents, with the same way out: `forward` hands each event to the event relay
 * (services/events/relay.ts), so a worker connected to one instance sees a resident whose texts land on another.
 */
import type { HandoffEndReason, TranscriptLine } from './model';
import type { RiskCategory } from '../safeguarding/types';

export type HandoffStreamEvent =
  | { type: 'message'; handoffId: string; line: TranscriptLine }
  | { type: 'safeguarding'; handoffId: string; categories: RiskCategory[]; at: string }
  | { type: 'ended'; handoffId: string; reason: HandoffEndReason; at: string };

export type HandoffStreamListener = (event: HandoffStreamEvent) => void;

export class HandoffStream {
  private readonly listeners = new Map<string, Set<HandoffStreamListener>>();
  private forwarder: HandoffStreamListener | null = null;

  /** Also hands every event published here to `to` (the event relay); returns how to stop. */
  forward(to: HandoffStreamListener): () => void {
    this.forwarder = to;
    return () => {
      if (this.forwarder === to) this.forwarder = null;
    };
  }

  /** An event published on another instance: to this instance's subscribers only, never forwarded again. */
  deliver(event: HandoffStreamEvent): void {
    this.notify(event);
  }

  subscribe(handoffId: string, listener: HandoffStreamListener): () => void {
    const set = this.listeners.get(handoffId) ?? new Set<HandoffStreamListener>();
    set.add(listener);
    this.listeners.set(handoffId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(handoffId);
    };
  }

  /** How many are listening to one handoff (a worker's console page, tests waiting for it to connect). */
  subscriberCount(handoffId: string): number {
    return this.listeners.get(handoffId)?.size ?? 0;
  }

  publish(event: HandoffStreamEvent): void {
    this.notify(event);
    this.forwarder?.(event);
  }

  private notify(event: HandoffStreamEvent): void {
    for (const listener of this.listeners.get(event.handoffId) ?? []) {
      try {
        listener(event);
      } catch {
        this.listeners.get(event.handoffId)?.delete(listener);
      }
    }
  }
}
