// One numbered event stream per room, merged from the parts of a room that
// spans SFU nodes: what signaling's media view sees when producers, speakers
// and lost media come from several nodes at once.
import { describe, expect, it } from 'vitest';
import type { SfuEvent } from '../../sfu/api/index.js';
import { createRoomEvents } from '../../signaling/cluster/roomEvents.js';

type RoomEvent = Extract<SfuEvent, { epoch: string }>;

function setup(home = 'a') {
  const emitted: RoomEvent[] = [];
  const resyncs: string[] = [];
  const lost: string[] = [];
  const pipes: string[] = [];
  const localPeers: Record<string, string[]> = {};
  const merger = createRoomEvents({
    homeOf: () => home,
    localPeersOn: (_room, nodeId) => localPeers[nodeId] ?? [],
    emit: (event) => emitted.push(event),
    resync: (roomId) => resyncs.push(roomId),
    partLost: (_room, nodeId) => lost.push(nodeId),
    pipeClosed: (_room, nodeId, event) => pipes.push(`${nodeId}→${event.remoteNodeId}`),
  });
  merger.track('r');
  return { merger, emitted, resyncs, lost, pipes, localPeers };
}

const opened = (epoch: string, seq: number, peerId: string, producerId: string): RoomEvent => ({
  type: 'producerOpened',
  roomId: 'r',
  epoch,
  seq,
  peerId,
  producerId,
  kind: 'audio',
  label: 'mic',
  paused: false,
});
const speaker = (epoch: string, seq: number, peerId: string): RoomEvent => ({
  type: 'activeSpeaker',
  roomId: 'r',
  epoch,
  seq,
  peerId,
  producerId: `${peerId}-mic`,
});

const stamps = (events: RoomEvent[]) => events.map((e) => `${e.type}@${e.epoch}#${e.seq}`);

describe('a room’s events merged from the SFU nodes it spans', () => {
  it('numbers the events of every part as one stream under the home’s epoch', () => {
    const t = setup();
    t.merger.noteHomeEpoch('r', 'home-1');
    t.merger.receive('a', opened('home-1', 1, 'alice', 'p1'));
    t.merger.receive('b', opened('b-1', 1, 'bob', 'p2'));
    t.merger.receive('b', opened('b-1', 2, 'bob', 'p3'));
    t.merger.receive('a', opened('home-1', 2, 'alice', 'p4'));
    expect(stamps(t.emitted)).toEqual([
      'producerOpened@home-1#1',
      'producerOpened@home-1#2',
      'producerOpened@home-1#3',
      'producerOpened@home-1#4',
    ]);
    expect(t.emitted.map((e) => (e as { producerId: string }).producerId)).toEqual([
      'p1',
      'p2',
      'p3',
      'p4',
    ]);
    expect(t.resyncs).toEqual([]);
  });

  it('drops an event seen already, and asks for a listing when a part skipped one', () => {
    const t = setup();
    t.merger.noteHomeEpoch('r', 'home-1');
    t.merger.receive('b', opened('b-1', 1, 'bob', 'p1'));
    t.merger.receive('b', opened('b-1', 1, 'bob', 'p1'));
    expect(t.emitted).toHaveLength(1);
    t.merger.receive('b', opened('b-1', 3, 'bob', 'p3'));
    expect(t.resyncs).toEqual(['r']);
    // Passed on all the same: the view applies it on top of the listing.
    expect(stamps(t.emitted)).toEqual(['producerOpened@home-1#1', 'producerOpened@home-1#2']);
  });

  it('takes who is talking from the home only: it hears every voice through pipes', () => {
    const t = setup();
    t.merger.noteHomeEpoch('r', 'home-1');
    t.merger.receive('b', speaker('b-1', 1, 'bob'));
    t.merger.receive('a', speaker('home-1', 1, 'bob'));
    expect(stamps(t.emitted)).toEqual(['activeSpeaker@home-1#1']);
  });

  it('a part off the home that loses its media ends its peers’ media here, closes pipes toward it, and relists', () => {
    const t = setup();
    t.merger.noteHomeEpoch('r', 'home-1');
    t.localPeers['b'] = ['bob', 'carol'];
    t.merger.receive('b', {
      type: 'roomMediaLost',
      roomId: 'r',
      epoch: 'b-1',
      seq: 1,
      reason: 'workerDied',
      nextEpoch: 'b-2',
    });
    expect(t.lost).toEqual(['b']);
    expect(t.emitted.map((e) => [e.type, (e as { peerId?: string }).peerId, e.epoch])).toEqual([
      ['peerClosed', 'bob', 'home-1'],
      ['peerClosed', 'carol', 'home-1'],
    ]);
    expect(t.resyncs).toEqual(['r']);
    // The rebuilt part's events follow without another listing.
    t.merger.receive('b', opened('b-2', 1, 'bob', 'p9'));
    expect(t.resyncs).toEqual(['r']);
    expect(stamps(t.emitted).at(-1)).toBe('producerOpened@home-1#3');
  });

  it('the home’s lost media pass on as such and the stream restarts under the next epoch', () => {
    const t = setup();
    t.merger.noteHomeEpoch('r', 'home-1');
    t.merger.receive('a', opened('home-1', 1, 'alice', 'p1'));
    t.merger.receive('a', {
      type: 'roomMediaLost',
      roomId: 'r',
      epoch: 'home-1',
      seq: 2,
      reason: 'workerDied',
      nextEpoch: 'home-2',
    });
    t.merger.receive('b', opened('b-1', 1, 'bob', 'p2'));
    expect(stamps(t.emitted)).toEqual([
      'producerOpened@home-1#1',
      'roomMediaLost@home-1#2',
      'producerOpened@home-2#1',
    ]);
    expect(t.lost).toEqual(['a']);
  });

  it('hands pipe closings to the pipes, not to the view', () => {
    const t = setup();
    t.merger.noteHomeEpoch('r', 'home-1');
    t.merger.receive('b', {
      type: 'pipeClosed',
      roomId: 'r',
      epoch: 'b-1',
      seq: 1,
      remoteNodeId: 'a',
      producerId: 'p1',
    });
    expect(t.pipes).toEqual(['b→a']);
    expect(t.emitted).toEqual([]);
    expect(t.resyncs).toEqual([]);
  });

  it('a listing stands for the events numbered up to when it started', () => {
    const t = setup();
    t.merger.noteHomeEpoch('r', 'home-1');
    t.merger.receive('a', opened('home-1', 1, 'alice', 'p1'));
    const before = t.merger.listingStarts('r');
    // An event that arrives while the parts answer is applied on top.
    t.merger.receive('b', opened('b-1', 4, 'bob', 'p2'));
    const at = t.merger.listingDone('r', before, 'home-1', [
      { nodeId: 'a', epoch: 'home-1', seq: 1 },
      { nodeId: 'b', epoch: 'b-1', seq: 4 },
    ]);
    expect(at).toEqual({ epoch: 'home-1', seq: 1 });
    // The parts' numbering carries on from the listing.
    t.merger.receive('b', opened('b-1', 5, 'bob', 'p3'));
    expect(stamps(t.emitted).at(-1)).toBe('producerOpened@home-1#3');
    // A listing under a new home epoch covers nothing of it yet.
    const again = t.merger.listingStarts('r');
    expect(t.merger.listingDone('r', again, 'home-2', [])).toEqual({ epoch: 'home-2', seq: 0 });
  });

  it('ignores rooms it does not follow', () => {
    const t = setup();
    t.merger.receive('a', { ...opened('x', 1, 'alice', 'p1'), roomId: 'other' });
    expect(t.emitted).toEqual([]);
  });
});
