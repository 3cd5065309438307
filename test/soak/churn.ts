// The soak's churn: a few lanes, each taking one action after another on the
// deployment, chosen by a seeded generator — join (a protocol client or,
// up to a bound, a WebRTC peer sending audio and video), leave, close the
// page, drop the connection (back within the grace period, or never),
// produce or replace a camera, pause or resume a producer or a consumer,
// chat, and now and then everyone leaving one room so the meeting ends.
// A room that ended is never joined again: the next joiners of its slot open
// a room of a new name, so the keys of every ended room can be looked for.
import {
  closeActor,
  connectionOf,
  countError,
  dropActor,
  joinActor,
  produceActor,
  returnActor,
  roomName,
  toggleMedia,
  type Actor,
  type ChurnCounts,
  type RoomSlot,
} from './actors.js';
import type { Random } from '../harness/random.js';

export interface ChurnOptions {
  /** Signaling nodes' URLs. */
  urls: readonly string[];
  /** Room names are `<prefix>-<slot>-<generation>`. */
  roomPrefix: string;
  rooms: number;
  /** At most this many participants at once. */
  clients: number;
  /** Of which at most this many WebRTC peers. */
  media: number;
  lanes: number;
  /** The deployment's reconnect grace, ms: a return is planned well within it. */
  graceMs: number;
  random: Random;
  counts: ChurnCounts;
}

export interface Churn {
  /** Runs the lanes until `untilMs` (performance.now()), then waits for returns under way. */
  run(untilMs: number): Promise<void>;
  /** Everyone still in leaves: some say goodbye, some close the page, some just drop. */
  windDown(): Promise<void>;
  /** Every room name used so far (all ended after `windDown`). */
  readonly roomNames: ReadonlySet<string>;
}

