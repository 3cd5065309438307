// What the route modules get from createApiHandler.
import type { BookingService } from '../bookings/service.js';
import type { Database } from '../db/index.js';

export interface ApiContext {
  db: Database;
  bookings: BookingService;
  publicUrl: string;
  now: () => Date;
}
