// The speaker choice: remembered per browser, shown sensibly when the chosen
// device is gone, and ignored where the browser cannot route sound.
import { describe, expect, it, vi } from 'vitest';
import {
  applySink,
  createAudioOutput,
  shownSpeaker,
  SPEAKER_KEY,
} from '../../web/src/media/audioOutput.js';

const memory = (initial: Record<string, string> = {}) => {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
  };
};

describe('audio output choice', () => {
  it('starts from the remembered device and remembers a new choice', () => {
    const storage = memory({ [SPEAKER_KEY]: 'headset' });
    const output = createAudioOutput(storage, true);
    expect(output.store.get()).toBe('headset');
    output.select('speakers');
    expect(output.store.get()).toBe('speakers');
    expect(storage.data.get(SPEAKER_KEY)).toBe('speakers');
    expect(createAudioOutput(storage, true).store.get()).toBe('speakers');
  });

  it('where the browser cannot choose, stays on the default and remembers nothing', () => {
    const storage = memory({ [SPEAKER_KEY]: 'headset' });
    const output = createAudioOutput(storage, false);
    expect(output.store.get()).toBeUndefined();
    output.select('speakers');
    expect(output.store.get()).toBeUndefined();
    expect(storage.data.get(SPEAKER_KEY)).toBe('headset');
  });

  it('the picker shows the choice, or the default when the chosen device is unplugged', () => {
    const devices = [{ deviceId: 'default' }, { deviceId: 'a' }, { deviceId: 'b' }];
    expect(shownSpeaker(devices, 'b')).toBe('b');
    expect(shownSpeaker(devices, 'gone')).toBe('default');
    expect(shownSpeaker(devices, undefined)).toBe('default');
    expect(shownSpeaker([{ deviceId: 'a' }], 'gone')).toBe('a');
    expect(shownSpeaker([], 'gone')).toBeUndefined();
  });

  it('a device that went away falls back to the default output', async () => {
    const calls: string[] = [];
    const element = {
      sinkId: '',
      async setSinkId(id: string) {
        calls.push(id);
        if (id === 'unplugged') throw new DOMException('not found', 'NotFoundError');
        this.sinkId = id;
      },
    };
    await applySink(element, 'headset');
    expect(element.sinkId).toBe('headset');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await applySink(element, 'unplugged');
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
    expect(element.sinkId).toBe('');
    expect(calls).toEqual(['headset', 'unplugged', '']);
  });
});
