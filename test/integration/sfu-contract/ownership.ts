// The contract's cases about who holds what and for how long: leases and
// their reaping, a whole node or one worker draining, and a room rebuilt
// under a new epoch when its worker dies. Registered by suite.ts with the
// target it runs against.
import { expect, it } from 'vitest';
import type { SfuApi, SfuEvent, SfuResponse } from '../../../sfu/api/index.js';
import { DEFAULT_MIGRATION_PACE } from '../../../sfu/index.js';
import { waitFor } from '../../harness/sfu.js';
import { expectSfuError, opusParameters } from './support/contract.js';

export interface ContractContext {
  /** The implementation under test (set once the suite's target started). */
  sfu(): SfuApi;
  /** Every event it sent so far, in order. */
  readonly events: readonly SfuEvent[];
  eventsOf(roomId: string): SfuEvent[];
}

/** Routers over the node's workers: a room on one worker counts one. */
const routersOf = (load: SfuResponse<'getLoad'>) => load.workers.reduce((n, w) => n + w.rooms, 0);

export function ownershipCases(ctx: ContractContext) {
  const { events, eventsOf } = ctx;
  const closedAs = (roomId: string, reason: string) =>
    eventsOf(roomId).some((e) => e.type === 'roomClosed' && e.reason === reason);
  it('reaps what an owner held once it stops renewing, but not what another owner adopted', async () => {
    const sfu = ctx.sfu();
    const lone = 'contract-lease-lone';
    const shared = 'contract-lease-shared';
    const gone = { owner: 'node-gone', leaseMs: 1000 };
    const live = { owner: 'node-live', leaseMs: 60_000 };
    await sfu.call('openRoom', { roomId: lone, ...gone });
    await sfu.call('attachPeer', { roomId: lone, peerId: 'p1', ...gone });
    await sfu.call('openRoom', { roomId: shared, ...live });
    await sfu.call('openRoom', { roomId: shared, ...gone });
    await sfu.call('attachPeer', { roomId: shared, peerId: 'kept', ...gone });
    await sfu.call('attachPeer', { roomId: shared, peerId: 'reaped', ...gone });
    await sfu.call('createWebRtcTransport', {
      roomId: shared,
      peerId: 'kept',
      direction: 'send',
    });
    // Its signaling node died; the participant resumed on another one, which adopts the peer.
    const adopted = await sfu.call('attachPeer', { roomId: shared, peerId: 'kept', ...live });
    expect(adopted).toMatchObject({ adopted: true, previousOwner: 'node-gone' });
    expect(adopted.transports).toHaveLength(1);
    expect(await sfu.call('renewLease', live)).toEqual({ rooms: 1, peers: 1 });
    expect(await sfu.call('renewLease', gone)).toEqual({ rooms: 2, peers: 2 });
    // node-gone renews no more.
    await waitFor(
      () =>
        eventsOf(lone).some(
          (e) => e.type === 'peerClosed' && e.peerId === 'p1' && e.reason === 'leaseExpired',
        ) &&
        eventsOf(lone).some((e) => e.type === 'roomClosed' && e.reason === 'noOwner') &&
        eventsOf(shared).some(
          (e) => e.type === 'peerClosed' && e.peerId === 'reaped' && e.reason === 'leaseExpired',
        ),
      'the expired owner’s peers reaped and its lone room closed',
    );
    expect(eventsOf(shared)).not.toContainEqual(
      expect.objectContaining({ type: 'peerClosed', peerId: 'kept' }),
    );
    expect(eventsOf(shared)).not.toContainEqual(expect.objectContaining({ type: 'roomClosed' }));
    expect(await sfu.call('inspectRoom', { roomId: shared })).toMatchObject({
      exists: true,
      peers: 1,
      transports: 1,
    });
    expect((await sfu.call('inspectRoom', { roomId: lone })).exists).toBe(false);
    expect(await sfu.call('renewLease', gone)).toEqual({ rooms: 0, peers: 0 });
    await sfu.call('closeRoom', { roomId: shared });
  });

  it('drains the whole node on request, and serves again', async () => {
    const sfu = ctx.sfu();
    expect((await sfu.call('getLoad', {})).state).toBe('SERVING');
    expect(await sfu.call('setNodeDraining', { draining: true })).toEqual({ state: 'DRAINING' });
    expect((await sfu.call('getLoad', {})).state).toBe('DRAINING');
    // What it carries keeps running: rooms still open (placement elsewhere is signaling's).
    await sfu.call('openRoom', { roomId: 'contract-node-drain' });
    await sfu.call('closeRoom', { roomId: 'contract-node-drain' });
    expect(await sfu.call('setNodeDraining', { draining: false })).toEqual({ state: 'SERVING' });
    expect((await sfu.call('getLoad', {})).state).toBe('SERVING');
  });

  it('drains with migration: every room it carries closes as migrated, and it ends empty', async () => {
    const sfu = ctx.sfu();
    const lease = { owner: 'node-m', leaseMs: 60_000 };
    const moved = ['contract-migrate-a', 'contract-migrate-b'];
    for (const roomId of moved) {
      await sfu.call('openRoom', { roomId, ...lease });
      await sfu.call('attachPeer', { roomId, peerId: 'p', ...lease });
      await sfu.call('createWebRtcTransport', { roomId, peerId: 'p', direction: 'send' });
    }
    expect(await sfu.call('setNodeDraining', { draining: true, migrate: true })).toEqual({
      state: 'DRAINING',
      rooms: expect.any(Number),
    });
    await waitFor(
      () => moved.every((roomId) => closedAs(roomId, 'migrated')),
      'every room closed as migrated',
    );
    // Rooms of earlier cases still open go the same way.
    await waitFor(
      async () => routersOf(await sfu.call('getLoad', {})) === 0,
      'the node carries no room',
      30_000,
    );
    const load = await sfu.call('getLoad', {});
    expect(load.state).toBe('DRAINING');
    expect(load.workers.reduce((n, w) => n + w.transports + w.consumers, 0)).toBe(0);
    // Their leases went with them: signaling opens the rooms elsewhere.
    expect(await sfu.call('renewLease', lease)).toEqual({ rooms: 0, peers: 0 });
    for (const roomId of moved) {
      expect((await sfu.call('inspectRoom', { roomId })).exists).toBe(false);
    }
    expect(await sfu.call('setNodeDraining', { draining: false })).toEqual({ state: 'SERVING' });
  });

  it('keeps a room opened during a migration, and stops migrating once it serves again', async () => {
    const sfu = ctx.sfu();
    const { batchRooms, pauseMs } = DEFAULT_MIGRATION_PACE;
    const rooms = (prefix: string) =>
      Array.from({ length: batchRooms + 2 }, (_, i) => `contract-${prefix}-${i}`);
    expect(routersOf(await sfu.call('getLoad', {}))).toBe(0);
    const found = rooms('migrated');
    for (const roomId of found) await sfu.call('openRoom', { roomId });
    // The first batch closed before the answer; the last two wait for the next.
    expect(await sfu.call('setNodeDraining', { draining: true, migrate: true })).toEqual({
      state: 'DRAINING',
      rooms: 2,
    });
    // Placed here in a race with the drain: a new room, and one of those
    // waiting that its owner closed and opened again.
    const late = 'contract-migrate-late';
    await sfu.call('openRoom', { roomId: late });
    const reopened = found.pop()!;
    await sfu.call('closeRoom', { roomId: reopened });
    await sfu.call('openRoom', { roomId: reopened });
    await waitFor(
      () => found.every((roomId) => closedAs(roomId, 'migrated')),
      'every room the drain found closed as migrated',
      30_000,
    );
    // A draining node keeps what it took on after the drain began.
    expect(closedAs(reopened, 'roomClosed')).toBe(true);
    expect(closedAs(reopened, 'migrated')).toBe(false);
    expect(eventsOf(late)).not.toContainEqual(expect.objectContaining({ type: 'roomClosed' }));
    for (const roomId of [late, reopened]) {
      expect((await sfu.call('inspectRoom', { roomId })).exists).toBe(true);
    }
    expect(routersOf(await sfu.call('getLoad', {}))).toBe(2);

    // Asked again it moves what it carries now; serving again stops it.
    const unreached = rooms('unreached');
    for (const roomId of unreached) await sfu.call('openRoom', { roomId });
    expect(await sfu.call('setNodeDraining', { draining: true, migrate: true })).toEqual({
      state: 'DRAINING',
      rooms: 4,
    });
    expect(await sfu.call('setNodeDraining', { draining: false })).toEqual({ state: 'SERVING' });
    // Well past the pause after which the next batch would have closed.
    await new Promise((resolve) => setTimeout(resolve, 3 * pauseMs));
    const open: string[] = [];
    for (const roomId of [late, reopened, ...unreached]) {
      if ((await sfu.call('inspectRoom', { roomId })).exists) open.push(roomId);
    }
    expect(open).toHaveLength(4);
    expect(await sfu.call('getLoad', {})).toMatchObject({ state: 'SERVING' });
    for (const roomId of open) await sfu.call('closeRoom', { roomId });
  });

  it('drains a worker without refusing rooms', async () => {
    const sfu = ctx.sfu();
    const before = await sfu.call('getLoad', {});
    expect(before.workers.length).toBeGreaterThan(0);
    expect(before.workers.every((w) => !w.draining)).toBe(true);
    expect(await sfu.call('setWorkerDraining', { workerIndex: 0, draining: true })).toEqual({
      workerIndex: 0,
      draining: true,
    });
    expect((await sfu.call('getLoad', {})).workers[0]?.draining).toBe(true);
    // Every worker draining still opens rooms (on the least loaded one).
    await sfu.call('openRoom', { roomId: 'contract-drain' });
    await sfu.call('closeRoom', { roomId: 'contract-drain' });
    await sfu.call('setWorkerDraining', { workerIndex: 0, draining: false });
    expect((await sfu.call('getLoad', {})).workers[0]?.draining).toBe(false);
    await expectSfuError(
      sfu.call('setWorkerDraining', { workerIndex: 63, draining: true }),
      'INVALID_REQUEST',
    );
  });

  it('rebuilds the room of a dead worker under a new epoch, with its owners and peers', async () => {
    const sfu = ctx.sfu();
    const roomId = 'contract-worker-death';
    const lease = { owner: 'node-a', leaseMs: 60_000 };
    const { epoch } = await sfu.call('openRoom', { roomId, ...lease });
    await sfu.call('attachPeer', { roomId, peerId: 'p', ...lease });
    await sfu.call('createWebRtcTransport', { roomId, peerId: 'p', direction: 'send' });
    const [first] = (await sfu.call('getLoad', {})).workers;
    process.kill(first!.pid, 'SIGKILL');
    await waitFor(
      () =>
        events.some((e) => e.type === 'workerDied' && e.pid === first!.pid && e.replaced) &&
        eventsOf(roomId).some((e) => e.type === 'roomMediaLost'),
      'worker death and lost room reported',
    );
    const lost = eventsOf(roomId).filter((e) => e.type === 'roomMediaLost');
    expect(lost).toEqual([
      {
        type: 'roomMediaLost',
        roomId,
        epoch,
        seq: expect.any(Number),
        reason: 'workerDied',
        nextEpoch: expect.any(String),
      },
    ]);
    const nextEpoch = lost[0]?.type === 'roomMediaLost' ? lost[0].nextEpoch : undefined;
    expect(nextEpoch).not.toBe(epoch);
    // The room is back at once under the announced epoch: its peer kept, without media.
    expect(await sfu.call('listProducers', { roomId })).toEqual({
      epoch: nextEpoch,
      seq: 0,
      producers: [],
    });
    expect(await sfu.call('inspectRoom', { roomId })).toEqual({
      exists: true,
      epoch: nextEpoch,
      peers: 1,
      transports: 0,
      producers: 0,
      consumers: 0,
      routers: 1,
      pipeTransports: 0,
      pipedProducers: 0,
    });
    expect(await sfu.call('renewLease', lease)).toEqual({ rooms: 1, peers: 1 });
    expect(await sfu.call('attachPeer', { roomId, peerId: 'p', ...lease })).toEqual({
      epoch: nextEpoch,
      adopted: true,
      previousOwner: 'node-a',
      transports: [],
      producers: [],
      consumers: [],
    });
    // Its events carry the new epoch, numbered from 1 again.
    const send = await sfu.call('createWebRtcTransport', {
      roomId,
      peerId: 'p',
      direction: 'send',
    });
    const { producerId } = await sfu.call('produce', {
      roomId,
      peerId: 'p',
      transportId: send.id,
      kind: 'audio',
      rtpParameters: opusParameters(31),
      label: 'mic',
    });
    await sfu.call('pauseProducer', { roomId, peerId: 'p', producerId });
    await waitFor(
      () => eventsOf(roomId).some((e) => e.type === 'producerPaused'),
      'events of the new epoch received',
    );
    const after = eventsOf(roomId).filter((e) => 'epoch' in e && e.epoch === nextEpoch);
    expect(after.map((e) => [e.type, 'seq' in e ? e.seq : 0])).toEqual([
      ['producerOpened', 1],
      ['producerPaused', 2],
    ]);
    const load = await sfu.call('getLoad', {});
    expect(load.workers[0]?.pid).not.toBe(first!.pid);
    expect(load.workers[0]?.rooms).toBeGreaterThanOrEqual(1);
    await sfu.call('closeRoom', { roomId });
  });
}
