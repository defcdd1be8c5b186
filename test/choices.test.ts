import assert from 'node:assert/strict';
import { recognizeChoices, type Choice, type FindChoicesOptions } from 'botbuilder-dialogs';
import { recogniseChoices } from '../dialogs/numberedChoicePrompt';

/** NumberedChoicePrompt reuses Recognizers-Text's number models; it must recognise exactly what the SDK does. */
describe('NumberedChoicePrompt recognition', () => {
  const choices: Choice[] = [
    { value: 'phone', synonyms: ['call', 'ring'] },
    { value: 'text', synonyms: ['sms'] },
    { value: 'email' },
    { value: 'Someone else', synonyms: ['my mum', 'a friend'] },
    { value: 'Me' },
  ];
  const utterances = [
    '1', '2', '3', '4', '5', '6', '0', '-1', '12', ' 2 ', '1 3', '3 1', '2.', '#2', 'number 2', 'option 3', 'the 2nd one',
    'second', 'the first one', 'third please', 'fifth', 'sixth', 'last', 'one', 'two', 'three', 'twenty', 'a couple',
    'phone', 'call me', 'TEXT', 'email please', 'my mum', 'me', '1 phone', 'phone 2', 'I feel lonely', 'S60 9ZZ',
    '07700 900123', 'Jo Bloggs', 'no', 'yes', 'start again', '', '   ', '😀', '1st', '2nd', '3rd', '1,000', '1.5', 'half',
    // bare digits take a short cut past the number models: with and without leading zeros, and long ones
    ...Array.from({ length: 30 }, (_, i) => String(i + 7)), '00', '01', '007', '0005', '100', '999', '123456789', '1234567890',
  ];
  const variants: FindChoicesOptions[] = [
    { locale: 'en-us', recognizeNumbers: true, recognizeOrdinals: true },
    { locale: 'en-us', recognizeNumbers: true, recognizeOrdinals: false },
    { locale: 'en-us', recognizeNumbers: false, recognizeOrdinals: true },
  ];
  for (const options of variants) {
    it(`when numbers ${options.recognizeNumbers ? 'on' : 'off'} and ordinals ${options.recognizeOrdinals ? 'on' : 'off'}, then every utterance is recognised as the SDK recognises it, twice over`, () => {
      for (let round = 0; round < 2; round += 1) {
        for (const utterance of utterances) {
          assert.deepEqual(recogniseChoices(utterance, choices, { ...options }), recognizeChoices(utterance, choices, { ...options }), utterance);
        }
      }
    });
  }
});
