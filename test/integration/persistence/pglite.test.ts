// The persistence suite on PGlite. pglite.test.ts and its twin run the very
// same suites, with the same expectations, on the other engine.
import { describe } from 'vitest';
import { useBackend } from './support/backend.js';
import { auditSuite } from './suites/audit.js';
import { bookingSuite } from './suites/bookings.js';
import { chatSuite } from './suites/chat.js';
import { icsSuite } from './suites/ics.js';
import { meetingSuite } from './suites/meetings.js';
import { migrationSuite } from './suites/migrations.js';
import { roomSuite } from './suites/rooms.js';

describe('persistence on PGlite', () => {
  const backend = useBackend('pglite');
  migrationSuite(backend);
  roomSuite(backend);
  bookingSuite(backend);
  icsSuite(backend);
  auditSuite(backend);
  chatSuite(backend);
  meetingSuite(backend);
});
