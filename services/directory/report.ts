/** What an import read, and what it made of it. Reports carry ids and reasons, never a record's contents. */

/** Records as read from a source, before any checking of the records themselves. */
export interface FetchedDirectory {
  /** Fully nested ORUK services. */
  services: unknown[];
  /** ORUK taxonomies, each with its taxonomy_terms. */
  taxonomies: unknown[];
  /** Records the source could not deliver whole (e.g. a detail request that failed). */
  rejected: RejectedRecord[];
}

export interface RejectedRecord {
  /** The record's id when it has one. */
  id: string | null;
  /** One line each: the field and what is wrong with it. */
  reasons: string[];
}

export interface ImportReport {
  source: string;
  startedAt: string;
  finishedAt: string;
  /** Services accepted (any status); of them, `active` are offered to residents. */
  accepted: number;
  active: number;
  rejected: RejectedRecord[];
  taxonomies: { accepted: number; rejected: RejectedRecord[] };
  /** True when the accepted records now form the directory in force. */
  applied: boolean;
  /** Why not, when not: a dry run, nothing accepted, or the source failed. */
  notAppliedBecause: string | null;
}

/** The report as an operator reads it in a terminal or a log viewer. */
export function formatReport(report: ImportReport): string {
  const lines = [
    `Directory import from ${report.source}`,
    `  services accepted: ${report.accepted} (${report.active} active), rejected: ${report.rejected.length}`,
    `  taxonomies accepted: ${report.taxonomies.accepted}, rejected: ${report.taxonomies.rejected.length}`,
    report.applied ? '  applied: the imported directory is now in force' : `  not applied: ${report.notAppliedBecause ?? 'unknown'}`,
  ];
  const rejections = [...report.rejected.map((r) => ({ kind: 'service', ...r })), ...report.taxonomies.rejected.map((r) => ({ kind: 'taxonomy', ...r }))];
  if (rejections.length > 0) lines.push('Rejected:');
  for (const r of rejections) {
    lines.push(`  ${r.kind} ${r.id ?? '(no id)'}`);
    for (const reason of r.reasons) lines.push(`    - ${reason}`);
  }
  return lines.join('\n');
}
