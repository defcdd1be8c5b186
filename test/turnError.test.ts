/**
 * The one onTurnError (bot/turnError.ts), through the real server: when something throws in the middle of a journey,
 * the resident gets the safe reply with the hub's number and nothing internal, the log gets no personal data, and
 * what the resident had told us is still there when they try again.
 */
import assert from 'node:assert/strict';
import * as wording from '../dialogs/wording';
import { BotClient } from './support/botClient';
import { captureLogs } from './support/logCapture';
import { startTestApp, type TestApp } from './support/testApp';
import { play, referenceIn } from './support/transcript';

describe('when a turn fails', () => {
  let t: TestApp;
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(async () => {
    logs = captureLogs();
    t = await startTestApp({ logger: logs.logger });
  });
  afterEach(async () => {
    await t.stop();
  });

  it("when a dialog throws mid-journey, then the resident gets the safe reply with the hub's number, the log no personal data, and a retry carries on", async () => {
    const client = new BotClient(t.url);
    await play(client, [
      ['I feel lonely', /for you, or for someone else/],
      ['For me', /What is your name/],
      ['Margaret Hall', /contact you/],
      ['Phone call', /phone number/],
      ['07700 900123', /best time/],
      ['Morning', /postcode/],
      ['s60 9zz', /What would you enjoy/],
      ['1', /anything that would help/i],
      ['no', /Do you agree/],
      ['yes', /Shall I send this/],
    ]);
    // The submission fails with an error that quotes the resident, as a driver's error can.
    const submit = t.app.referrals.submitReferral.bind(t.app.referrals);
    t.app.referrals.submitReferral = () => Promise.reject(new TypeError('could not save Margaret Hall, 07700 900123, S60 9ZZ'));

    const reply = await client.say('yes');

    assert.equal(reply, wording.general.turnError(t.app.profile.hub.phone));
    assert.match(reply, /0114 496 0000/);
    const log = logs.output();
    assert.match(log, /turn failed/);
    assert.match(log, /"err":\{"type":"\w*Error","frames":\["at /, 'the log says what kind of error it was, and where');
    for (const personal of ['Margaret', '07700', '900123', 'S60', 'could not save']) {
      assert.ok(!log.includes(personal), `the log contains ${personal}`);
    }

    t.app.referrals.submitReferral = submit;
    const again = await client.say('yes');
    const referral = await t.app.store.referrals.getByReference(referenceIn(again));
    assert.equal(referral?.contact.anonymous === false && referral.contact.name, 'Margaret Hall', 'what they told us was kept');
  });
});
