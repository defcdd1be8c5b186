/**
 * SMS collections for the MongoDB store: `smsInbound` (MessageSid as _id, so a retried webhook is a duplicate
 * key), `smsOutbound` (the outbox, ordered by a counter-issued seq) and `smsOptOuts`.
 */
import type { Collection, Db } from 'mongodb';
import { MongoServerError } from 'mongodb';
import type { InboundSms, OutboundSms, OutboundStatus, SmsRepository } from './types';

interface Lease {
  leaseOwner?: string | null;
  leaseUntil?: string | null;
}
interface InboundDoc extends Omit<InboundSms, 'messageSid'>, Lease {
  _id: string;
}
interface OutboundDoc extends OutboundSms, Lease {
  _id: string;
}
interface OptOutDoc {
  _id: string;
  optedOut: boolean;
  updatedAt: string;
}
interface CounterDoc {
  _id: string;
  value: number;
}

const FINAL: OutboundStatus[] = ['delivered', 'undelivered', 'failed', 'suppressed'];

export async function ensureSmsIndexes(db: Db): Promise<void> {
  await db.collection<InboundDoc>('smsInbound').createIndexes([{ key: { processedAt: 1, receivedAt: 1 }, name: 'pending' }]);
  await db.collection<OutboundDoc>('smsOutbound').createIndexes([
    { key: { id: 1 }, name: 'id_unique', unique: true },
    { key: { status: 1, seq: 1 }, name: 'pending' },
    { key: { conversationId: 1, seq: 1 }, name: 'conversation' },
    { key: { twilioSid: 1 }, name: 'twilioSid', sparse: true },
  ]);
}

export class MongoSmsRepository implements SmsRepository {
  private readonly inbound: Collection<InboundDoc>;
  private readonly outbound: Collection<OutboundDoc>;
  private readonly optOuts: Collection<OptOutDoc>;
  private readonly counters: Collection<CounterDoc>;

  constructor(db: Db) {
    this.inbound = db.collection<InboundDoc>('smsInbound');
    this.outbound = db.collection<OutboundDoc>('smsOutbound');
    this.optOuts = db.collection<OptOutDoc>('smsOptOuts');
    this.counters = db.collection<CounterDoc>('counters');
  }

  async recordInbound(m: InboundSms): Promise<boolean> {
    const { messageSid, ...rest } = m;
    try {
      await this.inbound.insertOne({ _id: messageSid, ...rest });
      return true;
    } catch (err) {
      if (err instanceof MongoServerError && err.code === 11000) return false;
      throw err;
    }
  }

  async markInboundProcessed(messageSid: string, at: string): Promise<void> {
    await this.inbound.updateOne({ _id: messageSid }, { $set: { processedAt: at, from: null, body: null } });
  }

  async pendingInbound(): Promise<InboundSms[]> {
    const docs = await this.inbound.find({ processedAt: null }).sort({ receivedAt: 1, _id: 1 }).toArray();
    return docs.map(({ _id, leaseOwner: _owner, leaseUntil: _until, ...rest }) => ({ messageSid: _id, ...rest }));
  }

  async leaseInbound(messageSid: string, owner: string, until: string, now: string): Promise<boolean> {
    const result = await this.inbound.updateOne(
      { _id: messageSid, processedAt: null, $or: [{ leaseOwner: null }, { leaseOwner: owner }, { leaseUntil: { $lte: now } }] },
      { $set: { leaseOwner: owner, leaseUntil: until } },
    );
    return result.matchedCount === 1;
  }

  async leaseOutbound(id: string, owner: string, until: string, now: string): Promise<boolean> {
    const result = await this.outbound.updateOne(
      { _id: id, status: { $in: ['queued', 'retrying'] }, $or: [{ leaseOwner: null }, { leaseOwner: owner }, { leaseUntil: { $lte: now } }] },
      { $set: { leaseOwner: owner, leaseUntil: until } },
    );
    return result.matchedCount === 1;
  }

