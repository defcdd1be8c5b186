/** Prompt validators: each re-prompts politely and keeps everything the resident already gave. */
import type { PromptValidatorContext } from 'botbuilder-dialogs';
import { parseEmail, parseUkPhone } from '../services/contact';
import { normalisePostcode } from '../services/council/postcode';

const HAS_WORD = /[\p{L}\p{N}]/u;
const HAS_LETTER = /\p{L}/u;
const NONE_ANSWERS = /^(no|none|nope|nothing|n\/a|na|no thanks|no thank you|not really|nah|skip)[.!]?$/i;

export function isNoneAnswer(text: string): boolean {
  return NONE_ANSWERS.test(text.trim());
}

export async function nameValidator(prompt: PromptValidatorContext<string>): Promise<boolean> {
  const value = prompt.recognized.value?.trim() ?? '';
  if (!prompt.recognized.succeeded || value.length === 0 || value.length > 100 || !HAS_LETTER.test(value)) return false;
  prompt.recognized.value = value.replace(/\s+/g, ' ');
  return true;
}

export async function phoneValidator(prompt: PromptValidatorContext<string>): Promise<boolean> {
  const phone = prompt.recognized.succeeded ? parseUkPhone(prompt.recognized.value ?? '') : null;
  if (!phone) return false;
  prompt.recognized.value = phone.national;
  return true;
}

export async function mobileValidator(prompt: PromptValidatorContext<string>): Promise<boolean> {
  const phone = prompt.recognized.succeeded ? parseUkPhone(prompt.recognized.value ?? '') : null;
  if (!phone || !phone.mobile) return false;
  prompt.recognized.value = phone.national;
  return true;
}

export async function emailValidator(prompt: PromptValidatorContext<string>): Promise<boolean> {
  const email = prompt.recognized.succeeded ? parseEmail(prompt.recognized.value ?? '') : null;
  if (!email) return false;
  prompt.recognized.value = email;
  return true;
}

export async function postcodeValidator(prompt: PromptValidatorContext<string>): Promise<boolean> {
  const postcode = prompt.recognized.succeeded ? normalisePostcode(prompt.recognized.value ?? '') : null;
  if (!postcode) return false;
  prompt.recognized.value = postcode;
  return true;
}

/** Free text of up to `max` characters that says something (not only emoji or punctuation). */
export function textValidator(max: number) {
  return async (prompt: PromptValidatorContext<string>): Promise<boolean> => {
    const value = prompt.recognized.value?.trim() ?? '';
    if (!prompt.recognized.succeeded || value.length === 0 || value.length > max || !HAS_WORD.test(value)) return false;
    prompt.recognized.value = value;
    return true;
  };
}
