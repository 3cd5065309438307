// "You are talking while muted": while our microphone is off, a private,
// enabled copy of its track is listened to here (it never leaves the
// browser); when we keep making sound, the meeting says so, with a way to
// unmute, at most once per cooldown.
import { analyseTrack } from '../lib/audioContext.js';
import { SPEAKING_DBOV } from './levels.js';

/** A microphone's recent level, read on demand. */
export interface MicTap {
  /** Mean power of the last ~0.34 s in dBov (-Infinity for silence). */
  level(): number;
  close(): void;
}

export interface TalkRule {
  /** Feeds one reading; true when the recent readings add up to talking. */
  push(levelDbov: number): boolean;
  reset(): void;
}

/** Readings looked back on, loud ones needed among them. */
export const TALK_WINDOW = 8;
export const TALK_NEEDED = 3;

/** Talking: at least `needed` of the last `window` readings above the speaking level. */
export function createTalkRule(window = TALK_WINDOW, needed = TALK_NEEDED): TalkRule {
  let recent: boolean[] = [];
  return {
    push(level) {
      recent = [...recent, level >= SPEAKING_DBOV].slice(-window);
      return recent.filter(Boolean).length >= needed;
    },
    reset() {
      recent = [];
    },
  };
}

/** Listens to an enabled clone of `track` (the original stays as it is). */
export function openMicTap(track: MediaStreamTrack): MicTap {
  const clone = track.clone();
  clone.enabled = true;
  // About a third of a second at 48 kHz: readings every 250 ms overlap, so a
  // short syllable between two readings is not missed.
  const analyser = analyseTrack(clone, 16384);
  return {
    level() {
      const power = analyser.meanSquare();
      return power > 0 ? 10 * Math.log10(power) : -Infinity;
    },
    close() {
      analyser.close();
      clone.stop();
    },
  };
}

export interface MutedTalkOptions {
  /** Our microphone's track while it is muted (by us or by a host); otherwise undefined. */
  mutedMic(): MediaStreamTrack | undefined;
  onTalk(): void;
  tap?: (track: MediaStreamTrack) => MicTap;
  now?: () => number;
  intervalMs?: number;
  /** After telling, quiet this long. */
  cooldownMs?: number;
}

export interface MutedTalkWatch {
  close(): void;
}

export function createMutedTalkWatch({
  mutedMic,
  onTalk,
  tap: openTap = openMicTap,
  now = () => Date.now(),
  intervalMs = 250,
  cooldownMs = 30_000,
}: MutedTalkOptions): MutedTalkWatch {
  const rule = createTalkRule();
  let tapped: { track: MediaStreamTrack; tap: MicTap } | undefined;
  let quietUntil = -Infinity;

  function untap(): void {
    tapped?.tap.close();
    tapped = undefined;
    rule.reset();
  }

  function tick(): void {
    const track = mutedMic();
    if (!track || track.readyState === 'ended') {
      // Unmuted (or no microphone). The cooldown stands: after a moment of
      // hold-to-talk, the last words as Space comes up are no reason to tell.
      untap();
      return;
    }
    if (tapped?.track !== track) {
      untap();
      try {
        tapped = { track, tap: openTap(track) };
      } catch {
        return; // No audio processing here: no hint, nothing else lost.
      }
    }
    if (!rule.push(tapped.tap.level()) || now() < quietUntil) return;
    rule.reset();
    quietUntil = now() + cooldownMs;
    onTalk();
  }

  const timer = setInterval(tick, intervalMs);
  return {
    close() {
      clearInterval(timer);
      untap();
    },
  };
}
