// What the route modules get from createApiHandler.
import type { BookingService } from '../bookings/service.js';
import type { Database } from '../db/index.js';
import type { ClusterAdmin, LiveAdmin, TurnProbes } from './live.js';

export interface ApiContext {
  db: Database;
  bookings: BookingService;
  publicUrl: string;
  now: () => Date;
  /** This node's live administration (SFU, live rooms), when it has one. */
  live: (() => LiveAdmin | undefined) | undefined;
  /** The cluster's SFU nodes and the live rooms of every signaling node, when known. */
  cluster: (() => ClusterAdmin | undefined) | undefined;
  /** The relay check's probes, when this server can open them. */
  turnProbes: TurnProbes | undefined;
}