  async enqueueOutbound(m: Omit<OutboundSms, 'seq'>): Promise<OutboundSms> {
    // Two first-ever enqueues can race on the counter's upsert; the loser's retry finds the document and increments it.
    const next = () => this.counters.findOneAndUpdate({ _id: 'smsOutbound' }, { $inc: { value: 1 } }, { upsert: true, returnDocument: 'after' });
    const counter = await next().catch((err: unknown) => {
      if (err instanceof MongoServerError && err.code === 11000) return next();
      throw err;
    });
    const seq = counter?.value ?? 1;
    const doc: OutboundDoc = { _id: m.id, ...m, seq };
    try {
      await this.outbound.insertOne(doc);
    } catch (err) {
      // Already stored (a replayed turn): the stored text stands, its place in the order with it.
      if (!(err instanceof MongoServerError && err.code === 11000)) throw err;
      const existing = await this.outbound.findOne({ _id: m.id });
      if (!existing) throw err;
      return strip(existing);
    }
    return strip(doc);
  }

  async pendingOutbound(): Promise<OutboundSms[]> {
    const docs = await this.outbound.find({ status: { $in: ['queued', 'retrying'] } }).sort({ seq: 1 }).toArray();
    return docs.map(strip);
  }

  async nextPendingOutbound(conversationId: string): Promise<OutboundSms | null> {
    const doc = await this.outbound.find({ conversationId, status: { $in: ['queued', 'retrying'] } }).sort({ seq: 1 }).limit(1).next();
    return doc ? strip(doc) : null;
  }

  async updateOutbound(id: string, changes: Parameters<SmsRepository['updateOutbound']>[1]): Promise<void> {
    if (Object.keys(changes).length === 0) return;
    await this.outbound.updateOne({ _id: id }, { $set: changes });
  }

  async getOutbound(id: string): Promise<OutboundSms | null> {
    const doc = await this.outbound.findOne({ _id: id });
    return doc ? strip(doc) : null;
  }

  async setDeliveryStatus(twilioSid: string, status: OutboundStatus, error: string | null, at: string): Promise<boolean> {
    const found = await this.outbound.findOne({ twilioSid });
    if (!found) return false;
    const guard = FINAL.includes(status) ? {} : { status: { $nin: FINAL } };
    await this.outbound.updateOne(
      { twilioSid, ...guard },
      { $set: { status, updatedAt: at, ...(error ? { lastError: error } : {}) } },
    );
    return true;
  }

  async outboundFor(conversationId: string): Promise<OutboundSms[]> {
    return (await this.outbound.find({ conversationId }).sort({ seq: 1 }).toArray()).map(strip);
  }

  async deleteForConversation(conversationId: string): Promise<{ inbound: number; outbound: number }> {
    const inbound = (await this.inbound.deleteMany({ conversationId })).deletedCount;
    const outbound = (await this.outbound.deleteMany({ conversationId })).deletedCount;
    return { inbound, outbound };
  }

  async setOptOut(conversationId: string, optedOut: boolean, at: string): Promise<void> {
    await this.optOuts.updateOne({ _id: conversationId }, { $set: { optedOut, updatedAt: at } }, { upsert: true });
  }

  async deleteSettledBefore(before: string): Promise<{ inbound: number; outbound: number }> {
    const inbound = (await this.inbound.deleteMany({ processedAt: { $ne: null }, receivedAt: { $lt: before } })).deletedCount;
    const outbound = (await this.outbound.deleteMany({ status: { $nin: ['queued', 'retrying'] }, createdAt: { $lt: before } })).deletedCount;
    return { inbound, outbound };
  }

  async isOptedOut(conversationId: string): Promise<boolean> {
    return (await this.optOuts.findOne({ _id: conversationId }))?.optedOut === true;
  }
}

function strip(doc: OutboundDoc): OutboundSms {
  const { _id: _ignored, leaseOwner: _owner, leaseUntil: _until, ...rest } = doc;
  return rest;
}
