/**
 * `npm run import:postcodes -- ONSPD.csv [--council ID] [--out FILE]
 *    [--postcode-column pcds] [--ward-column osward] [--lad-column oslaua] [--terminated-column doterm]`
 *
 * Reads an ONS Postcode Directory CSV (streamed; the full file is fine) and writes the council's live postcodes and
 * their wards to councils/<council>/postcodes.csv (or --out), every row marked `onspd` so that referrals record
 * where their ward came from. Restart the server to use the new table. Prints counts, never postcodes.
 */
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../bot/config';
import { loadCouncilProfile } from '../services/council/loadProfile';
import { importOnspd, OnspdFormatError, toPostcodeTableCsv } from '../services/council/onspd';

const USAGE = 'Usage: npm run import:postcodes -- ONSPD.csv [--council ID] [--out FILE] [--postcode-column pcds] [--ward-column osward] [--lad-column oslaua] [--terminated-column doterm]';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      council: { type: 'string' },
      out: { type: 'string' },
      'postcode-column': { type: 'string' },
      'ward-column': { type: 'string' },
      'lad-column': { type: 'string' },
      'terminated-column': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const file = positionals[0];
  if (values.help || !file || positionals.length > 1) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  // --council, else COUNCIL, else the configured default: the same profile the server would load.
  const config = loadConfig();
  const profile = loadCouncilProfile(values.council ?? config.COUNCIL, { councilsDir: config.COUNCILS_DIR });
  const out = path.resolve(values.out ?? path.join(profile.dir, 'postcodes.csv'));
  const result = await importOnspd(path.resolve(file), profile.wards, profile.ladCode, {
    ...(values['postcode-column'] ? { postcode: values['postcode-column'] } : {}),
    ...(values['ward-column'] ? { ward: values['ward-column'] } : {}),
    ...(values['lad-column'] ? { lad: values['lad-column'] } : {}),
    ...(values['terminated-column'] ? { terminated: values['terminated-column'] } : {}),
  });
  // Written beside the target and renamed over it, so a running server never reads half a file.
  const partial = `${out}.partial`;
  writeFileSync(partial, toPostcodeTableCsv(result.rows));
  renameSync(partial, out);
  const s = result.stats;
  process.stdout.write(
    `${profile.shortName}: kept ${s.kept} live postcodes in its ${profile.wards.length} wards, from ${s.rows} rows ` +
      `(skipped ${s.terminated} terminated, ${s.otherArea} in other areas, ${s.invalidPostcode} not valid postcodes).\n` +
      `Wrote ${path.relative(process.cwd(), out) || out}. Restart the server to use it.\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`import:postcodes failed: ${err instanceof OnspdFormatError || err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
