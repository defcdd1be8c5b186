/**
 * The staff console's schema in the embedded store (issue 5), on its own migration track.
 *
 * The store's main migrations count with `PRAGMA user_version`; these count in `schema_tracks` under the name
 * `hub`, so steps added to either list never renumber the other's. Append; never edit a step that has shipped.
 *
 * The queue's extra columns are VIRTUAL generated columns over the referral's JSON: the existing insert keeps
 * working unchanged, and the columns can never disagree with the document they are read from.
 */
import type Database from 'better-sqlite3';
import { migrateTrack } from './migrations';

const TRACK = 'hub';

const HUB_MIGRATIONS: readonly string[] = [
  `
  ALTER TABLE referrals ADD COLUMN sla_due_at TEXT GENERATED ALWAYS AS (json_extract(doc, '$.slaDueAt')) VIRTUAL;
  ALTER TABLE referrals ADD COLUMN assignee TEXT GENERATED ALWAYS AS (json_extract(doc, '$.assignee')) VIRTUAL;
  ALTER TABLE referrals ADD COLUMN contact_phone TEXT GENERATED ALWAYS AS (json_extract(doc, '$.contact.phone')) VIRTUAL;
  ALTER TABLE referrals ADD COLUMN contact_email TEXT GENERATED ALWAYS AS (lower(json_extract(doc, '$.contact.email'))) VIRTUAL;
  CREATE INDEX referrals_due ON referrals (status, sla_due_at);
  CREATE INDEX referrals_queue_kind ON referrals (status, kind, urgent DESC, created_at, id);
  CREATE INDEX referrals_queue_ward ON referrals (status, ward_code, urgent DESC, created_at, id);
  CREATE INDEX referrals_assignee ON referrals (assignee, status);
  CREATE INDEX referrals_contact_phone ON referrals (contact_phone) WHERE contact_phone IS NOT NULL;
  CREATE INDEX referrals_contact_email ON referrals (contact_email) WHERE contact_email IS NOT NULL;

  CREATE TABLE staff (
    id    TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    doc   TEXT NOT NULL
  );

  CREATE TABLE staff_sessions (
    id         TEXT PRIMARY KEY,
    staff_id   TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    doc        TEXT NOT NULL
  );
  CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);
  CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);
  `,
];

export function migrateHub(db: Database.Database): void {
  migrateTrack(db, TRACK, HUB_MIGRATIONS);
}
