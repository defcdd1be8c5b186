/**
 * The safeguarding check that runs before any dialog on every resident message. It must win over everything, so
 * it is a pure, synchronous function over the text: no I/O, regular expressions compiled once at start-up.
 *
 * 1. Normalise: lower case, NFKC, curly apostrophes, contractions spelled out, punctuation and emoji dropped,
 *    text-speak and common misspellings expanded, so the phrase book can be written in plain English.
 * 2. Find the spans covered by idioms ("the noise is killing me") and negations ("I'm not suicidal").
 * 3. A phrase fires when it matches somewhere that is NOT wholly inside one of those spans. So an idiom or a
 *    denial only cancels what it fully explains: "I want to kill myself because the noise is killing me" fires.
 *
 * The phrase book (phrases.ts) is data for a safeguarding lead to review; this file holds only the mechanics.
 */
import { defaultPhrases, type SafeguardingPhraseBook } from './phrases';
import type { RiskAssessment, RiskCategory, SafeguardingDetector } from './types';

interface Span {
  start: number;
  end: number;
}

interface CompiledPhrase {
  id: string;
  category: RiskCategory;
  patterns: RegExp[];
  supporting: boolean;
}

/** `danger` first when both: 999 comes before anything else. */
const CATEGORY_ORDER: readonly RiskCategory[] = ['danger', 'suicide-self-harm'];

export function createSafeguardingDetector(phrases: SafeguardingPhraseBook = defaultPhrases): SafeguardingDetector {
  const compilePattern = (source: string, owner: string): RegExp => compile(source, owner, phrases.vocabulary);
  const compiled: CompiledPhrase[] = phrases.phrases.map((phrase) => {
    if (!CATEGORY_ORDER.includes(phrase.category)) {
      throw new Error(`Safeguarding phrase ${phrase.id} has an unknown category "${String(phrase.category)}".`);
    }
    if (phrase.patterns.length === 0) throw new Error(`Safeguarding phrase ${phrase.id} has no patterns.`);
    return {
      id: phrase.id,
      category: phrase.category,
      patterns: phrase.patterns.map((p) => compilePattern(p, phrase.id)),
      supporting: phrase.strength === 'supporting',
    };
  });
  const ids = compiled.map((phrase) => phrase.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate !== undefined) throw new Error(`Safeguarding phrase id ${duplicate} is used twice.`);
  const shields: RegExp[] = [...phrases.idioms, ...phrases.negations].flatMap((entry) =>
    entry.patterns.map((p) => compilePattern(p, entry.id)),
  );

  return {
    assess(text: string): RiskAssessment {
      const normal = normaliseForSafeguarding(text);
      if (normal === '') return { categories: [], matched: [] };
      // The idiom and negation spans are found only once some phrase matches: most messages match none, and with
      // no phrase match there is nothing for them to cancel.
      let shielded: Span[] | null = null;
      const shieldedSpans = (): Span[] => (shielded ??= shields.flatMap((shield) => allSpans(shield, normal)));
      const matched: string[] = [];
      const supporting: string[] = [];
      const found = new Set<RiskCategory>();
      for (const phrase of compiled) {
        if (phrase.patterns.some((pattern) => matchesOutside(pattern, normal, shieldedSpans))) {
          if (phrase.supporting) {
            supporting.push(phrase.id);
          } else {
            matched.push(phrase.id);
            found.add(phrase.category);
          }
        }
      }
      const categories = CATEGORY_ORDER.filter((category) => found.has(category));
      return supporting.length > 0 ? { categories, matched, supporting } : { categories, matched };
    },
  };
}

// ── Normalisation ────────────────────────────────────────────────────────────────────────────────────────────

const APOSTROPHES = /[\u2018\u2019\u201b\u02bc\u02b9\u0060\u00b4\u2032]/g;

