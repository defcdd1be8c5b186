/**
 * Sending a resident a text from the console. The SMS channel implements this through its proactive API; until it
 * is connected, {@link NotConfiguredMessenger} refuses with a clear message instead of pretending to send.
 */
import { AppError } from '../errors';
import type { Referral } from '../referrals/model';
import type { Actor } from './roles';

export interface SentMessage {
  /** The channel's own id for the message (e.g. a Twilio message SID). */
  messageId: string;
  status: 'queued' | 'sent';
}

export interface ResidentMessenger {
  /** Sends `text` to the resident who made `referral`. Throws AppError on a refusal the worker should see. */
  sendText(referral: Referral, text: string, actor: Actor): Promise<SentMessage>;
}

export class NotConfiguredMessenger implements ResidentMessenger {
  async sendText(): Promise<SentMessage> {
    throw new AppError('unavailable', 'Text messages cannot be sent from the console yet: the SMS channel is not set up.');
  }
}
