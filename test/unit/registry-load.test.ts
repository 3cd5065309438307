// The registry record's load figures per heartbeat: counts as they are,
// CPU and bitrate as rates over the interval since the previous beat.
import { describe, expect, it } from 'vitest';
import { sampleOf, workerRecords } from '../../sfu/node/registryLoad.js';

const worker = (over: Record<string, number | boolean> = {}) => ({
  index: 0,
  pid: 100,
  rooms: 2,
  transports: 6,
  producers: 3,
  consumers: 9,
  draining: false,
  cpuMs: 1000,
  bytesIn: 10_000,
  bytesOut: 20_000,
  ...over,
});

describe('registry load figures', () => {
  it('turns cumulative CPU time and bytes into rates over the beat', () => {
    const first = { workers: [worker()], state: 'SERVING' as const };
    const previous = sampleOf(first, 1_000);
    const next = {
      workers: [worker({ cpuMs: 1250, bytesIn: 135_000, bytesOut: 20_000 })],
      state: 'SERVING' as const,
    };
    expect(workerRecords(next, previous, 1_500)).toEqual([
      {
        index: 0,
        pid: 100,
        routers: 2,
        transports: 6,
        producers: 3,
        consumers: 9,
        bitrateIn: 2_000_000, // 125 000 bytes in half a second
        bitrateOut: 0,
        cpu: 0.5, // 250 ms of CPU in 500 ms
        draining: false,
      },
    ]);
  });

  it('starts from nothing on the first beat, for a new worker, and when transports closed', () => {
    const load = { workers: [worker()], state: 'SERVING' as const };
    expect(workerRecords(load, undefined, 1_000)[0]).toMatchObject({
      cpu: 0,
      bitrateIn: 0,
      bitrateOut: 0,
    });
    const previous = sampleOf(load, 1_000);
    const replaced = { workers: [worker({ pid: 101, cpuMs: 50 })], state: 'SERVING' as const };
    expect(workerRecords(replaced, previous, 2_000)[0]).toMatchObject({ cpu: 0, bitrateIn: 0 });
    // A transport that closed takes its bytes out of the sum: no negative rate.
    const shrunk = { workers: [worker({ bytesIn: 5_000 })], state: 'SERVING' as const };
    expect(workerRecords(shrunk, previous, 2_000)[0]?.bitrateIn).toBe(0);
  });

  it('reads an older node without producers or byte counters as zero', () => {
    const old = { index: 0, pid: 100, rooms: 1, transports: 2, consumers: 3, draining: false };
    const load = { workers: [old], state: 'DRAINING' as const };
    expect(workerRecords(load, sampleOf(load, 0), 1_000)[0]).toMatchObject({
      producers: 0,
      bitrateIn: 0,
      cpu: 0,
    });
  });
});
