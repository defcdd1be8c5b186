/**
 * `npm run council:check -- [--council ID] [--councils-dir DIR]`: loads a council profile exactly as the server
 * would at start-up, and prints either every problem (exit 1) or what it found and what is still example data
 * (exit 0). For a council officer adding or changing a profile: one run shows everything to fix.
 *
 * Without --council it checks COUNCIL (default rotherham); without --councils-dir, COUNCILS_DIR or the shipped
 * councils/ folder. Reads files only: it opens no store and sends nothing.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../bot/config';
import { CouncilProfileError, loadCouncilProfile, openingHoursText } from '../services/council/loadProfile';
import type { CouncilProfile } from '../services/council/types';
import { COUNCIL_WORDING_IDS } from '../services/council/wording';
import { PlaceList } from '../services/digests/places';
import { createSafeguardingDetector } from '../services/safeguarding/detector';

const USAGE = 'Usage: npm run council:check -- [--council ID] [--councils-dir DIR]';

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** What a profile holds, and what must still be replaced before go-live, as lines for a terminal. */
export function describeProfile(profile: CouncilProfile, places: PlaceList): { summary: string[]; beforeGoLive: string[] } {
  const overridden = COUNCIL_WORDING_IDS.filter((id) => profile.wording[id] !== undefined);
  const summary = [
    `${profile.name} (${profile.shortName}, ${profile.ladCode}), profile "${profile.id}" in ${profile.dir}`,
    `  hub: ${profile.hub.name}, ${profile.hub.phone}, ${profile.hub.email}`,
    `  opening hours: ${openingHoursText(profile.hub)}`,
    `  wards: ${profile.wards.length}`,
    profile.areas.length === 0
      ? '  areas: none'
      : `  areas (${profile.areaLabel}): ${profile.areas.map((a) => `${a.name} (${a.wardCodes.length} wards)`).join(', ')}`,
    `  directory: ${profile.directory.services.length} active services`,
    `  places for digests: ${places.places.length}`,
    `  wording: ${overridden.length === 0 ? 'the shipped English' : `own words for ${overridden.join(', ')}`}`,
    `  examples in re-prompts: ${profile.examples.postcode}, ${profile.examples.landline}`,
    `  retention: closed referrals ${profile.retention.closedReferralAction === 'erase' ? 'erased' : 'anonymised'} after ${profile.retention.closedReferralMonths} months`,
    `  replies in other languages: ${profile.languages.useUnreviewedTranslations ? 'unreviewed translations ON' : 'plain-English interpreter offer'}`,
  ];
  const unplaced = profile.wards.filter((w) => profile.areas.length > 0 && profile.areaOfWard(w.code) === null);
  const beforeGoLive = [
    profile.exampleData ? 'profile.json is marked exampleData: replace the hub contact details' : null,
    profile.directory.exampleData ? 'directory.json is marked exampleData: replace it with the council\'s own directory' : null,
    profile.areasAreExamples ? 'the areas in profile.json are marked exampleData: confirm which wards are in which area' : null,
    unplaced.length > 0 ? `wards in no area: ${unplaced.map((w) => w.name).join(', ')}` : null,
    profile.safeguarding.reviewedOn === null ? 'safeguarding.json has not been reviewed by the safeguarding lead' : null,
    profile.languages.useUnreviewedTranslations ? 'unreviewed translations are on (a pilot setting)' : null,
    places.places.some((p) => /\(example\)/i.test(p.name)) ? 'places.csv holds example places' : null,
  ].filter((line): line is string => line !== null);
  return { summary, beforeGoLive };
}

function main(): number {
  const { values } = parseArgs({
    options: {
      council: { type: 'string' },
      'councils-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const config = loadConfig();
  const id = values.council ?? config.COUNCIL;
  const councilsDir = values['councils-dir'] ?? config.COUNCILS_DIR;
  let profile: CouncilProfile;
  let places: PlaceList;
  try {
    profile = loadCouncilProfile(id, { councilsDir });
    places = PlaceList.load(profile.dir, profile.wards);
    // The server compiles the phrase book in force at start-up; a broken council pattern stops it there.
    createSafeguardingDetector(profile.safeguarding.phrases);
  } catch (err) {
    if (err instanceof CouncilProfileError) {
      out(err.message);
    } else {
      out(`Council profile "${id}" cannot be used:\n  - ${err instanceof Error ? err.message : String(err)}`);
    }
    return 1;
  }
  const { summary, beforeGoLive } = describeProfile(profile, places);
  summary.forEach((line) => out(line));
  out();
  if (beforeGoLive.length === 0) out('OK: nothing marked as example data.');
  else {
    out('OK, but before go-live:');
    beforeGoLive.forEach((line) => out(`  - ${line}`));
  }
  return 0;
}

try {
  process.exit(main());
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}
