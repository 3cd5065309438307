import { describe, expect, it } from 'vitest';
import type { NodeRecord, NodeState } from '../../sfu/api/registry.js';
import {
  capacityOf,
  decideHome,
  decidePeerNode,
  liveNodes,
  loadOf,
  pickNewHome,
  roomsOf,
} from '../../signaling/cluster/placement.js';

const NOW = 1_000_000;

/** A node record: `consumers` and `routers` per worker, four slots of capacity per worker unless said. */
function node(
  nodeId: string,
  options: {
    consumers?: number[];
    routers?: number[];
    state?: NodeState;
    perWorker?: number;
    age?: number;
  } = {},
): NodeRecord {
  const consumers = options.consumers ?? [0, 0];
  return {
    nodeId,
    incarnation: `${nodeId}-1`,
    internalUrl: `http://${nodeId}.internal:4000`,
    mediaAddress: '192.0.2.1',
    pipeAddress: '10.0.0.1',
    version: '1.0.0',
    state: options.state ?? 'SERVING',
    consumersPerWorker: options.perWorker ?? 4,
    updatedAt: NOW - (options.age ?? 0),
    workers: consumers.map((count, index) => ({
      index,
      pid: 100 + index,
      routers: options.routers?.[index] ?? 0,
      transports: 0,
      producers: 0,
      consumers: count,
      bitrateIn: 0,
      bitrateOut: 0,
      cpu: 0,
      draining: false,
    })),
  };
}

