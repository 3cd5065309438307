// Whether Redis lost its data since this node last looked. A deployment's
// Redis keeps nothing on disk, so a restart (or a FLUSHALL) empties it while
// every node carries on. A marker key without expiry (`registryKeys().marker`,
// which the SFU nodes' registration reads too), set once by whichever node
// finds it missing, tells the two apart: the same marker as before means
// nothing was lost; another one (or none) means every key went, so whatever
// this node keeps in Redis must be written again (roomRecovery.ts).
import { randomUUID } from 'node:crypto';
import type { RedisClientType } from 'redis';
import { registryKeys } from '../../sfu/api/registry.js';

export interface RedisIncarnation {
  /**
   * Looks at the marker: true when Redis lost its data since the last look
   * (never on the first). Concurrent calls share one look.
   */
  check(): Promise<boolean>;
}

/** Answers the marker, setting it first when it is missing (one script: no writer in between). */
const GET_OR_SET = `
local current = redis.call('GET', KEYS[1])
if current then return current end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`;

export function createRedisIncarnation(
  client: Pick<RedisClientType, 'eval'>,
  prefix: string,
): RedisIncarnation {
  const key = registryKeys(prefix).marker;
  let known: string | undefined;
  let looking: Promise<boolean> | undefined;

  async function look(): Promise<boolean> {
    const marker = await client.eval(GET_OR_SET, { keys: [key], arguments: [randomUUID()] });
    if (typeof marker !== 'string') throw new Error(`unexpected ${key} value`);
    const lost = known !== undefined && marker !== known;
    known = marker;
    return lost;
  }

  return {
    check() {
      looking ??= look().finally(() => {
        looking = undefined;
      });
      return looking;
    },
  };
}
