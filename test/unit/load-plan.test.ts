// How the load generator lays out its bots: which cameras a bot shows and at
// which layer (the client's grid rule), one loopback address per bot, and the
// command line an operator types.
import { describe, expect, it } from 'vitest';
import { parseLoadArgs } from '../load/args.js';
import { botAddress, planBots } from '../load/plan.js';
import { tileViews } from '../load/tiles.js';

describe('the load plan', () => {
  it('shows the first page of participants at the layer their tile width asks for', () => {
    const peers = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);
    const at = (n: number, pageSize = 9) => tileViews(peers(n), { pageSize, windowWidth: 1280 });
    expect(at(1).get('p0')).toEqual({ visible: true, layer: 2 });
    expect(at(4).get('p3')).toEqual({ visible: true, layer: 2 });
    expect(at(9).get('p8')).toEqual({ visible: true, layer: 1 });
    expect(at(30).get('p8')).toEqual({ visible: true, layer: 1 });
    expect(at(30).get('p9')?.visible).toBe(false);
    expect(at(30, 25).get('p24')).toEqual({ visible: true, layer: 0 });
  });

  it('gives every bot a loopback address of its own and spreads them over signaling nodes', () => {
    const specs = planBots(
      {
        rooms: 3,
        publishers: 2,
        subscribers: 400,
        roomPrefix: 'r',
        tiles: { pageSize: 9, windowWidth: 1280 },
      },
      { urls: ['http://a', 'http://b'], loopback: true },
    );
    expect(specs).toHaveLength(1206);
    expect(new Set(specs.map((s) => s.localAddress)).size).toBe(1206);
    expect(specs.every((s) => /^127\.10\.\d+\.\d+$/.test(s.localAddress!))).toBe(true);
    expect(specs.filter((s) => s.url === 'http://a')).toHaveLength(603);
    expect(specs.filter((s) => s.publish).map((s) => s.room)).toEqual([
      'r-1',
      'r-1',
      'r-2',
      'r-2',
      'r-3',
      'r-3',
    ]);
    expect(botAddress(0)).toBe('127.10.0.1');
    expect(botAddress(250)).toBe('127.10.1.1');
  });

  it('reads the command line, and names what is wrong with it', () => {
    expect(parseLoadArgs(['--rooms', '3', '--duration', '60', '--cluster'])).toMatchObject({
      rooms: 3,
      duration: 60,
      cluster: true,
      publishers: 2,
    });
    expect(() => parseLoadArgs(['--rooms', 'many'])).toThrow(/--rooms/);
    expect(() => parseLoadArgs(['--romos', '3'])).toThrow(/unknown option\(s\): romos/);
    expect(() => parseLoadArgs(['--target', 'http://x', '--cluster'])).toThrow(/exclude/);
    expect(() => parseLoadArgs(['--bot-cpus', 'one'])).toThrow(/CPU list/);
  });
});