describe('placing rooms by load', () => {
  it('counts capacity as workers × consumers per worker, load as consumers, rooms as routers', () => {
    const n = node('a', { consumers: [3, 1, 0], routers: [2, 1, 0], perWorker: 10 });
    expect(capacityOf(n)).toBe(30);
    expect(loadOf(n)).toBe(4);
    expect(roomsOf(n)).toBe(3);
  });

  it.each([
    { name: 'fresh', age: 0, live: true },
    { name: 'at the bound', age: 3000, live: true },
    { name: 'one millisecond past three beats', age: 3001, live: false },
    { name: 'from a clock ahead of ours', age: -500, live: true },
  ])('a record $name is live: $live', ({ age, live }) => {
    expect(liveNodes([node('a', { age })], NOW, 3000).map((n) => n.nodeId)).toEqual(
      live ? ['a'] : [],
    );
  });

  const newHomeTable: Array<{ case: string; nodes: NodeRecord[]; home: string | undefined }> = [
    { case: 'no nodes', nodes: [], home: undefined },
    {
      case: 'the most spare consumers wins',
      nodes: [node('a', { consumers: [3, 3] }), node('b', { consumers: [1, 0] })],
      home: 'b',
    },
    {
      case: 'spare counts capacity, not only load (more workers)',
      nodes: [node('a', { consumers: [2, 2] }), node('b', { consumers: [2, 2, 0] })],
      home: 'b',
    },
    {
      case: 'a tie goes to fewer rooms',
      nodes: [
        node('a', { consumers: [1, 0], routers: [3, 0] }),
        node('b', { consumers: [0, 1], routers: [1, 0] }),
      ],
      home: 'b',
    },
    {
      case: 'a full tie goes to the smaller id, whatever the order',
      nodes: [node('c'), node('a'), node('b')],
      home: 'a',
    },
    {
      case: 'a draining node takes no new room, even when emptiest',
      nodes: [node('a', { state: 'DRAINING' }), node('b', { consumers: [4, 3] })],
      home: 'b',
    },
    {
      case: 'a full node takes no new room',
      nodes: [node('a', { consumers: [4, 4] })],
      home: undefined,
    },
    {
      case: 'an overfull node takes no new room',
      nodes: [node('a', { consumers: [9, 4] }), node('b', { consumers: [4, 3] })],
      home: 'b',
    },
    {
      case: 'only draining nodes: nothing',
      nodes: [node('a', { state: 'DRAINING' }), node('b', { state: 'DRAINING' })],
      home: undefined,
    },
  ];
  it.each(newHomeTable)('a new room: $case → $home', ({ nodes, home }) => {
    expect(pickNewHome(nodes)?.nodeId).toBe(home);
    expect(pickNewHome([...nodes].reverse())?.nodeId).toBe(home);
  });

  const decideTable: Array<{
    case: string;
    nodes: NodeRecord[];
    recorded: string | undefined;
    decision: ReturnType<typeof decideHome>;
  }> = [
    {
      case: 'no home yet',
      nodes: [node('a'), node('b', { consumers: [1, 0] })],
      recorded: undefined,
      decision: { kind: 'place', nodeId: 'a', replaces: undefined },
    },
    {
      case: 'a live home is kept, even when another node is emptier',
      nodes: [node('a'), node('b', { consumers: [3, 3] })],
      recorded: 'b',
      decision: { kind: 'keep', nodeId: 'b' },
    },
    {
      case: 'a draining home is kept: its meeting goes on there',
      nodes: [node('a'), node('b', { state: 'DRAINING' })],
      recorded: 'b',
      decision: { kind: 'keep', nodeId: 'b' },
    },
    {
      case: 'a home whose node is gone is replaced',
      nodes: [node('a')],
      recorded: 'gone',
      decision: { kind: 'place', nodeId: 'a', replaces: 'gone' },
    },
    {
      case: 'a home whose node is gone and nothing else serves',
      nodes: [node('a', { state: 'DRAINING' })],
      recorded: 'gone',
      decision: { kind: 'full' },
    },
    {
      case: 'no home and every node full',
      nodes: [node('a', { consumers: [4, 4] }), node('b', { consumers: [5, 4] })],
      recorded: undefined,
      decision: { kind: 'full' },
    },
  ];
  it.each(decideTable)('a room’s home: $case', ({ nodes, recorded, decision }) => {
    expect(decideHome(nodes, recorded)).toEqual(decision);
  });

  const peerTable: Array<{
    case: string;
    nodes: NodeRecord[];
    roomNodes: string[];
    current?: string;
    decision: ReturnType<typeof decidePeerNode>;
  }> = [
    {
      case: 'a peer already on a live node stays, even a full or draining one',
      nodes: [node('a', { consumers: [4, 4], state: 'DRAINING' }), node('b')],
      roomNodes: ['b', 'a'],
      current: 'a',
      decision: { kind: 'keep', nodeId: 'a' },
    },
    {
      case: 'a newcomer goes to the home while it has room',
      nodes: [node('a', { consumers: [4, 3] }), node('b')],
      roomNodes: ['a'],
      decision: { kind: 'place', nodeId: 'a', replaces: undefined },
    },
    {
      case: 'a full home sends it to another node of the room before a new one',
      nodes: [node('a', { consumers: [4, 4] }), node('b', { consumers: [4, 3] }), node('c')],
      roomNodes: ['a', 'b'],
      decision: { kind: 'place', nodeId: 'b', replaces: undefined },
    },
    {
      case: 'of the other room nodes, the one with most spare capacity',
      nodes: [
        node('a', { consumers: [4, 4] }),
        node('b', { consumers: [4, 3] }),
        node('c', { consumers: [1, 0] }),
      ],
      roomNodes: ['a', 'b', 'c'],
      decision: { kind: 'place', nodeId: 'c', replaces: undefined },
    },
    {
      case: 'a draining home: the room spans the least-loaded serving node',
      nodes: [node('a', { state: 'DRAINING' }), node('b', { consumers: [3, 3] }), node('c')],
      roomNodes: ['a'],
      decision: { kind: 'place', nodeId: 'c', replaces: undefined },
    },
    {
      case: 'a peer whose node left the registry is placed again',
      nodes: [node('b')],
      roomNodes: ['a', 'b'],
      current: 'a',
      decision: { kind: 'place', nodeId: 'b', replaces: 'a' },
    },
    {
      case: 'every serving node full: a draining room node with room still takes it',
      nodes: [
        node('a', { state: 'DRAINING', consumers: [1, 0] }),
        node('b', { consumers: [4, 4] }),
      ],
      roomNodes: ['a'],
      decision: { kind: 'place', nodeId: 'a', replaces: undefined },
    },
    {
      case: 'nothing has room: full',
      nodes: [node('a', { consumers: [4, 4] }), node('b', { consumers: [4, 4] })],
      roomNodes: ['a'],
      decision: { kind: 'full' },
    },
    {
      case: 'a draining node outside the room is never chosen',
      nodes: [node('a', { consumers: [4, 4] }), node('b', { state: 'DRAINING' })],
      roomNodes: ['a'],
      decision: { kind: 'full' },
    },
    {
      case: 'room nodes that left the registry are skipped',
      nodes: [node('c')],
      roomNodes: ['a', 'b'],
      decision: { kind: 'place', nodeId: 'c', replaces: undefined },
    },
  ];
  it.each(peerTable)('a peer’s node: $case', ({ nodes, roomNodes, current, decision }) => {
    expect(decidePeerNode(nodes, roomNodes, current)).toEqual(decision);
  });

  it('a draining node that migrated the room away keeps neither the room nor its peers', () => {
    const nodes = [node('a', { state: 'DRAINING' }), node('b', { consumers: [1, 0] })];
    // Still there: the meeting goes on where it is.
    expect(decideHome(nodes, 'a', true)).toEqual({ kind: 'keep', nodeId: 'a' });
    expect(decidePeerNode(nodes, ['a'], 'a', true)).toEqual({ kind: 'keep', nodeId: 'a' });
    // Closed there (migrated): placed anew, over the old record.
    expect(decideHome(nodes, 'a', false)).toEqual({ kind: 'place', nodeId: 'b', replaces: 'a' });
    expect(decidePeerNode(nodes, ['a'], 'a', false)).toEqual({
      kind: 'place',
      nodeId: 'b',
      replaces: 'a',
    });
    // A serving node keeps them whatever is asked (it is not migrating).
    const serving = [node('a'), node('b')];
    expect(decideHome(serving, 'a', false)).toEqual({ kind: 'keep', nodeId: 'a' });
    expect(decidePeerNode(serving, ['a'], 'a', false)).toEqual({ kind: 'keep', nodeId: 'a' });
  });

  it('decides the same whatever the order of the snapshot', () => {
    const nodes = [node('c', { consumers: [1, 1] }), node('b', { consumers: [1, 1] })];
    const full = node('a', { consumers: [4, 4] });
    expect(decidePeerNode([full, ...nodes], ['a'], undefined)).toEqual(
      decidePeerNode([...nodes].reverse().concat(full), ['a'], undefined),
    );
    expect(decidePeerNode([full, ...nodes], ['a'], undefined)).toMatchObject({ nodeId: 'b' });
  });
});
