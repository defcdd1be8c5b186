/**
 * Choices shown as buttons (suggested actions) on web chat and as numbered options on SMS, and understood back
 * from a number, a number word, the label or a synonym.
 */
import { ActionTypes, MessageFactory, type Activity, type TurnContext } from 'botbuilder';
import {
  ConfirmPrompt,
  ListStyle,
  Prompt,
  type Choice,
  type ComponentDialog,
  type PromptOptions,
  type PromptRecognizerResult,
  type PromptValidator,
} from 'botbuilder-dialogs';
import { normaliseForMatching } from '../services/intent';
import { PromptIds } from './ids';
import { NumberedChoicePrompt } from './numberedChoicePrompt';

export interface Option<V extends string> {
  value: V;
  label: string;
  synonyms?: string[];
}

export function optionsFrom<V extends string>(labels: Record<V, string>, synonyms: Partial<Record<V, string[]>> = {}): Option<V>[] {
  return (Object.keys(labels) as V[]).map((value) => ({ value, label: labels[value], synonyms: synonyms[value] ?? [] }));
}

/** botbuilder Choices whose value is our enum value and whose button shows and sends the label. */
export function toChoices<V extends string>(options: Option<V>[]): Choice[] {
  return options.map((o) => ({
    value: o.value,
    action: { type: ActionTypes.ImBack, title: o.label, value: o.label },
    synonyms: [o.label, ...(o.synonyms ?? [])],
  }));
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1, first: 1, two: 2, second: 2, three: 3, third: 3, four: 4, fourth: 4, five: 5, fifth: 5, six: 6, sixth: 6,
};

/** Several options from one message: "1 and 3", "1,3", "food and heating", "one, two". */
export function recogniseMany<V extends string>(text: string, options: Option<V>[]): V[] {
  const normal = normaliseForMatching(text);
  if (!normal) return [];
  const picked = new Set<V>();
  for (const token of normal.split(/[\s,;&+/]+|\band\b/).filter(Boolean)) {
    const n = /^\d+$/.test(token) ? Number(token) : NUMBER_WORDS[token];
    const option = n !== undefined ? options[n - 1] : undefined;
    if (option) picked.add(option.value);
  }
  const padded = ` ${normal} `;
  for (const option of options) {
    const words = [option.label, ...(option.synonyms ?? [])].map(normaliseForMatching);
    if (words.some((w) => w && padded.includes(` ${w} `))) picked.add(option.value);
  }
  return options.map((o) => o.value).filter((v) => picked.has(v));
}

/** A prompt for one or more options. Buttons pick one each; typed text can name several. */
export class MultiChoicePrompt<V extends string> extends Prompt<V[]> {
  constructor(
    dialogId: string,
    private readonly choiceOptions: Option<V>[],
    validator?: PromptValidator<V[]>,
  ) {
    super(dialogId, validator);
  }

  protected async onPrompt(context: TurnContext, _state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
    const prompt = isRetry && options.retryPrompt ? options.retryPrompt : options.prompt;
    const text = typeof prompt === 'string' ? prompt : (prompt as Partial<Activity> | undefined)?.text ?? '';
    await context.sendActivity(MessageFactory.suggestedActions(this.choiceOptions.map((o) => o.label), text));
  }

  protected async onRecognize(context: TurnContext): Promise<PromptRecognizerResult<V[]>> {
    const text = context.activity.text;
    if (typeof text !== 'string') return { succeeded: false };
    const values = recogniseMany(text, this.choiceOptions);
    return values.length > 0 ? { succeeded: true, value: values } : { succeeded: false };
  }
}

/** The choice and yes/no prompts every journey uses, with buttons (numbered on SMS) and numbers understood. */
export function addCommonPrompts(dialog: ComponentDialog): void {
  const choice = new NumberedChoicePrompt(PromptIds.choice, undefined, 'en-us');
  choice.style = ListStyle.suggestedAction;
  choice.recognizerOptions = { recognizeNumbers: true, recognizeOrdinals: true };
  const confirm = new ConfirmPrompt(PromptIds.confirm, undefined, 'en-us');
  confirm.style = ListStyle.suggestedAction;
  confirm.confirmChoices = [
    { value: 'Yes', synonyms: ['yes', 'y', 'yeah', 'yep', 'ok', 'okay', 'sure', 'i agree', 'agree', 'yes please', 'aye', 'correct', 'they have'] },
    { value: 'No', synonyms: ['no', 'n', 'nope', 'nah', 'no thanks', 'no thank you', 'i do not agree', "don't agree", 'they have not'] },
  ];
  dialog.addDialog(choice).addDialog(confirm);
}
