/**
 * A resident who writes in Urdu, Polish, Slovak, Romanian, Arabic, Punjabi or Welsh gets a short reply in that
 * language offering a call-back with an interpreter, and can ask for befriending or cost-of-living help with their
 * preferred language recorded on the referral. Over HTTP against the real server, locally and with Azure.
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { renderForSms } from '../bot/channels/twilio/render';
import { translations } from '../dialogs/translations';
import * as wording from '../dialogs/wording';
import { LANGUAGE_INFO, REPLY_LANGUAGES, type ReplyLanguage } from '../services/language/languages';
import { AzureLanguageStandIn, STAND_IN_KEY } from './support/azureLanguageStandIn';
import { BotClient } from './support/botClient';
import { languageSamples } from './support/languageSamples';
import { startTestApp, type TestApp } from './support/testApp';
import { referenceIn } from './support/transcript';

function locales(client: BotClient): (string | undefined)[] {
  return client.lastReplies.map((a) => (a as { locale?: string }).locale);
}

describe('replies in the resident\'s language', () => {
  let t: TestApp;
  afterEach(async () => {
    sinon.restore();
    await t.stop();
  });

  describe('with the local analyser', () => {
    beforeEach(async () => {
      t = await startTestApp();
    });

    for (const language of REPLY_LANGUAGES) {
      const w = translations[language];
      const name = LANGUAGE_INFO[language].englishName;
      it(`when a resident writes in ${name}, then the reply, the questions and the buttons are in ${name}, and the referral records "${language}"`, async () => {
        const client = new BotClient(t.url);
        const intro = await client.say(languageSamples[language][0]);
        assert.ok(intro.includes(w.intro.split('{hubName}')[0] ?? ''), intro);
        assert.match(intro, /0114 496 0000/);
        assert.match(intro, /999/, 'anyone in danger needs 999, whatever their language');
        assert.deepEqual(client.buttons(), [w.options.befriending, w.options.costOfLiving, w.options.english]);
        assert.ok(locales(client).every((l) => l === w.locale), JSON.stringify(locales(client)));

        assert.equal(await client.say(w.options.befriending), w.namePrompt);
        assert.equal(await client.say('Amira Khan'), w.phonePrompt);
        // Arabic and Urdu speakers may type the number in their own digits.
        const phone = language === 'ar' ? '٠٧٧٠٠ ٩٠٠١٢٣' : language === 'ur' ? '۰۷۷۰۰ ۹۰۰۱۲۳' : '07700 900123';
        const consent = await client.say(phone);
        assert.ok(consent.includes(w.consentPrompt), consent);
        assert.deepEqual(client.buttons(), [w.yes, w.no]);
        const done = await client.say(w.yes);
        const reference = referenceIn(done);
        assert.ok(done.startsWith(w.done.split('{reference}')[0] ?? ''), done);

        const referral = await t.app.store.referrals.getByReference(reference);
        assert.equal(referral?.preferredLanguage, language);
        assert.equal(referral?.kind, 'befriending');
        assert.equal(referral?.contact.anonymous === false && referral.contact.phone, '07700 900123');
        assert.equal(referral?.consent.wordingVersion, `${wording.PRIVACY_WORDING_VERSION}+${w.locale}-unreviewed`);
        assert.match(referral?.answers.kind === 'befriending' ? (referral.answers.accessNeeds ?? '') : '', /Needs an interpreter/);
      });
    }

    describe('when the council keeps details for 18 months, not two years', () => {
      /** How each translation says 18 months, and the two years it said before the period came from the profile. */
      const EIGHTEEN_MONTHS: Record<ReplyLanguage, string> = { pl: '18 miesięcy', sk: '18 mesiacov', ro: '18 luni', ar: '18 شهرًا', ur: '18 مہینے', pa: '18 ਮਹੀਨੇ', cy: '18 mis' };
      const TWO_YEARS: Record<ReplyLanguage, string> = { pl: 'dwa lata', sk: 'dva roky', ro: 'doi ani', ar: 'سنتين', ur: 'دو سال', pa: 'ਦੋ ਸਾਲ', cy: 'ddwy flynedd' };

      /** Through the offer to the privacy notice and consent question, in the language of the sample. */
      async function noticeIn(client: BotClient, language: ReplyLanguage): Promise<string> {
        const w = translations[language];
        await client.say(languageSamples[language][0]);
        await client.say(w.options.befriending);
        await client.say('Amira Khan');
        return client.say('07700 900123');
      }

      beforeEach(() => {
        // The same profile object the dialogs read; a council sets this in profile.json.
        t.app.profile.retention.closedReferralMonths = 18;
      });

      for (const language of REPLY_LANGUAGES) {
        const name = LANGUAGE_INFO[language].englishName;
        it(`then the privacy notice in ${name} says 18 months`, async () => {
          const client = new BotClient(t.url);
          const notice = await noticeIn(client, language);

          assert.ok(notice.includes(EIGHTEEN_MONTHS[language]), notice);
          assert.ok(!notice.includes(TWO_YEARS[language]), notice);
          assert.ok(notice.includes(t.app.profile.name), notice);
          assert.ok(locales(client).every((l) => l === translations[language].locale));
        });
      }

      it('then every translation can say every period a profile may set (1 to 120 months), with its number and no placeholder left', () => {
        for (const language of REPLY_LANGUAGES) {
          for (let months = 1; months <= 120; months += 1) {
            const profile = { ...t.app.profile, retention: { ...t.app.profile.retention, closedReferralMonths: months } };
            const { text, wording: used } = wording.privacyNoticeFor(translations[language], profile);
            const number = months === 24 ? TWO_YEARS[language] : months % 12 === 0 && language !== 'cy' ? String(months / 12) : String(months);
            assert.equal(used, translations[language], `${language} ${months}`);
            assert.ok(months === 12 && language === 'ar' ? text.includes('سنة واحدة') : months <= 2 && language === 'ar' ? /شهر/.test(text) : text.includes(number), `${language} ${months}: ${text}`);
            assert.doesNotMatch(text, /\{[A-Za-z]+\}/);
          }
        }
      });

      it('when a translation cannot say the period, then the notice is the English one, and the consent records that', async () => {
        // A translation with only "two years" (as they all were): it must not say two years, nor leave a gap.
        sinon.replace(translations.pl, 'retentionPeriod', { exact: { 24: 'dwa lata' } });
        const client = new BotClient(t.url);
        const notice = await noticeIn(client, 'pl');

        assert.match(notice, /Privacy: Rotherham Metropolitan Borough Council will use these details only to arrange the help you asked for\./);
        assert.match(notice, /We keep them for 18 months after your request is closed, then remove anything that identifies you\./);
        assert.ok(!notice.includes('dwa lata'), notice);
        assert.ok(notice.includes(translations.pl.consentPrompt), 'the question is still asked in Polish');
        assert.deepEqual(locales(client), ['en-GB', 'pl'], 'the English notice is marked as English');
        const referral = await t.app.store.referrals.getByReference(referenceIn(await client.say('tak')));
        assert.equal(referral?.consent.wordingVersion, `${wording.PRIVACY_WORDING_VERSION}+interpreter-en`);
      });
    });

    it('asks which cost-of-living need in the resident\'s language and records it', async () => {
      const w = translations.pl;
      const client = new BotClient(t.url);
      await client.say(languageSamples.pl[2]);
      assert.equal(await client.say(w.options.costOfLiving), w.needsPrompt);
      assert.deepEqual(client.buttons(), [w.needs.food, w.needs.energy, w.needs['money-advice'], w.needs['housing-costs']]);
      await client.say(w.needs.food);
      await client.say('Anna Nowak');
      await client.say('07700 900123');
      const reference = referenceIn(await client.say('tak'));
      const referral = await t.app.store.referrals.getByReference(reference);
      assert.equal(referral?.kind, 'cost-of-living');
      assert.deepEqual(referral?.answers.kind === 'cost-of-living' && referral.answers.needs, ['food']);
      assert.equal(referral?.preferredLanguage, 'pl');
    });

    it('re-asks in the resident\'s language when the phone number is not a UK one, and saves nothing on "no"', async () => {
      const w = translations.ro;
      const client = new BotClient(t.url);
      await client.say(languageSamples.ro[0]);
      await client.say(w.options.befriending);
      await client.say('Ana Popescu');
      assert.equal(await client.say('12345'), w.phoneRetry);
      await client.say('07700 900123');
      assert.equal(await client.say('nu'), w.declined.replace('{hubPhone}', '0114 496 0000'));
      assert.equal(await t.app.store.referrals.count(), 0);
    });

    it('when the resident chooses English, then the usual welcome and menu follow', async () => {
      const client = new BotClient(t.url);
      await client.say(languageSamples.cy[0]);
      const reply = await client.say('English');
      assert.match(reply, /Hello, this is the Rotherham Community Hub/);
      assert.match(reply, /What would you like help with/);
    });

    it('when the council does not use unreviewed translations, then the offer is made in plain English', async () => {
      // The same profile object the dialogs read; a council sets this in profile.json.
      t.app.profile.languages.useUnreviewedTranslations = false;
      const client = new BotClient(t.url);
      const reply = await client.say(languageSamples.ur[1]);
      assert.match(reply, /If English is not your first language, a hub worker can call you back with an interpreter/);
      assert.ok(locales(client).every((l) => l === 'en-GB'));
      await client.say('Someone to talk to');
      await client.say('Bilal Ahmed');
      assert.match(await client.say('07700 900123'), /We keep them for 2 years after your request is closed, then remove anything that identifies you\./);
      const referral = await t.app.store.referrals.getByReference(referenceIn(await client.say('yes')));
      assert.equal(referral?.preferredLanguage, 'ur');
      assert.equal(referral?.consent.wordingVersion, `${wording.PRIVACY_WORDING_VERSION}+interpreter-en`);
    });

    it('never takes short English, postcodes or names for another language, at the start or mid-journey', async () => {
      const client = new BotClient(t.url);
      for (const text of ['hi', 'yes', 'S60 1AE', 'Jo Bloggs']) {
        const reply = await client.say(text);
        assert.ok(locales(client).every((l) => l === undefined), `${text}: ${reply}`);
      }
      assert.match(await client.say('I need help with the cost of living'), /What do you need help with/);
    });

    it('does not switch language in the middle of a journey', async () => {
      const client = new BotClient(t.url);
      await client.say('I want to report anti-social behaviour');
      await client.say('Noise');
      const reply = await client.say('Ulica Parkowa, obok sklepu spożywczego');
      assert.match(reply, /When is it happening/);
    });

    it('over SMS, numbered options in another language carry no English', () => {
      const texts = renderForSms([
        { type: 'message', text: translations.pl.consentPrompt, locale: 'pl', suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Tak', value: 'Tak' }, { type: 'imBack', title: 'Nie', value: 'Nie' }] } },
      ]);
      assert.equal(texts.length, 1);
      assert.match(texts[0] ?? '', /1 Tak\n2 Nie$/);
      assert.doesNotMatch(texts[0] ?? '', /Reply/);
    });
  });

  describe('with Azure AI Language (the stand-in)', () => {
    let standIn: AzureLanguageStandIn;
    beforeEach(async () => {
      standIn = await new AzureLanguageStandIn().start();
      t = await startTestApp({ env: { AZURE_LANGUAGE_ENDPOINT: standIn.url, AZURE_LANGUAGE_KEY: STAND_IN_KEY, AZURE_LANGUAGE_TIMEOUT_MS: '300' } });
    });
    afterEach(async () => {
      await standIn.stop();
    });

    it('uses Azure to detect the language and replies in it', async () => {
      const client = new BotClient(t.url);
      const reply = await client.say(languageSamples.sk[0]);
      assert.ok(reply.startsWith('Dobrý deň'), reply);
      assert.equal(standIn.requestsFor('LanguageDetection').length, 1);
      assert.equal(t.app.language.counters.fallbackCount(), 0);
    });

    it('when Azure stalls, the local analyser answers in time and the resident still gets the reply in their language', async () => {
      standIn.mode = 'stall';
      const client = new BotClient(t.url);
      const started = Date.now();
      const reply = await client.say(languageSamples.pl[0]);
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
      assert.ok(reply.startsWith('Dzień dobry'), reply);
      assert.equal(t.app.language.counters.fallbackCount({ operation: 'detectLanguage', reason: 'timeout' }), 1);
    });

    it('does not ask Azure about messages the bot already understands in English', async () => {
      const client = new BotClient(t.url);
      await client.say('I need help with the cost of living');
      await client.say('yes');
      assert.equal(standIn.requestsFor('LanguageDetection').length, 0);
    });
  });
});
