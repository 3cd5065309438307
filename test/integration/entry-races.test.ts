// Entries that race: the role a newcomer gets is settled atomically in the
// room state, and so must be what that role exempts them from. Two would-be
// hosts of a passcode room without a host: one hosts, the other gives the
// passcode like anyone else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling/protocol/index.js';
import { createMemoryStateStore, type RoomStateStore } from '../../signaling/rooms/stateStore.js';
import { connectClient, type TestClient } from '../harness/client.js';
import { startTestServer, type TestServer } from '../harness/server.js';

/**
 * The real memory store, with a gate: once armed for a room, its next two
 * reads of that room are held until both have been made, so both entries
 * decide on the same state before either writes — the interleaving two nodes
 * (or a slow store) produce on their own.
 */
function gatedStore(inner: RoomStateStore) {
  let gate: { room: string; held: (() => void)[] } | undefined;
  const store: RoomStateStore = {
    async read(room) {
      const armed = gate;
      if (armed && armed.room === room) {
        await new Promise<void>((release) => {
          armed.held.push(release);
          if (armed.held.length === 2) {
            gate = undefined;
            for (const r of armed.held) r();
          }
        });
      }
      return inner.read(room);
    },
    update: (room, change) => inner.update(room, change),
    close: () => inner.close(),
  };
  return {
    store,
    arm(room: string) {
      gate = { room, held: [] };
    },
  };
}

describe('entries that race (embedded mode: the first to arrive hosts)', () => {
  const gated = gatedStore(createMemoryStateStore());
  let server: TestServer;
  const clients: TestClient[] = [];
  const connect = async () => {
    const c = await connectClient(server.url);
    clients.push(c);
    return c;
  };
  const tryJoin = (c: TestClient, room: string, displayName: string, passcode?: string) =>
    c.send('join', {
      room,
      displayName,
      protocolVersion: PROTOCOL_VERSION,
      ...(passcode === undefined ? {} : { passcode }),
    });

  beforeAll(async () => {
    server = await startTestServer({ store: gated.store });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('two would-be hosts of a passcode room: one hosts, the other is asked for the passcode', async () => {
    // A room with a passcode and a lobby whose host has left: someone still
    // waits in the lobby, so the room (and its passcode) stays, hostless.
    const host = await connect();
    await host.join('vault', 'Host');
    await host.request('setPasscode', { passcode: '4711' });
    await host.request('setLobby', { enabled: true });
    const waiting = await connect();
    expect(await tryJoin(waiting, 'vault', 'Waiting', '4711')).toMatchObject({
      ok: true,
      data: { status: 'lobby' },
    });
    await host.request('leave', {});

    gated.arm('vault');
    const [first, second] = await Promise.all([
      connect().then((c) => tryJoin(c, 'vault', 'First')),
      connect().then((c) => tryJoin(c, 'vault', 'Second')),
    ]);
    const replies = [first, second];
    const hosts = replies.filter(
      (r) => r.ok && r.data.status === 'joined' && r.data.role === 'host',
    );
    expect(hosts).toHaveLength(1);
    const other = replies.find((r) => !hosts.includes(r))!;
    // Never let in without the passcode: asked for it (or, at most, waiting).
    if (other.ok) expect(other.data.status).toBe('lobby');
    else expect(other.error.code).toBe('PASSCODE_REQUIRED');
  });

  it('two would-be hosts of a lobby room: the one who is not host waits in the lobby', async () => {
    const host = await connect();
    await host.join('hall', 'Host');
    await host.request('setLobby', { enabled: true });
    const waiting = await connect();
    expect(await tryJoin(waiting, 'hall', 'Waiting')).toMatchObject({
      ok: true,
      data: { status: 'lobby' },
    });
    await host.request('leave', {});

    gated.arm('hall');
    const replies = await Promise.all([
      connect().then((c) => tryJoin(c, 'hall', 'First')),
      connect().then((c) => tryJoin(c, 'hall', 'Second')),
    ]);
    const statuses = replies.map((r) =>
      r.ok ? (r.data.status === 'joined' ? r.data.role : 'lobby') : r.error.code,
    );
    expect(statuses.sort()).toEqual(['host', 'lobby']);
  });
});
