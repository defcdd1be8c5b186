/**
 * The sharing question by text: the short form, within one SMS, and the answer recorded like on the web.
 */
import assert from 'node:assert/strict';
import { Phone, startSmsHarness, type SmsHarness } from './support/smsHarness';
import { referenceIn } from './support/transcript';

describe('ASB sharing question over SMS', function () {
  let h: SmsHarness;
  beforeEach(async () => {
    h = await startSmsHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('when a resident texting an ASB report gives contact details, then they get the short sharing question and their answer is kept', async () => {
    const phone = new Phone(h);
    const steps: [string, RegExp][] = [
      ['kids smashing windows on our street', /Where is it happening/],
      ['Wellgate shops', /When is it happening/],
      ['2', /danger/],
      ['no', /describe/],
      ['Stones thrown at the bus shelter', /anonymously/],
      ['2', /What is your name/],
      ['Dev Khan', /contact you/],
      ['1', /phone number/],
      ['0114 496 0999', /best time/],
      ['4', /Can we give your name and contact details to Rotherham Council's anti-social behaviour team about this report\? If not, they get it without them\./],
    ];
    let last = '';
    for (const [text, expected] of steps) {
      last = await phone.text(text);
      assert.match(last, expected, `after "${text}": ${last}`);
    }
    const question = /Can we give[^\n]*/.exec(last)?.[0] ?? '';
    assert.ok(question.length > 0 && question.length <= 160, `the question fits one text: ${question.length}`);
    assert.match(await phone.text('1'), /Do you agree/);
    assert.match(await phone.text('1'), /Share my details with Rotherham Council's anti-social behaviour team: Yes/);
    const referral = await h.t.app.store.referrals.getByReference(referenceIn(await phone.text('1')));
    assert.equal(referral?.sharing?.agreed, true);
    assert.equal(referral?.channel, 'sms');
  });
});
