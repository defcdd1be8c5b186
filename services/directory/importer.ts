/**
 * A directory import as a story: read the source → check every record against the Open Referral UK schemas and
 * against what the journeys need → report what was rejected and why → if anything was accepted, keep it and put
 * it in force. A source that fails, or whose every record is rejected, changes nothing: the directory in force
 * (the last good import, or the shipped one) stays.
 */
import type { Clock } from '../clock';
import { mapOrukService, orukServiceSchema, orukTermSchema, type MappingContext, type OrukTerm } from '../council/loadProfile';
import type { CouncilProfile, DirectoryService } from '../council/types';
import type { Logger } from '../logger';
import { fetchFeed, FeedError, idOf, type FeedOptions } from './importFeed';
import { PackageError, readPackage } from './importPackage';
import type { DirectoryContents, LiveDirectory } from './liveDirectory';
import { orukValidators } from './orukSchemas';
import type { FetchedDirectory, ImportReport, RejectedRecord } from './report';
import { SnapshotStore, type DirectorySnapshot } from './snapshotStore';

export type ImportSource = ({ kind: 'feed' } & FeedOptions) | { kind: 'package'; dir: string };

export interface ImporterDeps {
  profile: Pick<CouncilProfile, 'id' | 'wards' | 'ladCode' | 'directory'>;
  live: LiveDirectory;
  snapshots: SnapshotStore;
  clock: Clock;
  logger: Logger;
}

function describeSource(source: ImportSource): string {
  return source.kind === 'feed' ? source.url : `data package ${source.dir}`;
}

export class DirectoryImporter {
  private running: Promise<ImportReport> | null = null;
  private last: ImportReport | null = null;

  constructor(private readonly deps: ImporterDeps) {}

  private waiting: ((report: ImportReport) => void)[] = [];

  /** The most recent import's report (null before the first), for operators. */
  lastReport(): ImportReport | null {
    return this.last;
  }

  /** The next report to be made (a scheduled import finishing, say). */
  nextReport(): Promise<ImportReport> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Runs one import; a second call while one runs shares its result rather than fetching twice. */
  run(source: ImportSource, options: { dryRun?: boolean } = {}): Promise<ImportReport> {
    if (this.running) return this.running;
    this.running = this.runOnce(source, options.dryRun ?? false).finally(() => (this.running = null));
    return this.running;
  }

  private async runOnce(source: ImportSource, dryRun: boolean): Promise<ImportReport> {
    const { clock, logger } = this.deps;
    const startedAt = clock.now().toISOString();
    let fetched: FetchedDirectory;
    try {
      fetched = source.kind === 'feed' ? await fetchFeed(source) : readPackage(source.dir);
    } catch (err) {
      if (!(err instanceof FeedError || err instanceof PackageError)) throw err;
      const report = this.finish(emptyReport(describeSource(source), startedAt, clock), `the source failed: ${err.message}`);
      logger.warn({ source: source.kind, reason: err.message }, 'directory import failed; the directory in force is kept');
      return report;
    }

    const checked = checkDirectory(fetched, mappingContext(this.deps.profile));
    const report: ImportReport = {
      source: describeSource(source),
      startedAt,
      finishedAt: startedAt,
      accepted: checked.records.length,
      active: checked.services.length,
      rejected: checked.rejected,
      taxonomies: { accepted: checked.taxonomies.length, rejected: checked.rejectedTaxonomies },
      applied: false,
      notAppliedBecause: null,
    };
    if (checked.records.length === 0) return this.logged(this.finish(report, 'every service was rejected (or the source had none)'), source);
    if (dryRun) return this.logged(this.finish(report, 'dry run'), source);

    const importedAt = clock.now().toISOString();
    const snapshot: DirectorySnapshot = {
      format: 1,
      councilId: this.deps.profile.id,
      source: source.kind === 'feed' ? { kind: 'feed', url: source.url, importedAt } : { kind: 'package', location: source.dir, importedAt },
      services: checked.records,
      taxonomies: checked.taxonomies,
    };
    this.deps.snapshots.write(snapshot);
    this.deps.live.replace(contentsFrom(snapshot, checked.services));
    return this.logged(this.finish({ ...report, applied: true }, null), source);
  }

  private finish(report: ImportReport, notAppliedBecause: string | null): ImportReport {
    const done = { ...report, finishedAt: this.deps.clock.now().toISOString(), notAppliedBecause };
    this.last = done;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve(done);
    return done;
  }

  /** Counts, ids and reasons only: reasons name fields and rules, never values, so no one's details reach the log. */
  private logged(report: ImportReport, source: ImportSource): ImportReport {
    this.deps.logger.info(
      {
        source: source.kind,
        accepted: report.accepted,
        active: report.active,
        rejected: report.rejected.length,
        taxonomiesAccepted: report.taxonomies.accepted,
        taxonomiesRejected: report.taxonomies.rejected.length,
        applied: report.applied,
        rejections: report.rejected.slice(0, 50).map((r) => ({ id: r.id, reasons: r.reasons.slice(0, 5) })),
      },
      report.applied ? 'directory imported' : `directory import not applied: ${report.notAppliedBecause ?? ''}`,
    );
    return report;
  }
}

