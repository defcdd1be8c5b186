/**
 * After a risk is detected, a resident's next message often brushes it off: "no", "I'm fine", "forget it". That
 * does not clear the flag (nothing does, within the conversation): the bot asks once more, gently, and offers a
 * call-back. This recognises the brush-off; the wording is fixed in dialogs/wording.ts.
 */
import { normaliseForSafeguarding } from './detector';

const DISMISSALS = new RegExp(
  '^(' +
    [
      'no', 'nope', 'nah', 'no thanks', 'no thank you', 'not really', 'no i am (fine|ok|okay|alright|good)',
      '(i am|i feel|feeling|honestly i am|really i am) (fine|ok|okay|alright|all right|good|better now|grand|sound)( now| honestly| really| thanks| thank you)*',
      '(fine|ok|okay|alright|all right|i am good|all good|good|grand|sound)( thanks| thank you| honestly| really)*',
      '(it is|its) (fine|ok|okay|nothing|alright|all right)', 'nothing', 'never ?mind', 'forget (it|that|i said (it|that|anything))',
      'ignore (that|me|it|what i said)', '((i was|i am|i was only|i am only|only|just) )?(joking|kidding|messing)', 'jk', 'lol',
      'leave (it|me alone)', 'do not worry( about (it|me))?', 'i did not mean (it|that)', 'i am not( really)?',
      'i will be (fine|ok|okay|alright)', 'doesnt matter', 'does not matter',
    ].join('|') +
    ')$',
);

export function isDismissal(text: string): boolean {
  const normal = normaliseForSafeguarding(text).replace(/^(oh|um|erm|honestly|seriously|really|yeah|yes) /, '');
  return normal !== '' && normal.length <= 60 && DISMISSALS.test(normal);
}
