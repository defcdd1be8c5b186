/**
 * A council's own safeguarding phrase book: councils/<id>/safeguarding.json, owned and reviewed by the council's
 * safeguarding lead, laid over the shipped default book (phrases.ts).
 *
 * The file says who reviewed it and when (`reviewedBy`, `reviewedOn`; null until someone has), and may:
 * - add phrases, idioms and negations (new ids), or replace shipped ones (same id: the whole entry is replaced);
 * - add or replace vocabulary word lists;
 * - retire shipped entries by id, each with a reason, which stays in the file for the next reviewer.
 *
 * The merged book is compiled at start-up, so a broken pattern stops the bot with the file and the entry named,
 * instead of weakening the check quietly.
 */
import { z } from 'zod';
import { createSafeguardingDetector } from './detector';
import { defaultPhrases, type BenignPattern, type SafeguardingPhrase, type SafeguardingPhraseBook } from './phrases';

const id = z.string().regex(/^[a-z][a-z0-9.-]*$/, 'must be a lower-case id such as "sh.kill-myself"');
const patterns = z.array(z.string().min(1)).min(1, 'needs at least one pattern');

const phrase = z.strictObject({
  id,
  category: z.enum(['suicide-self-harm', 'danger']),
  patterns,
  note: z.string().optional(),
  strength: z.enum(['strong', 'supporting']).optional(),
});
const benign = z.strictObject({ id, patterns, note: z.string().optional() });

export const councilPhraseBookFile = z.strictObject({
  /** Name and role of the safeguarding lead who reviewed the whole merged book; null until reviewed. */
  reviewedBy: z.string().min(1).nullable(),
  reviewedOn: z.iso.date({ error: 'must be a date such as "2026-11-20"' }).nullable(),
  note: z.string().optional(),
  vocabulary: z.record(z.string().regex(/^[a-z]+$/, 'must be lower-case letters'), z.string().min(1)).default({}),
  phrases: z.array(phrase).default([]),
  idioms: z.array(benign).default([]),
  negations: z.array(benign).default([]),
  retired: z.array(z.strictObject({ id, reason: z.string().min(1, 'must say why') })).default([]),
});
export type CouncilPhraseBookFile = z.infer<typeof councilPhraseBookFile>;

export interface CouncilSafeguarding {
  phrases: SafeguardingPhraseBook;
  reviewedBy: string | null;
  reviewedOn: string | null;
  /** Ids the council added, replaced and retired, for the review screen and the start-up log. */
  changes: { added: string[]; replaced: string[]; retired: string[] };
}

function layer<T extends { id: string }>(base: readonly T[], extra: readonly T[], retired: ReadonlySet<string>, changes: CouncilSafeguarding['changes']): T[] {
  const byId = new Map(extra.map((entry) => [entry.id, entry]));
  const merged = base
    .filter((entry) => !retired.has(entry.id))
    .map((entry) => {
      const replacement = byId.get(entry.id);
      if (replacement === undefined) return entry;
      changes.replaced.push(entry.id);
      byId.delete(entry.id);
      return replacement;
    });
  for (const entry of byId.values()) {
    changes.added.push(entry.id);
    merged.push(entry);
  }
  return merged;
}

/**
 * The shipped book with the council's file laid over it. Throws with a plain message when the file retires an id
 * that does not exist (a typo that would otherwise leave the phrase active) or the merged book does not compile.
 */
export function mergeCouncilPhraseBook(file: CouncilPhraseBookFile, base: SafeguardingPhraseBook = defaultPhrases): CouncilSafeguarding {
  const known = new Set([...base.phrases, ...base.idioms, ...base.negations].map((entry) => entry.id));
  const unknown = file.retired.filter((r) => !known.has(r.id)).map((r) => r.id);
  if (unknown.length > 0) throw new Error(`retired: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in the shipped phrase book`);
  const retired = new Set(file.retired.map((r) => r.id));
  const changes: CouncilSafeguarding['changes'] = { added: [], replaced: [], retired: [...retired] };
  const phrases: SafeguardingPhraseBook = {
    vocabulary: { ...base.vocabulary, ...file.vocabulary },
    phrases: layer<SafeguardingPhrase>(base.phrases, file.phrases, retired, changes),
    idioms: layer<BenignPattern>(base.idioms, file.idioms, retired, changes),
    negations: layer<BenignPattern>(base.negations, file.negations, retired, changes),
  };
  for (const p of phrases.phrases) {
    const prefix = p.category === 'danger' ? 'danger.' : 'sh.';
    if (!p.id.startsWith(prefix)) throw new Error(`phrases: ${p.id} should start with "${prefix}" for category ${p.category}`);
  }
  createSafeguardingDetector(phrases); // compiles every pattern: throws naming the entry
  return { phrases, reviewedBy: file.reviewedBy, reviewedOn: file.reviewedOn, changes };
}

/** For a council with no safeguarding.json: the shipped book as it is. */
export function shippedSafeguarding(): CouncilSafeguarding {
  return { phrases: defaultPhrases, reviewedBy: null, reviewedOn: null, changes: { added: [], replaced: [], retired: [] } };
}
