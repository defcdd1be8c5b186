/**
 * UK personal data in residents' free text is redacted before it reaches logs, digests, exports or analytics:
 * every format the issue lists, in the ways residents actually type them, and the look-alikes that must survive.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findUkPii, isValidNhsNumber, isValidNiPrefix, redactFreeText, redactUk } from '../services/pii/redact';

function assertRedacted(text: string, token: string, expected?: string): void {
  const out = redactUk(text);
  assert.ok(out.includes(token), `expected ${token} in ${JSON.stringify(out)} (from ${JSON.stringify(text)})`);
  if (expected !== undefined) assert.equal(out, expected);
}

function assertKept(text: string): void {
  assert.equal(redactUk(text), text, `nothing should be redacted in ${JSON.stringify(text)}`);
}

/** An NHS number with a valid Modulus 11 check digit, built from nine digits (or null when none exists). */
function withCheckDigit(nine: string): string | null {
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(nine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return null;
  return `${nine}${check === 11 ? 0 : check}`;
}

describe('PII redaction (UK formats)', () => {
  describe('mobile numbers', () => {
    for (const [text, expected] of [
      ['call me on 07700 900123 please', 'call me on [phone] please'],
      ['07700900123', '[phone]'],
      ['my number is 07700-900-123', 'my number is [phone]'],
      ['0770 090 0123 after 6', '[phone] after 6'],
      ['+447700900123', '[phone]'],
      ['ring +44 7700 900123 or text', 'ring [phone] or text'],
      ['+44 (0)7700 900123', '[phone]'],
      ['0044 7700 900 123', '[phone]'],
      ['mob:07700900123.', 'mob:[phone].'],
    ] as const) {
      it(`redacts ${JSON.stringify(text)}`, () => assertRedacted(text, '[phone]', expected));
    }
  });

  describe('landline numbers', () => {
    for (const [text, expected] of [
      ['home 01709 123456', 'home [phone]'],
      ['(0114) 496 0000', '[phone]'],
      ['0114 496 0000 is the hub', '[phone] is the hub'],
      ['020 7946 0000', '[phone]'],
      ['03001234567', '[phone]'],
      ['+44 114 496 0000', '[phone]'],
      ['016977 4321', '[phone]'],
    ] as const) {
      it(`redacts ${JSON.stringify(text)}`, () => assertRedacted(text, '[phone]', expected));
    }
  });

  it('keeps numbers that are not UK phone numbers', () => {
    for (const text of ['I owe £1,250 on the electric', 'flat 12, 3 kids, since 2019', 'reference HUB-AB12CD', 'meter 12345678', 'sort code 20-00-00', '999', '116 123']) {
      assertKept(text);
    }
  });

  describe('postcodes', () => {
    for (const [text, expected] of [
      ['I live at S60 1AE', 'I live at [postcode]'],
      ['s601ae', '[postcode]'],
      ['near S65  1AB, by the shop', 'near [postcode], by the shop'],
      ['EC1A 1BB and M1 1AE', '[postcode] and [postcode]'],
    ] as const) {
      it(`redacts ${JSON.stringify(text)}`, () => assertRedacted(text, '[postcode]', expected));
    }

    it('keeps a postcode district on its own and codes that only look like postcodes', () => {
      for (const text of ['somewhere in S60', 'AS60 1AEX', 'a 2am start']) assertKept(text);
    });

    it('finds a postcode at the end of a very long message', () => {
      const text = `${'the bins were not collected again. '.repeat(200)}S60 1AE`;
      assert.ok(redactUk(text).endsWith('[postcode]'));
    });
  });

  describe('email addresses', () => {
    for (const text of ['email jo.bloggs@example.org', 'JO+HUB@Example.co.uk', 'me at j_b-1@mail.example.net.']) {
      it(`redacts ${JSON.stringify(text)}`, () => assertRedacted(text, '[email]'));
    }
    it('leaves the rest of the sentence alone', () => {
      assert.equal(redactUk('write to jo@example.org today.'), 'write to [email] today.');
    });
  });

  describe('National Insurance numbers', () => {
    for (const [text, expected] of [
      ['my NI is AB 12 34 56 C', 'my NI is [ni-number]'],
      ['ab123456c', '[ni-number]'],
      ['JG103759A', '[ni-number]'],
      ['NI number JG 10 37 59', 'NI number [ni-number]'],
      ['ce 12 34 56 d', '[ni-number]'],
    ] as const) {
      it(`redacts ${JSON.stringify(text)}`, () => assertRedacted(text, '[ni-number]', expected));
    }

    it('follows the HMRC prefix rules', () => {
      for (const bad of ['DA', 'FA', 'IA', 'QA', 'UA', 'VA', 'AD', 'AO', 'AQ', 'BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ']) {
        assert.equal(isValidNiPrefix(bad), false, bad);
        assertKept(`${bad}123456C`);
      }
      for (const good of ['AB', 'CE', 'JG', 'NA', 'ZA', 'OA']) assert.equal(isValidNiPrefix(good), true, good);
    });

    it('does not take an ordinary word and a spaced-out number for one', () => {
      assertKept('we moved in on 12 03 19');
    });
  });

  describe('NHS numbers', () => {
    for (const text of ['NHS 943 476 5919', '9434765919', '943-476-5919', 'nhs no. 401 023 2137']) {
      it(`redacts ${JSON.stringify(text)}`, () => assertRedacted(text, '[nhs-number]'));
    }

    it('checks the Modulus 11 check digit', () => {
      assert.equal(isValidNhsNumber('9434765919'), true);
      assert.equal(isValidNhsNumber('9434765918'), false);
      assertKept('943 476 5918');
      assertKept('order 1234567890'); // check digit would be 10: never issued
    });

    it('redacts every valid NHS number written 3-3-4, and no ten-digit number with a wrong check digit', () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[1-9]\d{8}$/), fc.constantFrom(' ', '-', ''), (nine, sep) => {
          const valid = withCheckDigit(nine);
          if (valid === null) return;
          const spaced = `${valid.slice(0, 3)}${sep}${valid.slice(3, 6)}${sep}${valid.slice(6)}`;
          assert.equal(redactUk(`number ${spaced} thanks`), 'number [nhs-number] thanks');
          const wrong = `${valid.slice(0, 9)}${(Number(valid[9]) + 1) % 10}`;
          assert.equal(isValidNhsNumber(wrong), false);
        }),
      );
    });
  });

  describe('dates of birth', () => {
    for (const [text, expected] of [
      ['DOB 01/03/1950', 'DOB [date-of-birth]'],
      ['born 1 March 1950', 'born [date-of-birth]'],
      ['I was born on the 1st March 1950', 'I was born on the [date-of-birth]'],
      ['date of birth: 1/3/50', 'date of birth: [date-of-birth]'],
      ['dob 1-3-1950', 'dob [date-of-birth]'],
      ['born March 1, 1950', 'born [date-of-birth]'],
      ['she is 01.03.1950', 'she is [date-of-birth]'],
      ['1950-03-01', '[date-of-birth]'],
      ["birthday is 3 Feb '62", 'birthday is [date-of-birth]'],
      ['my son was born 4/5/2015', 'my son was born [date-of-birth]'],
    ] as const) {
      it(`redacts ${JSON.stringify(text)}`, () => assertRedacted(text, '[date-of-birth]', expected));
    }

    it('keeps recent dates with no birth words, which staff need for incidents', () => {
      for (const text of ['it started on 12/11/2026', 'since 1 November 2026', 'every night until 3am']) assertKept(text);
      assertKept('the 45/13/1950 thing'); // not a date
    });
  });

  it('redacts several kinds in one message and keeps the words around them', () => {
    const text = 'Jo, 07700 900123, jo@example.org, S60 1AE, NI AB123456C, NHS 943 476 5919, DOB 01/03/1950.';
    assert.equal(redactUk(text), 'Jo, [phone], [email], [postcode], NI [ni-number], NHS [nhs-number], DOB [date-of-birth].');
    assert.deepEqual(
      findUkPii(text).map((s) => s.kind),
      ['phone', 'email', 'postcode', 'ni-number', 'nhs-number', 'date-of-birth'],
    );
  });

  it('redactFreeText passes null through and redacts strings', () => {
    assert.equal(redactFreeText(null), null);
    assert.equal(redactFreeText(undefined), null);
    assert.equal(redactFreeText('text 07700 900123'), 'text [phone]');
  });

  it('never throws and never lengthens a text that holds no digits or @', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const out = redactUk(text);
        if (!/[\d@]/.test(text)) assert.equal(out, text);
      }),
    );
  });
});
