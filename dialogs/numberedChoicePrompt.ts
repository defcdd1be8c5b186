/**
 * botbuilder's ChoicePrompt, recognising numbers and ordinals with Recognizers-Text models built once.
 *
 * The SDK's recognizeChoices calls Recognizers-Text's recognizeNumber / recognizeOrdinal, and each call constructs a
 * new NumberRecognizer, which builds its models (and compiles their regular expressions) before parsing one
 * utterance. On SMS, where answers are typed numbers ("1", "2"), that construction was about half of the number
 * parsing and a few per cent of a whole turn's CPU (the SMS benchmark's profile). A recognizer built once per culture
 * and asked for its models keeps them: that is the library's own documented way to reuse them.
 *
 * Everything else is the SDK's logic, step for step (botbuilder-dialogs 4.23: prompts/choicePrompt.js onRecognize
 * and choices/recognizeChoices.js): text search first; then ordinals; then numbers; a number is an index into the
 * list; matches sorted by position. test/choices.test.ts compares the two over a table of utterances.
 */
import { NumberRecognizer } from '@microsoft/recognizers-text-number';
import type { Activity, TurnContext } from 'botbuilder';
import {
  ChoiceFactory,
  ChoicePrompt,
  findChoices,
  ListStyle,
  type Choice,
  type FindChoicesOptions,
  type FoundChoice,
  type ModelResult,
  type PromptOptions,
  type PromptRecognizerResult,
} from 'botbuilder-dialogs';

interface ParsedNumber {
  start: number;
  end: number;
  text: string;
  resolution: { value?: string };
}

interface NumberModels {
  number: { parse(query: string): ParsedNumber[] };
  ordinal: { parse(query: string): ParsedNumber[] };
}

const modelsByCulture = new Map<string, NumberModels>();

/** Bare ASCII digits, as typed in answer to a numbered list (no sign, space, separator or point). */
const DIGITS = /^[0-9]{1,9}$/;

function numberModels(culture: string): NumberModels {
  let models = modelsByCulture.get(culture);
  if (!models) {
    // As recognizeNumber / recognizeOrdinal do: options None, falling back to the default culture.
    const recognizer = new NumberRecognizer(culture);
    models = { number: recognizer.getNumberModel(culture, true), ordinal: recognizer.getOrdinalModel(culture, true) };
    modelsByCulture.set(culture, models);
  }
  return models;
}

/** botbuilder-dialogs' recognizeChoices, with the number models reused. */
export function recogniseChoices(utterance: string, choices: (string | Choice)[], options?: FindChoicesOptions): ModelResult<FoundChoice>[] {
  const opts: FindChoicesOptions = { locale: 'en-us', recognizeNumbers: true, recognizeOrdinals: true, ...options };
  const list: Choice[] = (choices || []).map((choice) => (typeof choice === 'string' ? { value: choice } : choice)).filter((choice) => choice);
  let matched = findChoices(utterance, list, opts);
  if (matched.length > 0) return matched;
  const byIndex = (match: ParsedNumber): void => {
    const index = parseInt(match.resolution.value as string, 10) - 1;
    if (index >= 0 && index < list.length) {
      const choice = list[index] as Choice;
      matched.push({ start: match.start, end: match.end, typeName: 'choice', text: match.text, resolution: { value: choice.value, index, score: 1 } });
    }
  };
  if (DIGITS.test(utterance) && (opts.locale as string).startsWith('en')) {
    // The usual SMS answer, "1" or "2": the ordinal model finds nothing in bare digits and the number model finds
    // the one number, so its answer is written down here instead of running both (a tenth of a millisecond or
    // more a turn). English models only, the ones checked: test/choices.test.ts compares this with them.
    if (opts.recognizeNumbers) byIndex({ start: 0, end: utterance.length - 1, text: utterance, resolution: { value: String(Number(utterance)) } });
    return matched;
  }
  const models = numberModels(opts.locale as string);
  if (opts.recognizeOrdinals) models.ordinal.parse(utterance).forEach(byIndex);
  if (matched.length === 0 && opts.recognizeNumbers) models.number.parse(utterance).forEach(byIndex);
  matched = matched.sort((a, b) => a.start - b.start);
  return matched;
}

export class NumberedChoicePrompt extends ChoicePrompt {
  protected override async onRecognize(context: TurnContext, _state: unknown, options: PromptOptions): Promise<PromptRecognizerResult<FoundChoice>> {
    const result: PromptRecognizerResult<FoundChoice> = { succeeded: false };
    const activity = context.activity;
    const utterance = activity.text;
    if (!utterance) return result;
    const choices = (this.style === ListStyle.suggestedAction ? ChoiceFactory.toChoices(options.choices) : options.choices) || [];
    const opt = this.recognizerOptions || {};
    opt.locale = (this as unknown as { determineCulture(activity: Activity, opt: FindChoicesOptions): string }).determineCulture(activity, opt);
    const results = recogniseChoices(utterance, choices as (string | Choice)[], opt);
    if (Array.isArray(results) && results.length > 0) {
      result.succeeded = true;
      result.value = results[0]?.resolution;
    }
    return result;
  }
}
