/**
 * "Where is ASB concentrated?", answered without ever repeating what a resident typed.
 *
 * The ASB journey asks "Where is it happening? Type a street, a landmark or a postcode." The answer is free text,
 * and free text can identify people ("outside number 12 where my ex lives"), so a digest never shows it, not even
 * trimmed or in part. Instead each report gets a place key from one of two safe sources:
 *
 * 1. **The council's own list of streets and landmarks** (`councils/<id>/places.csv`: ward, name, other names). If the
 *    resident's words contain a listed name as whole words (case, punctuation and "Rd"/"Road" style abbreviations
 *    aside), the report is counted under that name, written as the council wrote it. Only names on the list can
 *    ever appear, so the list is the whole vocabulary of the "by street or landmark" table; a council decides what
 *    level of detail is acceptable by what it lists (streets, parks, shopping parades; not house numbers).
 * 2. **Otherwise, the postcode sector** of a postcode the resident gave ("S60 2" from "S60 2AB"): a sector covers a
 *    few thousand addresses, so it says "around here" and never "this house".
 *
 * Anything else is counted as "not recognised". On top of that the digest folds any place with fewer than 5 reports
 * into "other places", so a name appears only when several reports point at it (see suppression.ts).
 *
 * An ASB report with no ward (no postcode in the location) that names a listed place in exactly one ward is counted
 * in that ward's digest; the referral itself is not changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { normalisePostcode } from '../council/postcode';
import { parseCsv } from '../council/postcodeTable';
import type { Ward } from '../council/types';

export interface Place {
  wardCode: string;
  /** As the council writes it; this exact text is what a digest shows. */
  name: string;
  /** Other names residents use ("the rec", "Clifton Pk"). */
  aliases: string[];
}

export interface PlaceMatch {
  /** A place key: `place:<name>`, `sector:<sector>`, or '' for not recognised. */
  place: string;
  /** For a report with no ward: the ward of the one listed place it named. */
  placeWard: string | null;
}

const PLACE_PREFIX = 'place:';
const SECTOR_PREFIX = 'sector:';
/** Longest phrase (in words) looked up in the list; longer place names are not matched. */
const MAX_WORDS = 6;
/** Bump when the matching rules change, so every report is placed again with the new rules. */
const MATCHING_RULES = 'v1';

/** Common abbreviations of the last word of a street name, both ways round. */
const SUFFIX_VARIANTS: Readonly<Record<string, readonly string[]>> = {
  road: ['rd'],
  street: ['st'],
  avenue: ['ave', 'av'],
  lane: ['ln'],
  drive: ['dr'],
  close: ['cl'],
  crescent: ['cres'],
  terrace: ['terr', 'ter'],
  place: ['pl'],
  square: ['sq'],
  gardens: ['gdns'],
  court: ['ct'],
  park: ['pk'],
};

/** Lower case, accents and apostrophes dropped, "&" as "and", everything else that is not a letter or digit a space. */
export function normaliseWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['\u2018\u2019`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
}

function variantsOf(name: string): string[] {
  const words = normaliseWords(name);
  if (words.length === 0) return [];
  const out = new Set([words.join(' ')]);
  const last = words[words.length - 1] as string;
  for (const [full, shorts] of Object.entries(SUFFIX_VARIANTS)) {
    const alternatives = last === full ? shorts : shorts.includes(last) ? [full] : [];
    for (const alt of alternatives) out.add([...words.slice(0, -1), alt].join(' '));
  }
  return [...out];
}

/** The postcode sector ("S60 2") of a full postcode, or null when it is not one. */
export function postcodeSector(postcode: string | null): string | null {
  if (postcode === null) return null;
  const normalised = normalisePostcode(postcode);
  return normalised === null ? null : normalised.slice(0, -2);
}

export class PlaceList {
  /** Changes whenever the list or the matching rules do; stored with each placed report. */
  readonly version: string;
  private readonly byPhrase = new Map<string, Place[]>();

