// Whether this browser sends all media through the TURN relay
// (iceTransportPolicy 'relay'): for networks where a direct path is blocked
// or misbehaves, and for support staff reproducing a relayed call. A saved
// choice (the join screen's setting), overridden for one page by `#relay=1`
// or `#relay=0` in the address (read once at page start, like credentials).
import { browserStorage } from '../lib/browserStorage.js';

/** localStorage key: "1" when the user chose to relay everything. */
export const RELAY_ONLY_KEY = 'veche.relayOnly';

let pageOverride: boolean | undefined;

/** Reads `relay=` from the address fragment once (before credentials scrub it). */
export function takeRelaySwitch(hash: string = location.hash): void {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('relay');
  if (value === '1') pageOverride = true;
  else if (value === '0') pageOverride = false;
}

/** Relay everything: this page's switch, else the saved choice. */
export function relayOnly(storage: Storage | undefined = browserStorage()): boolean {
  if (pageOverride !== undefined) return pageOverride;
  try {
    return storage?.getItem(RELAY_ONLY_KEY) === '1';
  } catch {
    return false;
  }
}

/** Saves the user's choice (this page's `#relay=` switch is dropped). */
export function setRelayOnly(on: boolean, storage: Storage | undefined = browserStorage()): void {
  pageOverride = undefined;
  try {
    if (on) storage?.setItem(RELAY_ONLY_KEY, '1');
    else storage?.removeItem(RELAY_ONLY_KEY);
  } catch {
    // Storage off: the choice lasts for this page only.
    pageOverride = on;
  }
}
