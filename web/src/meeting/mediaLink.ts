// Whether our media path is up, apart from signaling: the "reconnecting audio
// and video" notice. It shows while media are rebuilt (the server sent
// mediaReset, or a rejoin could not keep them) until the new transports
// connect, and while a transport is disconnected or failed (the browser
// recovers it by itself or through an ICE restart). A first connection is not
// a reconnection: a transport connecting for the first time shows nothing.
// Pure functions from one value to the next.
import type { types } from 'mediasoup-client';

export type Direction = 'send' | 'recv';

/** idle: new, or connecting for the first time; up: connected; down: lost since. */
export type LinkState = 'idle' | 'up' | 'down';

export interface MediaLink {
  /**
   * A rebuild: `starting` until the new media started, then `connecting`
   * until a new transport connects.
   */
  readonly rebuild: 'none' | 'starting' | 'connecting';
  readonly send: LinkState;
  readonly recv: LinkState;
}

export const steadyLink: MediaLink = { rebuild: 'none', send: 'idle', recv: 'idle' };

/** New transports replace the old ones; `rebuild` when media ran before (see above). */
export const newTransports = (rebuild: boolean): MediaLink =>
  rebuild ? { ...steadyLink, rebuild: 'starting' } : steadyLink;

const anyUp = (link: MediaLink) => link.send === 'up' || link.recv === 'up';

/**
 * The new media started. With nothing to send or receive no transport will
 * connect (mediasoup connects one on its first use), so there is nothing to
 * wait for; whatever comes later connects as a first connection does.
 */
export function started(link: MediaLink, carrying: boolean): MediaLink {
  if (link.rebuild !== 'starting') return link;
  return { ...link, rebuild: carrying && !anyUp(link) ? 'connecting' : 'none' };
}

/** Starting failed, or sending did: another notice says why, this one stops waiting. */
export const gaveUp = (link: MediaLink): MediaLink =>
  link.rebuild === 'none' ? link : { ...link, rebuild: 'none' };

/** A transport of the current media reported its connection state. */
export function transportState(
  link: MediaLink,
  direction: Direction,
  state: types.ConnectionState,
): MediaLink {
  const next: LinkState =
    state === 'connected'
      ? 'up'
      : state === 'disconnected' || state === 'failed'
        ? 'down'
        : link[direction];
  if (next === link[direction]) return link;
  const changed = { ...link, [direction]: next };
  return changed.rebuild === 'connecting' && next === 'up'
    ? { ...changed, rebuild: 'none' }
    : changed;
}

/** Media are being rebuilt or recovered (whatever signaling does meanwhile). */
export const linkDown = (link: MediaLink): boolean =>
  link.rebuild !== 'none' || link.send === 'down' || link.recv === 'down';