function emptyReport(source: string, startedAt: string, clock: Clock): ImportReport {
  return {
    source, startedAt, finishedAt: clock.now().toISOString(), accepted: 0, active: 0, rejected: [],
    taxonomies: { accepted: 0, rejected: [] }, applied: false, notAppliedBecause: null,
  };
}

export function mappingContext(
  profile: Pick<CouncilProfile, 'wards' | 'ladCode' | 'directory'>,
  terms: ReadonlyMap<string, OrukTerm> = new Map(),
): MappingContext {
  return { termsById: terms, wardCodes: new Set(profile.wards.map((w) => w.code)), ladCode: profile.ladCode, taxonomyNeeds: profile.directory.taxonomyNeeds };
}

export interface CheckedDirectory {
  /** Accepted ORUK service records, as received. */
  records: Record<string, unknown>[];
  /** The accepted active ones, mapped for the journeys. */
  services: DirectoryService[];
  rejected: RejectedRecord[];
  taxonomies: Record<string, unknown>[];
  rejectedTaxonomies: RejectedRecord[];
}

/**
 * Every record checked on its own: the standard's schema first, then what the journeys need (an organisation to
 * name, known wards, known local terms). A record failing either is rejected with all its reasons.
 */
export function checkDirectory(fetched: FetchedDirectory, base: MappingContext): CheckedDirectory {
  const validators = orukValidators();
  const taxonomies: Record<string, unknown>[] = [];
  const rejectedTaxonomies: RejectedRecord[] = [];
  const terms = new Map(base.termsById);
  for (const taxonomy of fetched.taxonomies) {
    const problems = validators.taxonomy(taxonomy);
    if (problems.length > 0) {
      rejectedTaxonomies.push({ id: idOf(taxonomy), reasons: problems });
      continue;
    }
    const record = taxonomy as Record<string, unknown>;
    taxonomies.push(record);
    for (const term of Array.isArray(record['taxonomy_terms']) ? record['taxonomy_terms'] : []) {
      const parsed = orukTermSchema.safeParse(term);
      if (parsed.success) terms.set(parsed.data.id, parsed.data);
    }
  }

  const context: MappingContext = { ...base, termsById: terms };
  const records: Record<string, unknown>[] = [];
  const services: DirectoryService[] = [];
  const rejected: RejectedRecord[] = [...fetched.rejected];
  const seen = new Set<string>();
  for (const record of fetched.services) {
    const id = idOf(record);
    const reasons = validators.service(record);
    if (reasons.length === 0) {
      const parsed = orukServiceSchema.safeParse(record);
      if (!parsed.success) {
        reasons.push(...parsed.error.issues.map((i) => `${i.path.map(String).join('/') || '(record)'}: ${i.message}`));
      } else {
        const mapped = mapOrukService(parsed.data, context, (field, problem) => reasons.push(`${field}: ${problem}`));
        if (id !== null && seen.has(id)) reasons.push('id: another service has this id');
        if (reasons.length === 0) {
          seen.add(parsed.data.id);
          records.push(record as Record<string, unknown>);
          if (parsed.data.status === 'active') services.push(mapped);
        }
      }
    }
    if (reasons.length > 0) rejected.push({ id, reasons });
  }
  return { records, services, rejected, taxonomies, rejectedTaxonomies };
}

export function contentsFrom(snapshot: DirectorySnapshot, services: DirectoryService[]): DirectoryContents {
  return {
    exampleData: false,
    services,
    oruk: { services: snapshot.services, taxonomies: snapshot.taxonomies },
    source: snapshot.source,
  };
}

/**
 * The directory to start with: the kept import when there is one (re-checked, since the profile's wards or
 * taxonomy mapping may have changed since), otherwise the shipped one.
 */
export function restoreDirectory(deps: Omit<ImporterDeps, 'clock'>): void {
  const snapshot = deps.snapshots.read(deps.profile.id);
  if (snapshot === null) return;
  const checked = checkDirectory({ services: snapshot.services, taxonomies: snapshot.taxonomies, rejected: [] }, mappingContext(deps.profile));
  if (checked.records.length === 0) {
    deps.logger.warn({ rejected: checked.rejected.length }, 'kept directory import no longer fits the profile; using the shipped directory');
    return;
  }
  deps.live.replace(contentsFrom({ ...snapshot, services: checked.records, taxonomies: checked.taxonomies }, checked.services));
  deps.logger.info({ source: snapshot.source.kind, services: checked.records.length, dropped: checked.rejected.length }, 'directory restored from the last import');
}

/**
 * Runs the import soon after start-up (the kept import serves meanwhile) and then every `everyMs`, until the
 * returned function is called.
 */
export function scheduleImports(importer: DirectoryImporter, source: ImportSource, logger: Logger, everyMs: number, firstRunMs = 0): () => void {
  const tick = (): void => {
    importer.run(source).catch((err: unknown) => logger.error({ errType: err instanceof Error ? err.name : 'unknown' }, 'directory import crashed'));
  };
  let interval: NodeJS.Timeout | null = null;
  const first = setTimeout(() => {
    tick();
    interval = setInterval(tick, everyMs);
    interval.unref();
  }, firstRunMs);
  first.unref();
  return () => {
    clearTimeout(first);
    if (interval) clearInterval(interval);
  };
}
