import type Database from 'better-sqlite3';

/**
 * Brings one track of the embedded store's schema up to date. Each part of the store (hub, handoffs, Open311) keeps
 * its own numbered list of migrations and its version in `schema_tracks`, so parts can be added without renumbering
 * the others. Each migration runs in its own IMMEDIATE transaction with the version bump, so two processes opening
 * the same file at once apply it once; a file newer than this build is refused rather than written to.
 */
export function migrateTrack(db: Database.Database, track: string, migrations: readonly string[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_tracks (track TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const applied = db.prepare<[string], { version: number }>('SELECT version FROM schema_tracks WHERE track = ?').get(track)?.version ?? 0;
  if (applied > migrations.length) {
    throw new Error(`the ${track} schema has version ${applied}, newer than this build knows (${migrations.length})`);
  }
  migrations.slice(applied).forEach((sql, index) => {
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_tracks (track, version) VALUES (?, ?) ON CONFLICT (track) DO UPDATE SET version = excluded.version').run(
        track,
        applied + index + 1,
      );
    }).immediate();
  });
}
