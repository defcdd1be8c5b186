/**
 * A crisis message at every step of every journey (the three journeys, the interpreter offer in plain English and the
 * call-back form after a risk): the crisis wording comes first, the bot asks the step's question again, and the
 * resident can finish, with an urgent referral. The table-driven counterpart of test/interruptions.test.ts for
 * safeguarding (hazard H03).
 */
import assert from 'node:assert/strict';
import * as wording from '../dialogs/wording';
import { isDismissal } from '../services/safeguarding/followUp';
import { BotClient } from './support/botClient';
import { languageSamples } from './support/languageSamples';
import { startTestApp, type TestApp } from './support/testApp';
import { JOURNEY_STEPS } from './support/journeySteps';
import { play, referenceIn, type Turn } from './support/transcript';

interface Journey {
  /** Turns played before the sweep starts, whose steps are not swept (the risk that opens the call-back form). */
  before?: Turn[];
  turns: Turn[];
  /** The reply to the last turn: the resident confirms and gets a reference. */
  finish: string;
  setup?: (t: TestApp) => void;
}

const journeys: Record<string, Journey> = {
  befriending: { turns: JOURNEY_STEPS['befriending'], finish: 'yes' },
  'cost-of-living': { turns: JOURNEY_STEPS['cost-of-living'], finish: 'yes' },
  asb: { turns: JOURNEY_STEPS['asb'], finish: 'yes' },
  'interpreter offer (plain English)': {
    setup: (t) => {
      t.app.profile.languages.useUnreviewedTranslations = false;
    },
    turns: [
      [languageSamples.ur[1] as string, /call you back with an interpreter/],
      ['Someone to talk to', /What is your name/],
      ['Bilal Ahmed', /What phone number/],
      ['07700 900123', /Do you agree/],
    ],
    finish: 'yes',
  },
  'call-back form after a risk': {
    before: [
      ['i wanna die', /Samaritans/],
      ['no', new RegExp(escape(wording.safeguardingFollowUp.checkIn))],
    ],
    turns: [
      ['Yes, please call me', /What is your name/],
      ['Sam Smith', /What is your phone number/],
      ['0114 496 0123', /Do you agree/],
    ],
    finish: 'yes',
  },
};

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const CRISIS = 'i want to kill myself';

describe('a crisis at every step of every journey', function () {
  this.timeout(60_000);
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.stop();
  });

  for (const [name, journey] of Object.entries(journeys)) {
    for (let step = 1; step <= journey.turns.length; step += 1) {
      const [, waitingFor] = journey.turns[step - 1] as Turn;
      const question = Array.isArray(waitingFor) ? (waitingFor[0] as RegExp) : waitingFor;

      it(`${name}, step ${step}: the crisis lines come first, the question is asked again, and the referral is urgent`, async () => {
        journey.setup?.(t);
        const client = new BotClient(t.url);
        await play(client, [...(journey.before ?? []), ...journey.turns.slice(0, step)]);

        const reply = await client.say(CRISIS);
        assert.ok(reply.startsWith(wording.crisis.suicideSelfHarm), `the crisis wording is not first:\n${reply}`);
        assert.match(reply, question, 'the step is asked again');

        const rest = journey.turns.slice(step);
        const [nextAnswer] = rest[0] ?? [journey.finish];
        if (isDismissal(nextAnswer)) {
          // "no" straight after a risk is checked once, gently; declining brings the same question back.
          assert.equal(await client.say(nextAnswer), wording.safeguardingFollowUp.checkIn);
          assert.match(await client.say('No, thank you'), question);
        }
        await play(client, rest);
        const done = await client.say(journey.finish);
        const referral = await t.app.store.referrals.getByReference(referenceIn(done));
        assert.equal(referral?.urgent, true);
        assert.ok(referral?.urgencyReasons.includes('safeguarding'));
      });
    }
  }
});