/** Contractions, handled while the apostrophe is still there to tell "he's" from "hes". Order matters. */
const CONTRACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bca(n)?'t\b/g, 'cannot'],
  [/\bwon't\b/g, 'will not'],
  [/\bshan't\b/g, 'shall not'],
  [/\bain't\b/g, 'is not'],
  [/n't\b/g, ' not'],
  [/\bi'm\b/g, 'i am'],
  [/'re\b/g, ' are'],
  [/'ve\b/g, ' have'],
  [/'ll\b/g, ' will'],
  [/'d\b/g, ' would'],
  [/\b(he|she|it|that|there|what|who|where|here|someone|somebody|everyone|everybody|nobody|no one|one)'s\b/g, '$1 is'],
  // "my mum's going to…", "the flat's on fire": a noun's "'s" before a verb is "is"; before a noun it is possessive.
  [/(\p{L})'s (?=(going|gonna|got|been|just|not|on|in|trying|being|having|outside|here|there|at|\p{L}+ing)\b)/gu, '$1 is '],
];

/**
 * Whole-word text-speak, contractions typed without an apostrophe, and misspellings of the words the phrase book
 * depends on. A Map, not an object, so a message saying "constructor" cannot reach the prototype.
 */
const TEXT_SPEAK: ReadonlyMap<string, string> = new Map([
  // contractions without the apostrophe
  ['dont', 'do not'], ['dnt', 'do not'], ['doesnt', 'does not'], ['didnt', 'did not'], ['cant', 'cannot'],
  ['wont', 'will not'], ['isnt', 'is not'], ['arent', 'are not'], ['wasnt', 'was not'], ['werent', 'were not'],
  ['havent', 'have not'], ['hasnt', 'has not'], ['hadnt', 'had not'], ['wouldnt', 'would not'],
  ['couldnt', 'could not'], ['shouldnt', 'should not'], ['mustnt', 'must not'], ['aint', 'is not'],
  ['im', 'i am'], ['ive', 'i have'], ['youre', 'you are'], ['theyre', 'they are'], ['theyve', 'they have'],
  ['weve', 'we have'], ['youve', 'you have'], ['hes', 'he is'], ['shes', 'she is'], ['its', 'it is'],
  ['thats', 'that is'], ['theres', 'there is'], ['whats', 'what is'], ['wheres', 'where is'],
  // text-speak
  ['wanna', 'want to'], ['wana', 'want to'], ['wnt', 'want'], ['gonna', 'going to'], ['gona', 'going to'],
  ['gunna', 'going to'], ['gna', 'going to'], ['finna', 'going to'], ['gotta', 'got to'], ['tryna', 'trying to'],
  ['imma', 'i am going to'], ['ima', 'i am going to'], ['hafta', 'have to'],
  ['kms', 'kill myself'], ['kys', 'kill yourself'],
  ['u', 'you'], ['ya', 'you'], ['yu', 'you'], ['ur', 'your'], ['r', 'are'], ['n', 'and'], ['nd', 'and'],
  ['rn', 'right now'], ['atm', 'at the moment'], ['tho', 'though'], ['pls', 'please'], ['plz', 'please'],
  ['plez', 'please'], ['tbh', 'to be honest'], ['idk', 'i do not know'], ['dunno', 'do not know'],
  ['cos', 'because'], ['coz', 'because'], ['cuz', 'because'], ['bc', 'because'], ['bcos', 'because'],
  ['becoz', 'because'], ['becuz', 'because'], ['ppl', 'people'], ['bout', 'about'], ['abt', 'about'],
  ['sum1', 'someone'], ['some1', 'someone'], ['sumone', 'someone'], ['any1', 'anyone'], ['ne1', 'anyone'],
  ['no1', 'no one'], ['noone', 'no one'], ['every1', 'everyone'], ['wiv', 'with'], ['wif', 'with'],
  ['wud', 'would'], ['cud', 'could'], ['shud', 'should'], ['b4', 'before'], ['2day', 'today'],
  ['2nite', 'tonight'], ['2night', 'tonight'], ['tonite', 'tonight'], ['2moro', 'tomorrow'], ['tmrw', 'tomorrow'],
  ['lyf', 'life'], ['ded', 'dead'], ['dieing', 'dying'], ['kil', 'kill'], ['agen', 'again'], ['agin', 'again'],
  ['ma', 'my'], ['mi', 'my'], ['hubby', 'husband'], ['bf', 'boyfriend'], ['gf', 'girlfriend'],
  ['ambo', 'ambulance'], ['ambulence', 'ambulance'], ['ambulanse', 'ambulance'],
  // "myself" in dialect and in a hurry
  ['mesen', 'myself'], ['mysen', 'myself'], ['meself', 'myself'], ['myslef', 'myself'], ['mysefl', 'myself'],
  ['myslf', 'myself'], ['mysel', 'myself'], ['mysef', 'myself'], ['urself', 'yourself'], ['yourslef', 'yourself'],
  ['yaself', 'yourself'], ['yerself', 'yourself'],
  // overdose and pills
  ['od', 'overdose'], ['oding', 'overdosing'], ['oded', 'overdosed'], ['overdoze', 'overdose'],
  ['tablets', 'pills'], ['tabs', 'pills'],
  // weapons
  ['nife', 'knife'], ['knif', 'knife'], ['knive', 'knife'],
  // dropped g: "killin", "endin"
  ...['kill', 'dy', 'cutt', 'hurt', 'go', 'feel', 'try', 'think', 'liv', 'end', 'break', 'bleed', 'burn', 'hitt',
    'beat', 'chas', 'stabb', 'tak', 'do', 'noth', 'someth', 'gett', 'com', 'look', 'say', 'harm', 'strangl',
    'chok', 'punch', 'kick', 'follow', 'smash', 'bang', 'shout', 'scream', 'wak', 'jump', 'hang', 'overdos']
    .map((stem): [string, string] => [`${stem}in`, `${stem}ing`]),
]);

/** Fixes that span more than one word, applied after the word map. Order matters. */
const PHRASE_FIXES: ReadonlyArray<readonly [RegExp, string]> = [
  // apostrophes typed as spaces, or as a character we do not know: "don t", "i m"
  [/\bca(n)? t\b/g, 'cannot'],
  [/\bwon t\b/g, 'will not'],
  [/\b([a-z]+)n t\b/g, '$1 not'],
  [/\bi m\b/g, 'i am'],
  [/\b(i|you|we|they) ve\b/g, '$1 have'],
  [/\bi ll\b/g, 'i will'],
  [/\bi d\b/g, 'i would'],
  [/\b(he|she|it|that|there|what) s\b/g, '$1 is'],
  [/\b(you|we|they) re\b/g, '$1 are'],
  [/\bcan not\b/g, 'cannot'],
  // "id rather die": only before a verb, so "my id card" stays
  [/\bid (?=(rather|be|like|love|kill|never|want|better|just|do|go|have|die|sooner)\b)/g, 'i would '],
  [/\bmy ?sel[fv]e?s?\b/g, 'myself'],
  [/\bself ?harm/g, 'self harm'],
  [/\bsu[ie]{0,2}(c|s|ss|sc)[ie]{0,2}d(al|el|le|ial|ale|ul|iel|ual)\b/g, 'suicidal'],
  [/\bsu[ie]{0,2}(c|s|ss|sc)[ie]{0,2}de(s?)\b/g, 'suicide$2'],
  [/\bover dos(e|es|ed|ing)\b/g, 'overdos$1'],
  [/\b(want|wanted|going|need|have|got|ready|about|wish|able) 2\b/g, '$1 to'],
];

/** Exported for tests and for the audit of what the phrase book actually sees. */
export function normaliseForSafeguarding(text: string): string {
  let normal = text.normalize('NFKC').toLowerCase().replace(APOSTROPHES, "'");
  for (const [pattern, replacement] of CONTRACTIONS) normal = normal.replace(pattern, replacement);
  normal = normal
    .replace(/'/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{M}\p{N}\s]/gu, ' ')
    .replace(/(\p{L})\1{2,}/gu, '$1$1') // "killlll" → "kill", "pleaseeee" → "pleasee"
    .replace(/\s+/g, ' ')
    .trim();
  if (normal === '') return '';
  normal = normal
    .split(' ')
    .map((word) => TEXT_SPEAK.get(word) ?? word)
    .join(' ');
  for (const [pattern, replacement] of PHRASE_FIXES) normal = normal.replace(pattern, replacement);
  return normal.replace(/\s+/g, ' ').trim();
}

// ── Matching ─────────────────────────────────────────────────────────────────────────────────────────────────

const PLACEHOLDER = /\{([a-z]+)\}/g;

/** Expand `{name}` from the vocabulary and compile, always matching whole words. Fails fast on a bad book. */
function compile(source: string, owner: string, vocabulary: Record<string, string>): RegExp {
  const expand = (pattern: string, trail: readonly string[]): string =>
    pattern.replace(PLACEHOLDER, (_whole, name: string) => {
      if (trail.includes(name)) throw new Error(`Safeguarding vocabulary {${name}} refers to itself (in ${owner}).`);
      if (!Object.hasOwn(vocabulary, name)) throw new Error(`Safeguarding pattern in ${owner} uses unknown {${name}}.`);
      return `(?:${expand(vocabulary[name] ?? '', [...trail, name])})`;
    });
  const expanded = expand(source, []);
  try {
    return new RegExp(`(?<![\\p{L}\\p{N}])(?:${expanded})(?![\\p{L}\\p{N}])`, 'gu');
  } catch (error) {
    throw new Error(`Safeguarding pattern in ${owner} is not a valid regular expression: ${source}`, { cause: error });
  }
}

/** Every match, including ones that start inside an earlier match. */
function allSpans(pattern: RegExp, text: string): Span[] {
  const spans: Span[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    spans.push({ start: match.index, end: match.index + match[0].length });
    pattern.lastIndex = match.index + 1;
  }
  return spans;
}

/** True when the pattern matches somewhere not wholly inside an idiom or negation. */
function matchesOutside(pattern: RegExp, text: string, shielded: () => readonly Span[]): boolean {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    if (!shielded().some((span) => span.start <= start && end <= span.end)) return true;
    pattern.lastIndex = start + 1;
  }
  return false;
}
