// Who is talking in one room: mediasoup's ActiveSpeakerObserver (the dominant
// speaker) and AudioLevelObserver (everyone above a threshold), created with
// the router. Audio producers join both; they leave by closing.
import type { types } from 'mediasoup';
import type { RoomEventInput } from '../api/events.js';
import type { SfuLogger } from './logger.js';

/** The level observer reports at most this often, which throttles audioLevels events. */
export const AUDIO_LEVEL_INTERVAL_MS = 500;
const ACTIVE_SPEAKER_INTERVAL_MS = 300;
/** dBov; quieter than this is silence (mediasoup's default is -80, mostly room noise). */
const SPEAKING_THRESHOLD = -60;
const MAX_LEVEL_ENTRIES = 16;

export interface Speakers {
  addAudioProducer(peerId: string, producer: types.Producer): void;
}

export async function createSpeakers(params: {
  roomId: string;
  router: types.Router;
  logger: SfuLogger;
  emit: (event: RoomEventInput) => void;
}): Promise<Speakers> {
  const { roomId, router, emit, logger } = params;
  const owners = new Map<string, string>();
  const active = await router.createActiveSpeakerObserver({
    interval: ACTIVE_SPEAKER_INTERVAL_MS,
  });
  const levels = await router.createAudioLevelObserver({
    maxEntries: MAX_LEVEL_ENTRIES,
    threshold: SPEAKING_THRESHOLD,
    interval: AUDIO_LEVEL_INTERVAL_MS,
  });
  let lastWasSilence = true;

  active.on('dominantspeaker', ({ producer }) => {
    const peerId = owners.get(producer.id);
    if (peerId) emit({ type: 'activeSpeaker', roomId, peerId, producerId: producer.id });
  });
  levels.on('volumes', (volumes) => {
    lastWasSilence = false;
    emit({
      type: 'audioLevels',
      roomId,
      levels: volumes.flatMap(({ producer, volume }) => {
        const peerId = owners.get(producer.id);
        return peerId ? [{ peerId, volume }] : [];
      }),
    });
  });
  levels.on('silence', () => {
    if (lastWasSilence) return;
    lastWasSilence = true;
    emit({ type: 'audioLevels', roomId, levels: [] });
  });

  async function observe(observer: types.RtpObserver, producerId: string): Promise<void> {
    try {
      await observer.addProducer({ producerId });
    } catch (error) {
      // The producer (or the router) may close first; nothing to observe then.
      if (owners.has(producerId) && !observer.closed) {
        logger.warn({ err: error, room: roomId, producer: producerId }, 'cannot observe audio');
      }
    }
  }

  return {
    addAudioProducer(peerId, producer) {
      if (producer.kind !== 'audio') return;
      owners.set(producer.id, peerId);
      producer.observer.once('close', () => owners.delete(producer.id));
      void observe(active, producer.id);
      void observe(levels, producer.id);
    },
  };
}
