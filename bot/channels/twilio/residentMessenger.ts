/**
 * Texts from the staff console to a resident, through the SMS channel's outbox (so the opt-out check, retries and
 * delivery status all apply). Only for residents who chose to be contacted by text: consent to a phone call is
 * not consent to texts.
 */
import { parseUkPhone } from '../../../services/contact';
import { AppError } from '../../../services/errors';
import type { ResidentMessenger, SentMessage } from '../../../services/hub/residentMessenger';
import type { Referral } from '../../../services/referrals/model';
import type { SmsChannel } from './smsChannel';

export class SmsResidentMessenger implements ResidentMessenger {
  constructor(private readonly sms: SmsChannel) {}

  async sendText(referral: Referral, text: string): Promise<SentMessage> {
    const { contact } = referral;
    if (contact.anonymous) throw new AppError('conflict', 'This report was made anonymously, so there is no one to text.');
    if (contact.method !== 'sms' || !contact.phone) {
      throw new AppError('conflict', 'The resident did not choose to be contacted by text.');
    }
    const phone = parseUkPhone(contact.phone);
    if (!phone?.mobile) throw new AppError('conflict', 'The number the resident gave is not a UK mobile number.');
    const [first] = await this.sms.sendToResident(phone.e164, text);
    if (!first) throw new AppError('invalid-input', 'The message is empty.');
    return { messageId: first.id, status: 'queued' };
  }
}
