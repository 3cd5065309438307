// "You are talking while muted": when the hint comes, and when it must not.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SPEAKING_DBOV } from '../../web/src/media/levels.js';
import {
  createMutedTalkWatch,
  createTalkRule,
  TALK_NEEDED,
  TALK_WINDOW,
  type MicTap,
} from '../../web/src/media/mutedTalk.js';

const LOUD = SPEAKING_DBOV + 10;
const QUIET = SPEAKING_DBOV - 20;
const track = (id: string) => ({ id, readyState: 'live' }) as MediaStreamTrack;

describe('talking rule', () => {
  it('a single noise is not talking; a few loud readings close together are', () => {
    const rule = createTalkRule();
    expect(rule.push(LOUD)).toBe(false);
    for (let i = 0; i < TALK_WINDOW; i += 1) expect(rule.push(QUIET)).toBe(false);
    const results = Array.from({ length: TALK_NEEDED }, () => rule.push(LOUD));
    expect(results.at(-1)).toBe(true);
    expect(results.slice(0, -1).every((r) => !r)).toBe(true);
  });

  it('loud readings spread wider than the window do not add up', () => {
    const rule = createTalkRule();
    for (let i = 0; i < 5 * TALK_WINDOW; i += 1) {
      expect(rule.push(i % TALK_WINDOW === 0 ? LOUD : QUIET)).toBe(false);
    }
  });
});

describe('muted-talk watch', () => {
  afterEach(() => vi.useRealTimers());

  function setup() {
    vi.useFakeTimers();
    let muted: MediaStreamTrack | undefined;
    let level = QUIET;
    const opened: string[] = [];
    const closed: string[] = [];
    const onTalk = vi.fn();
    const watch = createMutedTalkWatch({
      mutedMic: () => muted,
      onTalk,
      now: () => Date.now(),
      tap: (t): MicTap => {
        opened.push(t.id);
        return { level: () => level, close: () => closed.push(t.id) };
      },
    });
    return {
      watch,
      onTalk,
      opened,
      closed,
      mute: (t: MediaStreamTrack | undefined) => (muted = t),
      say: (dbov: number) => (level = dbov),
      seconds: (s: number) => vi.advanceTimersByTime(s * 1000),
      /** Mutes `mic` and talks for a second. */
      talkMuted(mic: MediaStreamTrack) {
        muted = mic;
        level = LOUD;
        vi.advanceTimersByTime(1000);
      },
    };
  }

  it('tells once when we talk while muted, then keeps quiet for the cooldown', () => {
    const w = setup();
    w.talkMuted(track('mic'));
    expect(w.onTalk).toHaveBeenCalledTimes(1);
    w.seconds(20);
    expect(w.onTalk).toHaveBeenCalledTimes(1);
    w.seconds(15);
    expect(w.onTalk).toHaveBeenCalledTimes(2);
    w.watch.close();
    expect(w.closed).toEqual(['mic']);
  });

  it('says nothing while the microphone is on, and listens to nothing', () => {
    const w = setup();
    w.say(LOUD);
    w.seconds(10);
    expect(w.onTalk).not.toHaveBeenCalled();
    expect(w.opened).toEqual([]);
    w.watch.close();
  });

  it('silence while muted says nothing', () => {
    const w = setup();
    w.mute(track('mic'));
    w.seconds(10);
    expect(w.onTalk).not.toHaveBeenCalled();
    w.watch.close();
  });

  it('unmuting lets go of the copy; muted again, the hint still waits out its cooldown', () => {
    const w = setup();
    const mic = track('mic');
    w.talkMuted(mic);
    expect(w.onTalk).toHaveBeenCalledTimes(1);
    w.mute(undefined);
    w.seconds(1);
    expect(w.closed).toEqual(['mic']);
    w.talkMuted(mic);
    expect(w.onTalk).toHaveBeenCalledTimes(1);
    expect(w.opened).toEqual(['mic', 'mic']);
    w.seconds(30);
    expect(w.onTalk).toHaveBeenCalledTimes(2);
    w.watch.close();
  });

  it('follows a device switch while muted to the new microphone', () => {
    const w = setup();
    w.mute(track('first'));
    w.seconds(1);
    w.mute(track('second'));
    w.seconds(1);
    expect(w.opened).toEqual(['first', 'second']);
    expect(w.closed).toEqual(['first']);
    w.watch.close();
  });
});
