// Which bots a load starts: per room, its publishers (who also receive, as
// participants with a camera do) then its receive-only subscribers; each bot
// joins through the signaling URLs in turn and, against a target on this
// machine's loopback, connects from a loopback address of its own (all of
// 127.0.0.0/8 is local), so the per-address connection limit sees one client
// per address as it would in an office.
import type { BotSpec } from './bot.js';
import type { TileOptions } from './tiles.js';

export interface LoadPlan {
  rooms: number;
  /** Per room. */
  publishers: number;
  /** Per room. */
  subscribers: number;
  /** Room names are `<prefix>-<n>`. */
  roomPrefix: string;
  tiles: TileOptions;
  /** The handshake auth object (a staff token) for a target that wants one. */
  auth?: Record<string, string>;
}

/** A loopback address for bot `index`: 127.10.x.y, y in 1–250. */
export function botAddress(index: number): string {
  return `127.10.${Math.floor(index / 250) % 256}.${1 + (index % 250)}`;
}

/**
 * The bots of `plan`, numbered from `firstIndex`; `roomFirst` numbers the
 * rooms (a ramp adds subscribers to the same rooms with `publishers: 0`).
 */
export function planBots(
  plan: LoadPlan,
  target: { urls: readonly string[]; loopback: boolean },
  firstIndex = 0,
): BotSpec[] {
  const specs: BotSpec[] = [];
  let index = firstIndex;
  for (let r = 1; r <= plan.rooms; r += 1) {
    const room = `${plan.roomPrefix}-${r}`;
    for (let k = 0; k < plan.publishers + plan.subscribers; k += 1) {
      const publish = k < plan.publishers;
      specs.push({
        index,
        url: target.urls[index % target.urls.length]!,
        room,
        displayName: `${publish ? 'pub' : 'sub'}-${index}`,
        publish,
        ...(target.loopback ? { localAddress: botAddress(index) } : {}),
        ...(plan.auth ? { auth: plan.auth } : {}),
        tiles: plan.tiles,
      });
      index += 1;
    }
  }
  return specs;
}
