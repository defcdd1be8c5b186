/**
 * Understands what a resident wants from free text, so "I feel lonely", "can't afford the electric" or "kids
 * smashing windows on our street" start the right journey from the first message.
 *
 * Weighted phrase patterns, not a trained model: the vocabulary of these three needs is small and stable, the
 * result has to be explainable to a council, and it must run offline. Azure AI Language can add to this later
 * (issue: language services) without changing the callers.
 */
import type { ReferralKind } from './referrals/model';

export type Intent = ReferralKind | 'help' | 'cancel' | 'person' | 'greeting' | 'none';

interface Cue {
  pattern: RegExp;
  weight: number;
}

const JOURNEY_CUES: Record<ReferralKind, Cue[]> = {
  befriending: [
    { pattern: /\blon(e|el)(ly|liness|ley)\b/, weight: 3 },
    { pattern: /\bisolat(ed|ion)\b/, weight: 3 },
    { pattern: /\b(on my own|by myself|alone|no ?one to talk to|nobody to talk to|no friends?)\b/, weight: 2 },
    { pattern: /\b(someone|somebody) to (talk|chat) (to|with)\b/, weight: 3 },
    { pattern: /\bbefriend(ing|er)?\b/, weight: 4 },
    { pattern: /\b(company|companionship|friendship|a chat|a natter)\b/, weight: 2 },
    { pattern: /\b(haven'?t|have not|not) (spoken|talked) to (any ?one|anybody)\b/, weight: 3 },
    { pattern: /\b(lunch club|social group|meet (new )?people|make friends|coffee morning)\b/, weight: 2 },
    { pattern: /\b(visit(s|or)?|check on (me|my|her|him))\b/, weight: 1 },
  ],
  'cost-of-living': [
    { pattern: /\b(can'?t|cannot|struggl\w*|unable to) (to )?(afford|pay|heat|eat|cope)\b/, weight: 4 },
    { pattern: /\bafford\b/, weight: 2 },
    { pattern: /\b(food ?banks?|food parcel|pantry|hungry|no food|nothing to eat|meals?)\b/, weight: 3 },
    { pattern: /\b(electric(ity)?|gas|energy|heating|meter|top ?up|boiler|bills?)\b/, weight: 2 },
    { pattern: /\b(debt|debts|arrears|bailiffs?|loan|overdrawn|money|skint|broke|benefits?|universal credit)\b/, weight: 3 },
    { pattern: /\b(warm (space|place|bank|hub|room)s?|somewhere warm|freezing|cold house)\b/, weight: 3 },
    { pattern: /\b(rent|mortgage|council tax|housing costs?|evict\w*)\b/, weight: 3 },
    { pattern: /\bcost of living\b/, weight: 5 },
  ],
  asb: [
    { pattern: /\banti[- ]?social\b|\basb\b/, weight: 5 },
    { pattern: /\b(nois[ey]|loud|music|shouting|partying|parties|barking)\b/, weight: 2 },
    { pattern: /\b(vandal\w*|smash\w*|graffiti|damag\w*|broke(n)? (the |our |my )?(window|fence|car|door)s?)\b/, weight: 3 },
    { pattern: /\b(drug\w*|dealing|dealers?|weed|cannabis|needles?|nitrous|laughing gas)\b/, weight: 3 },
    { pattern: /\b(intimidat\w*|harass\w*|threaten\w*|abus(e|ive)|bully\w*|gangs?|youths|teenagers)\b/, weight: 3 },
    { pattern: /\b(off[- ]?road bikes?|motorbikes?|quad bikes?|joyrid\w*|abandoned (car|vehicle)s?|boy racers?|speeding)\b/, weight: 3 },
    { pattern: /\b(fly[- ]?tipping|littering|neighbours?|street|estate|park|alley(way)?)\b/, weight: 1 },
    { pattern: /\b(kids|lads|people) (keep |are |were )?\w*ing\b/, weight: 1 },
    { pattern: /\breport\b/, weight: 1 },
  ],
};

/** Whole-message commands. Matched only on the whole message, so "I need help with food" stays an answer. */
const HELP = /^(help|help me|help please|please help|\?+|what can i (say|do)|what do i (say|do)|options|menu|info)$/;
const CANCEL = /^(cancel|cancel (this|that|it)|start again|start over|restart|begin again|go back to (the )?start|quit|stop|exit|never ?mind|forget it)$/;
const PERSON = /\b(speak|talk|chat)( to| with)? (a |an |to a |the )?(real |actual |human )?(person|human|advis[eo]r|agent|operator|member of staff|staff|worker|someone (at|from) the (hub|council))\b|^(human|agent|operator|real person|a person|person)$|\b(call|ring|phone) (the hub|you|someone)\b|\bcan (someone|somebody) (call|ring|phone) me\b/;
const GREETING = /^(hi|hello|hiya|hey|hey there|good (morning|afternoon|evening)|start|get started|ey up|now then|alright)$/;

export function normaliseForMatching(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[^a-z0-9'?\s-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Score each journey and return the best, or `none` when nothing (or a tie) stands out. */
export function recogniseJourney(text: string): { kind: ReferralKind | null; scores: Record<ReferralKind, number> } {
  const normal = normaliseForMatching(text);
  const scores = { befriending: 0, 'cost-of-living': 0, asb: 0 } as Record<ReferralKind, number>;
  for (const kind of Object.keys(JOURNEY_CUES) as ReferralKind[]) {
    for (const cue of JOURNEY_CUES[kind]) if (cue.pattern.test(normal)) scores[kind] += cue.weight;
  }
  const ranked = (Object.entries(scores) as [ReferralKind, number][]).sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] < 2 || (second && second[1] === best[1])) return { kind: null, scores };
  return { kind: best[0], scores };
}

/** Interruptions every journey accepts at every step. */
export function recogniseCommand(text: string): 'help' | 'cancel' | 'person' | null {
  const normal = normaliseForMatching(text).replace(/[?!.]+$/, '').replace(/^(please )|( please)$/g, '');
  if (normal === '') return null;
  if (HELP.test(normal)) return 'help';
  if (CANCEL.test(normal)) return 'cancel';
  if (PERSON.test(normal)) return 'person';
  return null;
}

export function isGreeting(text: string): boolean {
  return GREETING.test(normaliseForMatching(text).replace(/[?!.]+$/, ''));
}
