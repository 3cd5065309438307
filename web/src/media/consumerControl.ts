// What the server sends of each consumer: paused while the UI does not show
// it, resumed when it does, and at the simulcast layer its tile can use.
// Requests for one consumer go out one at a time; the latest wish wins.
import { SignalingError, type SignalingClient } from '../signaling/client.js';

const ATTEMPTS = 6;

type Wish = { paused: boolean; layer: number | undefined };

export interface ConsumerControl {
  /** A consumer the server created paused; `paused` is what the UI wants now. */
  track(consumerId: string, paused: boolean): void;
  setPaused(consumerId: string, paused: boolean): void;
  setLayer(consumerId: string, spatialLayer: number): void;
  forget(consumerId: string): void;
  clear(): void;
}

export function createConsumerControl(signaling: SignalingClient): ConsumerControl {
  const wanted = new Map<string, Wish>();
  /** What the server was last told (it creates consumers paused, at no preference). */
  const applied = new Map<string, Wish>();
  const running = new Set<string>();

  /** Joining a busy room sends many requests at once: retry when rate-limited. */
  async function send(apply: () => Promise<unknown>, consumerId: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await apply();
        return true;
      } catch (error) {
        const limited = error instanceof SignalingError && error.code === 'RATE_LIMITED';
        if (!limited || attempt >= ATTEMPTS || !wanted.has(consumerId)) {
          if (wanted.has(consumerId)) console.warn('consumer control failed', consumerId, error);
          return false;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }

  async function step(consumerId: string): Promise<boolean> {
    const wish = wanted.get(consumerId);
    const done = applied.get(consumerId);
    if (!wish || !done) return false;
    if (wish.layer !== undefined && wish.layer !== done.layer) {
      const layer = wish.layer;
      const ok = await send(
        () => signaling.request('setConsumerPreferredLayers', { consumerId, spatialLayer: layer }),
        consumerId,
      );
      done.layer = layer;
      return ok;
    }
    if (wish.paused !== done.paused) {
      const paused = wish.paused;
      const ok = await send(
        () => signaling.request(paused ? 'pauseConsumer' : 'resumeConsumer', { consumerId }),
        consumerId,
      );
      done.paused = paused;
      return ok;
    }
    return false;
  }

  async function run(consumerId: string): Promise<void> {
    if (running.has(consumerId)) return;
    running.add(consumerId);
    try {
      while (await step(consumerId));
    } finally {
      running.delete(consumerId);
    }
  }

  function update(consumerId: string, patch: Partial<Wish>): void {
    const wish = wanted.get(consumerId);
    if (!wish) return;
    Object.assign(wish, patch);
    void run(consumerId);
  }

  return {
    track(consumerId, paused) {
      wanted.set(consumerId, { paused, layer: undefined });
      applied.set(consumerId, { paused: true, layer: undefined });
      void run(consumerId);
    },
    setPaused: (consumerId, paused) => update(consumerId, { paused }),
    setLayer: (consumerId, layer) => update(consumerId, { layer }),
    forget(consumerId) {
      wanted.delete(consumerId);
      applied.delete(consumerId);
    },
    clear() {
      wanted.clear();
      applied.clear();
    },
  };
}