type Action =
  | 'join'
  | 'leave'
  | 'closePage'
  | 'drop'
  | 'chat'
  | 'produce'
  | 'pauseProducer'
  | 'pauseConsumer'
  | 'endRoom';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createChurn(options: ChurnOptions): Churn {
  const { random, counts, urls } = options;
  const slots: RoomSlot[] = Array.from({ length: options.rooms }, (_, index) => ({
    index,
    generation: 1,
    members: new Set<Actor>(),
  }));
  const actors = new Set<Actor>();
  const roomNames = new Set<string>();
  /** Returns planned after drops: awaited before the wind-down. */
  const returns = new Set<Promise<void>>();
  let nextId = 1;

  /** The actor is out of its room (left, closed, or abandoned): the room ends with its last one. */
  function forget(actor: Actor): void {
    actor.state = 'gone';
    actors.delete(actor);
    const slot = actor.slot;
    if (!slot.members.delete(actor) || slot.members.size > 0) return;
    counts.roomsEnded += 1;
    slot.generation += 1;
  }

  /** A failure the actor does not recover from: counted, and the actor is out. */
  async function giveUp(actor: Actor, error: unknown, action: string): Promise<void> {
    countError(counts, error, action);
    await closeActor(actor);
    forget(actor);
  }

  const idle = (filter: (a: Actor) => boolean = () => true) =>
    [...actors].filter((a) => a.state === 'in' && !a.busy && filter(a));
  const mediaCount = () => [...actors].filter((a) => a.media).length;
  const openConsumers = (a: Actor) =>
    [...(a.peer?.received ?? new Map()).entries()]
      .filter(([, stream]) => !stream.closed)
      .map(([id]) => id as string);
  const producersOf = (a: Actor) =>
    Object.values(a.peer?.producerIds ?? {}).filter((id): id is string => id !== undefined);
  /** Its connection is up (a protocol client broken by the server is gone for good). */
  const connected = (a: Actor) => {
    if (a.peer) return true; // a peer reconnects by itself
    return a.client?.socket.connected === true;
  };

  async function join(): Promise<void> {
    const slot = random.pick(slots);
    const media = mediaCount() < options.media && random.chance(0.5);
    const actor: Actor = {
      id: nextId,
      room: roomName(options.roomPrefix, slot),
      slot,
      displayName: `soak ${nextId}`,
      media,
      state: 'in',
      busy: true,
      url: random.pick(urls),
      sending: false,
      pausedProducers: new Set(),
      pausedConsumers: new Set(),
    };
    nextId += 1;
    roomNames.add(actor.room);
    actors.add(actor);
    slot.members.add(actor);
    try {
      await joinActor(actor, urls);
      counts.joins += 1;
      if (media) {
        counts.mediaJoins += 1;
        if (random.chance(0.7)) await produceActor(actor, counts);
      }
    } catch (error) {
      await giveUp(actor, error, 'join');
    } finally {
      actor.busy = false;
    }
  }

  async function leave(actor: Actor): Promise<void> {
    try {
      await connectionOf(actor).request('leave', {});
      counts.leaves += 1;
    } catch (error) {
      countError(counts, error, 'leave');
    }
    await closeActor(actor);
    forget(actor);
  }

  async function closePage(actor: Actor): Promise<void> {
    await closeActor(actor);
    counts.pageCloses += 1;
    forget(actor);
  }

  /** Drops the connection; comes back within the grace period, or never. */
  function drop(actor: Actor, mayReturn: boolean): void {
    dropActor(actor);
    actor.state = 'away';
    counts.drops += 1;
    if (!mayReturn || !random.chance(0.65)) {
      counts.abandoned += 1;
      void closeActor(actor);
      forget(actor);
      return;
    }
    const awayMs = random.int(0.1 * options.graceMs, 0.4 * options.graceMs);
    const url = random.pick(urls);
    const back = (async () => {
      await sleep(awayMs);
      try {
        await returnActor(actor, url, options.graceMs + 10_000);
        actor.state = 'in';
        counts.returns += 1;
      } catch (error) {
        await giveUp(actor, error, 'return');
      } finally {
        actor.busy = false;
      }
    })();
    returns.add(back);
    void back.finally(() => returns.delete(back));
  }

  async function onActor(action: Action, actor: Actor): Promise<void> {
    if (!connected(actor)) {
      // The server closed it (not something the churn did): it is out.
      await giveUp(actor, new Error('connection closed by the server'), action);
      return;
    }
    try {
      switch (action) {
        case 'leave':
          return await leave(actor);
        case 'closePage':
          return await closePage(actor);
        case 'drop':
          drop(actor, true);
          return;
        case 'chat':
          await connectionOf(actor).request('sendChat', { text: `hello from ${actor.id}` });
          counts.chats += 1;
          return;
        case 'produce':
          return await produceActor(actor, counts);
        case 'pauseProducer':
          return await toggleMedia(actor, 'producer', random.pick(producersOf(actor)), counts);
        case 'pauseConsumer':
          return await toggleMedia(actor, 'consumer', random.pick(openConsumers(actor)), counts);
        default:
          return;
      }
    } catch (error) {
      countError(counts, error, action);
    }
  }

  /** Everyone idle in one room leaves it, each in one of the ways people do. */
  async function endRoom(): Promise<void> {
    const slot = random.pick(slots.filter((s) => s.members.size > 0));
    const members = idle((a) => a.slot === slot);
    for (const actor of members) actor.busy = true;
    for (const actor of members) await goAway(actor);
  }

  async function goAway(actor: Actor): Promise<void> {
    const how = random.weighted({ leave: 3, closePage: 1, drop: 1 });
    if (how === 'drop') drop(actor, false);
    else await onActor(how ?? 'leave', actor);
  }

  function chooseAction(): Action | undefined {
    const inRoom = idle();
    const any = inRoom.length > 0 ? 1 : 0;
    return random.weighted<Action>({
      join: actors.size < options.clients ? 4 : 0,
      leave: any * 1,
      closePage: any * 0.5,
      drop: any * 0.8,
      chat: any * 1.5,
      produce: idle((a) => a.media).length > 0 ? 1 : 0,
      pauseProducer: idle((a) => producersOf(a).length > 0).length > 0 ? 1.5 : 0,
      pauseConsumer: idle((a) => openConsumers(a).length > 0).length > 0 ? 1.5 : 0,
      endRoom: any * 0.2,
    });
  }

  function actorFor(action: Action): Actor | undefined {
    const candidates =
      action === 'produce'
        ? idle((a) => a.media)
        : action === 'pauseProducer'
          ? idle((a) => producersOf(a).length > 0)
          : action === 'pauseConsumer'
            ? idle((a) => openConsumers(a).length > 0)
            : idle();
    return candidates.length > 0 ? random.pick(candidates) : undefined;
  }

  async function lane(untilMs: number): Promise<void> {
    while (performance.now() < untilMs) {
      const action = chooseAction();
      if (action === 'join') await join();
      else if (action === 'endRoom') await endRoom();
      else if (action !== undefined) {
        const actor = actorFor(action);
        if (actor) {
          actor.busy = true;
          try {
            await onActor(action, actor);
          } finally {
            if (actor.state === 'in') actor.busy = false;
          }
        }
      }
      await sleep(random.int(100, 500));
    }
  }

  return {
    roomNames,
    async run(untilMs) {
      await Promise.all(Array.from({ length: options.lanes }, () => lane(untilMs)));
      while (returns.size > 0) await Promise.all([...returns]);
    },
    async windDown() {
      while (returns.size > 0) await Promise.all([...returns]);
      for (const actor of [...actors]) {
        actor.busy = true;
        await goAway(actor);
      }
    },
  };
}
