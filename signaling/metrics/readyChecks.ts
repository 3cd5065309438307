// What a signaling node needs to serve, as readiness checks (`/readyz`): its
// database answers a query, its Redis (when it shares rooms through one)
// answers PING, and at least one SFU worker is live (in this process, or on
// some SFU node). Each is a cheap round trip; the probe judges them
// (a short failure degrades, a lasting one makes the node not ready).
import type { SfuApi } from '../../sfu/api/index.js';
import type { Queryable } from '../db/index.js';

export interface DependencyCheck {
  readonly name: string;
  run(): Promise<void>;
}

export const databaseCheck = (db: Pick<Queryable, 'query'>): DependencyCheck => ({
  name: 'database',
  run: async () => void (await db.query('SELECT 1')),
});

export const redisCheck = (ping: () => Promise<void>): DependencyCheck => ({
  name: 'redis',
  run: ping,
});

/**
 * Live when any SFU node answers with a live worker: the first answer
 * decides, so a node that is down (its calls wait out their deadline) does
 * not hold up the check while another serves.
 */
export const sfuCheck = (
  nodes: () => Promise<ReadonlyArray<{ readonly sfu: Pick<SfuApi, 'call'> }>>,
): DependencyCheck => ({
  name: 'sfu',
  async run() {
    const known = await nodes();
    if (known.length === 0) throw new Error('no SFU node is known');
    try {
      await Promise.any(
        known.map(async ({ sfu }) => {
          const { workers } = await sfu.call('getLoad', {});
          if (workers.length === 0) throw new Error('no live worker');
        }),
      );
    } catch {
      throw new Error(`none of ${known.length} SFU node(s) has a live worker`);
    }
  },
});
