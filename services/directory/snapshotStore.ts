/**
 * The last good import, kept as one JSON file per council under DATA_DIR/directory/, so a restart serves the
 * imported directory rather than the shipped one, and a failed or empty import leaves it in force.
 *
 * Written to a temporary file and renamed, so a reader (or a crash) never sees half a file. With several instances
 * behind a load balancer each keeps its own copy and imports on its own schedule; they converge at the next run.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const snapshotSchema = z.object({
  format: z.literal(1),
  councilId: z.string(),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('feed'), url: z.string(), importedAt: z.string() }),
    z.object({ kind: z.literal('package'), location: z.string(), importedAt: z.string() }),
  ]),
  services: z.array(z.record(z.string(), z.unknown())),
  taxonomies: z.array(z.record(z.string(), z.unknown())),
});
export type DirectorySnapshot = z.infer<typeof snapshotSchema>;

export class SnapshotStore {
  constructor(private readonly dataDir: string) {}

  file(councilId: string): string {
    return path.join(this.dataDir, 'directory', `${councilId}.json`);
  }

  /** The kept import, or null when there is none (or it cannot be read back: then the shipped directory serves). */
  read(councilId: string): DirectorySnapshot | null {
    let text: string;
    try {
      text = readFileSync(this.file(councilId), 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed = snapshotSchema.safeParse(JSON.parse(text));
      return parsed.success && parsed.data.councilId === councilId ? parsed.data : null;
    } catch {
      return null;
    }
  }

  write(snapshot: DirectorySnapshot): void {
    const file = this.file(snapshot.councilId);
    mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(snapshot));
    renameSync(temp, file);
  }
}
