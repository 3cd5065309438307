// A mediasoup-client Device needs the router's RTP capabilities, and loading
// it costs the browser a throwaway WebRTC offer (a few hundred milliseconds
// on a busy machine). Every room's router has the same capabilities, so the
// join screen fetches them from the server and loads a Device while the user
// is still typing a name; the meeting takes that Device when the join reply
// names the same capabilities, and loads its own otherwise.
import { Device, type types } from 'mediasoup-client';
import { MEDIA_CAPABILITIES_PATH } from '../../../signaling/protocol/limits.js';

interface Loaded {
  readonly key: string;
  readonly device: Device;
}

let preloaded: Promise<Loaded | undefined> | undefined;

async function load(capabilities: unknown): Promise<Device> {
  const device = await Device.factory();
  await device.load({ routerRtpCapabilities: capabilities as types.RtpCapabilities });
  return device;
}

/** Starts loading a Device for this server (once per page; a failure only loses the head start). */
export function preloadDevice(): void {
  preloaded ??= (async () => {
    try {
      const res = await fetch(MEDIA_CAPABILITIES_PATH, { credentials: 'omit', cache: 'no-cache' });
      if (!res.ok) return undefined;
      const { rtpCapabilities } = (await res.json()) as { rtpCapabilities: unknown };
      return { key: JSON.stringify(rtpCapabilities), device: await load(rtpCapabilities) };
    } catch (error) {
      console.debug('preloading the media device failed', error);
      return undefined;
    }
  })();
}

/** Longest wait for a preload still under way before loading our own. */
const PRELOAD_WAIT_MS = 1500;

/** A Device loaded with these capabilities: the preloaded one when they match. */
export async function loadDevice(routerRtpCapabilities: unknown): Promise<Device> {
  // A preload that hangs (a stalled request) must not hold the meeting up.
  const ready = await Promise.race([
    preloaded,
    new Promise<undefined>((resolve) => setTimeout(resolve, PRELOAD_WAIT_MS)),
  ]);
  if (ready && ready.key === JSON.stringify(routerRtpCapabilities)) return ready.device;
  return load(routerRtpCapabilities);
}