  constructor(readonly places: readonly Place[]) {
    for (const place of places) {
      for (const phrase of new Set([place.name, ...place.aliases].flatMap(variantsOf))) {
        if (phrase.split(' ').length > MAX_WORDS) continue;
        const list = this.byPhrase.get(phrase) ?? [];
        list.push(place);
        this.byPhrase.set(phrase, list);
      }
    }
    const canonical = places.map((p) => [p.wardCode, p.name, [...p.aliases].sort()]);
    this.version = createHash('sha256').update(JSON.stringify([MATCHING_RULES, canonical])).digest('hex').slice(0, 16);
  }

  static empty(): PlaceList {
    return new PlaceList([]);
  }

  /**
   * Reads `places.csv` (`ward_code,name[,aliases][,note]`; aliases separated by ";") from a council folder. No file
   * means no list: places then come from postcode sectors only.
   * @throws Error naming the file and line for a row with an unknown ward or no name.
   */
  static load(councilDir: string, wards: readonly Ward[]): PlaceList {
    const file = path.join(councilDir, 'places.csv');
    if (!existsSync(file)) return PlaceList.empty();
    const shown = path.relative(process.cwd(), file) || file;
    const known = new Set(wards.map((w) => w.code));
    const places = parseCsv(readFileSync(file, 'utf8'), shown, ['ward_code', 'name']).map((record) => {
      const wardCode = (record.values['ward_code'] ?? '').trim();
      const name = (record.values['name'] ?? '').trim();
      if (!known.has(wardCode)) throw new Error(`${shown}: line ${record.line}: ward_code "${wardCode}" is not one of the council's wards`);
      if (normaliseWords(name).length === 0) throw new Error(`${shown}: line ${record.line}: name is empty`);
      const aliases = (record.values['aliases'] ?? '').split(';').map((a) => a.trim()).filter((a) => normaliseWords(a).length > 0);
      return { wardCode, name, aliases };
    });
    return new PlaceList(places);
  }

  /**
   * The place for one ASB report. Listed places are looked for among the words of `location`, longest phrase first;
   * with a ward, only that ward's places count. Without a listed place, the postcode sector; without that, ''.
   */
  match(location: string, wardCode: string | null, postcode: string | null): PlaceMatch {
    const found = this.listedPlaceIn(location, wardCode);
    if (found.length > 0) {
      const first = found[0] as Place;
      const wards = new Set(found.map((p) => p.wardCode));
      const sameName = found.every((p) => p.name === first.name);
      return {
        place: `${PLACE_PREFIX}${first.name}`,
        placeWard: wardCode === null && wards.size === 1 && sameName ? first.wardCode : null,
      };
    }
    const sector = postcodeSector(postcode);
    return { place: sector === null ? '' : `${SECTOR_PREFIX}${sector}`, placeWard: null };
  }

  /** The listed places named by the longest phrase found (several when that phrase is listed in several wards). */
  private listedPlaceIn(location: string, wardCode: string | null): Place[] {
    if (this.byPhrase.size === 0) return [];
    const words = normaliseWords(location.slice(0, 1000));
    for (let length = Math.min(MAX_WORDS, words.length); length >= 1; length -= 1) {
      const hits: Place[] = [];
      for (let i = 0; i + length <= words.length; i += 1) {
        for (const place of this.byPhrase.get(words.slice(i, i + length).join(' ')) ?? []) {
          if ((wardCode === null || place.wardCode === wardCode) && !hits.includes(place)) hits.push(place);
        }
      }
      if (hits.length > 0) return hits.sort((a, b) => this.places.indexOf(a) - this.places.indexOf(b));
    }
    return [];
  }
}

/** What a digest calls a place key. Only list names and well-formed sectors get through; anything else is "other". */
export function placeLabel(key: string, list: PlaceList): string | null {
  if (key.startsWith(PLACE_PREFIX)) {
    const name = key.slice(PLACE_PREFIX.length);
    return list.places.some((p) => p.name === name) ? name : null;
  }
  if (key.startsWith(SECTOR_PREFIX)) {
    const sector = key.slice(SECTOR_PREFIX.length);
    return /^[A-Z]{1,2}\d[A-Z\d]? \d$/.test(sector) ? `${sector} (postcode sector)` : null;
  }
  return null;
}
