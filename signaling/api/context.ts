// What the route modules get from createApiHandler.
import type { BookingService } from '../bookings/service.js';
import type { Database } from '../db/index.js';
import type { LiveAdmin } from './live.js';

export interface ApiContext {
  db: Database;
  bookings: BookingService;
  publicUrl: string;
  now: () => Date;
  /** This node's live administration (SFU, live rooms), when it has one. */
  live: (() => LiveAdmin | undefined) | undefined;
}
