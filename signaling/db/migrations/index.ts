// Every migration, in order. SQL lives in .ts modules so the compiled server
// (dist/) carries it without copying files; never edit one once released —
// the runner refuses a migration whose text changed after it was applied.
import catalog from './001_catalog.js';
import bookings from './002_bookings.js';
import meetingsChat from './003_meetings_chat.js';
import audit from './004_audit.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  { version: 1, name: '001_catalog', sql: catalog },
  { version: 2, name: '002_bookings', sql: bookings },
  { version: 3, name: '003_meetings_chat', sql: meetingsChat },
  { version: 4, name: '004_audit', sql: audit },
];
