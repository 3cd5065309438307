import { describe, expect, it } from 'vitest';
import { roomHash } from '../../signaling/cluster/sfuRouter.js';

describe('placing rooms on SFU nodes', () => {
  it('hashes a room name the same way in every process (FNV-1a over UTF-8)', () => {
    // Fixed values: a change here would move live rooms between SFU nodes
    // when signaling nodes of two versions run side by side.
    expect(roomHash('')).toBe(0x811c9dc5);
    expect(roomHash('a')).toBe(0xe40c292c);
    expect(roomHash('foobar')).toBe(0xbf9cf968);
    expect(roomHash('Совет')).toBe(roomHash('Совет'));
    expect(roomHash('Совет')).not.toBe(roomHash('совет'));
  });

  it('spreads room names over the nodes', () => {
    const perNode = [0, 0, 0];
    for (let i = 0; i < 3000; i++) perNode[roomHash(`room-${i}`) % 3]! += 1;
    for (const count of perNode) expect(count).toBeGreaterThan(800);
  });
});
