// The "reconnecting audio and video" notice: when media are rebuilt after a
// media reset or a transport is lost while signaling stays up it shows, once
// media connect again it goes, a first join never shows it, and while
// signaling itself is down its own banner stands alone.
import { describe, expect, it } from 'vitest';
import {
  gaveUp,
  newTransports,
  started,
  steadyLink,
  transportState,
  type MediaLink,
} from '../../web/src/meeting/mediaLink.js';
import {
  initialRoomState,
  mediaReconnecting,
  type Phase,
} from '../../web/src/meeting/roomState.js';

type Step = (link: MediaLink) => MediaLink;

const reset: Step = () => newTransports(true);
const firstStart: Step = () => newTransports(false);
const startedWith =
  (carrying: boolean): Step =>
  (link) =>
    started(link, carrying);
const send =
  (state: Parameters<typeof transportState>[2]): Step =>
  (link) =>
    transportState(link, 'send', state);
const recv =
  (state: Parameters<typeof transportState>[2]): Step =>
  (link) =>
    transportState(link, 'recv', state);

const shown = (mediaLink: MediaLink, phase: Phase = 'joined') =>
  mediaReconnecting({ ...initialRoomState, phase, mediaLink });

/** Whether the notice shows after each step, from `from`. */
function run(steps: readonly Step[], from: MediaLink = steadyLink): boolean[] {
  let link = from;
  return steps.map((step) => shown((link = step(link))));
}

describe('the media reconnecting notice', () => {
  it('a first join never shows it, from the first transports to media flowing', () => {
    const flags = run([
      firstStart,
      send('connecting'),
      startedWith(true),
      recv('connecting'),
      send('connected'),
      recv('connected'),
    ]);
    expect(flags).toEqual([false, false, false, false, false, false]);
  });

  it('shows from a media reset until a rebuilt transport connects', () => {
    const flags = run(
      [reset, send('connecting'), startedWith(true), recv('connecting'), recv('connected')],
      // Media flowed before the reset.
      { rebuild: 'none', send: 'up', recv: 'up' },
    );
    expect(flags).toEqual([true, true, true, true, false]);
  });

  it('after a reset the sending side connecting is enough', () => {
    expect(run([reset, startedWith(true), send('connected')])).toEqual([true, true, false]);
  });

  it('a transport that connected before the start finished ends it with the start', () => {
    expect(run([reset, send('connected'), startedWith(true)])).toEqual([true, true, false]);
  });

  it('with nothing to send or receive after a reset there is nothing to wait for', () => {
    expect(run([reset, startedWith(false)])).toEqual([true, false]);
  });

  it('stays while a rebuilt transport only connects, then goes when it is up', () => {
    const flags = run([
      reset,
      startedWith(true),
      send('new'),
      send('connecting'),
      send('connected'),
    ]);
    expect(flags).toEqual([true, true, true, true, false]);
  });

  it('shows while a transport is disconnected or failed, until it is connected again', () => {
    const up: MediaLink = { rebuild: 'none', send: 'up', recv: 'up' };
    expect(run([recv('disconnected'), recv('connected')], up)).toEqual([true, false]);
    // Failed, then an ICE restart: connecting again is not yet connected.
    expect(
      run([send('failed'), send('connecting'), recv('disconnected'), send('connected')], up),
    ).toEqual([true, true, true, true]);
    expect(
      run([send('failed'), send('connecting'), send('connected'), recv('connected')], up),
    ).toEqual([true, true, false, false]);
  });

  it('a failed start or failed sending ends the wait of a rebuild, not a lost transport', () => {
    expect(run([reset, gaveUp])).toEqual([true, false]);
    expect(run([reset, startedWith(true), gaveUp])).toEqual([true, true, false]);
    const up: MediaLink = { rebuild: 'none', send: 'up', recv: 'up' };
    expect(run([recv('failed'), gaveUp], up)).toEqual([true, true]);
  });

  it('new transports forget the state of the old ones', () => {
    const lost: MediaLink = { rebuild: 'none', send: 'down', recv: 'down' };
    expect(shown(lost)).toBe(true);
    expect(shown(newTransports(false))).toBe(false);
    expect(newTransports(true)).toEqual({ rebuild: 'starting', send: 'idle', recv: 'idle' });
  });

  it('never beside the signaling banner: only in the meeting', () => {
    const rebuilding = newTransports(true);
    const lost: MediaLink = { rebuild: 'none', send: 'down', recv: 'up' };
    for (const link of [rebuilding, lost]) {
      expect(shown(link, 'reconnecting')).toBe(false);
      for (const phase of ['idle', 'joining', 'lobby', 'left', 'failed', 'removed'] as const) {
        expect(shown(link, phase)).toBe(false);
      }
      // Signaling back and media still down: now it shows.
      expect(shown(link, 'joined')).toBe(true);
    }
  });

  it('a state that does not change the link leaves the same value (no re-render)', () => {
    const up: MediaLink = { rebuild: 'none', send: 'up', recv: 'idle' };
    expect(transportState(up, 'send', 'connected')).toBe(up);
    expect(transportState(up, 'recv', 'connecting')).toBe(up);
    expect(transportState(up, 'send', 'closed')).toBe(up);
    expect(gaveUp(up)).toBe(up);
  });
});
