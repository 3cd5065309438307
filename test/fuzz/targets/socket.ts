// The signaling socket as a target: every request type, sent valid-shaped
// and mutated by connections in each state a client can be in (joined as
// host or participant of a room of their own, connected but not joined),
// plus unknown event names, messages without an ack, floods, malformed
// frames and forged handshake credentials. Each connection comes from its
// own loopback address and sends fewer messages than one connection's
// burst allowance, so what is measured is the handlers, not the limiter
// (floods measure the limiter).
import {
  ERROR_CODES,
  PROTOCOL_VERSION,
  requests,
  requestTypes,
  type RequestType,
} from '../../../signaling/protocol/index.js';
import { substitute, type SocketCase, type WireArgument } from '../cases.js';
import { mutate } from '../mutate.js';
import { nastyString, nastyValue } from '../nasty.js';
import { judgeSocketReply, type Verdict } from '../oracles.js';
import type { Random } from '../../harness/random.js';
import { connectRaw, type RawArgument, type RawOutcome, type RawSocket } from '../rawSocket.js';
import { harvest, jsonSchemas, sample, type SampleHints } from '../sample.js';
import { record, toWire, type WireValue } from '../wire.js';
import { refusedBySocketIo } from '../refusals.js';
import { freshLoopbackAddress, fromBase64, Tally, toBase64, confirmClosed } from './common.js';
import { AUTH_SAMPLES, FRAMES, UNKNOWN_EVENTS } from './socketSamples.js';

/** socket.io's own frame limit on the signaling server (maxHttpBufferSize). */
const FRAME_LIMIT = 1_000_000;
/** Messages one connection sends: below the per-connection burst (60). */
const PER_CONNECTION = 40;

const schemas = jsonSchemas(requestTypes, (t) => requests[t].request);

interface Actor {
  raw: RawSocket;
  /** Closes its connection (and its room's host's, for a participant made to replay). */
  close(): void;
  as: 'anonymous' | 'participant' | 'host';
  room: string;
  pools: Map<string, string[]>;
  routerCaps: WireValue | undefined;
  /** A host removed it, banned it or ended its meeting (the server then drops the connection). */
  removed: boolean;
}

export interface SocketTargetOptions {
  url: string;
  random: Random;
  /** Ids of the meeting under way: named now and then, they must be NOT_FOUND from another room. */
  meetingIds: () => string[];
  staffToken: () => Promise<string>;
  /** Rooms of this run are named with it (the table of live rooms shows them). */
  label: string;
}

const argumentsOf = (values: WireValue[]): RawArgument[] => values.map((v) => toWire(v));
const toCaseArgs = (args: RawArgument[]): WireArgument[] =>
  args.map((a) => ({
    text: a.text,
    ...(a.attachments.length ? { attachments: toBase64(a.attachments) } : {}),
  }));
const fromCaseArgs = (args: WireArgument[]): RawArgument[] =>
  args.map((a) => ({ text: a.text, attachments: fromBase64(a.attachments) }));

/**
 * What the outcome of an emitted message says, given what was sent. The
 * product never drops a connection for what it was sent (only a host's
 * removal does), so a dropped connection is a finding unless socket.io
 * itself refused the frame: past its size limit, or a binary packet nested
 * deeper than its parser's reconstruction recurses.
 */
function judgeOutcome(
  outcome: RawOutcome,
  event: unknown,
  cutBy: string | undefined,
  removed = false,
): Verdict {
  switch (outcome.kind) {
    case 'reply':
      return judgeSocketReply(event, outcome.reply);
    case 'sent':
      return { code: 'no-ack' };
    case 'timeout':
      return { code: 'timeout', finding: 'no reply within 15 s' };
    case 'closed':
      if (removed) return { code: 'closed (removed by the host)' };
      if (cutBy) return { code: `closed (${cutBy})` };
      return {
        code: 'closed',
        finding: `the server dropped the connection (${outcome.reason}) instead of replying`,
      };
  }
}

export function createSocketTarget(options: SocketTargetOptions) {
  const { url, random } = options;
  const tally = new Tally('socket');
  let rooms = 0;
  const roomName = () => `fz-${options.label}-${(rooms += 1)}`;

  function hints(actor: Actor): SampleHints {
    return {
      pools: actor.pools,
      fixed: {
        protocolVersion: (r) =>
          r.chance(0.9) ? PROTOCOL_VERSION : r.pick(['1.0', '3.0', '2.99', '0.0']),
        room: (r) => (r.chance(0.9) ? actor.room : r.pick(['', 'a'.repeat(65), 'комната', 'x y'])),
        displayName: (r) => r.pick(['Фаззер', 'Fuzzer', 'Ω', 'fuzz bot']),
        rtpCapabilities: () => actor.routerCaps ?? record([['codecs', []]]),
        dtlsParameters: (r) =>
          record([
            ['role', r.pick(['client', 'server', 'auto'])],
            [
              'fingerprints',
              [
                record([
                  ['algorithm', 'sha-256'],
                  ['value', `${'AB:'.repeat(31)}AB`],
                ]),
              ],
            ],
          ]),
      },
    };
  }

  /** Learns ids from a reply or notification; the meeting's are added now and then on purpose. */
  function learn(actor: Actor, event: string, data: unknown): void {
    const found = new Map<string, string[]>();
    harvest(data, found, new Set(options.meetingIds()));
    const rename: Record<string, string> = { join: 'peerId', createTransport: 'transportId' };
    for (const [key, values] of found) {
      const target = key === 'id' && rename[event] ? rename[event]! : key;
      const pool = actor.pools.get(target) ?? [];
      for (const v of values) if (!pool.includes(v)) pool.push(v);
      actor.pools.set(target, pool.slice(-32));
    }
    if (
      event === 'join' &&
      typeof data === 'object' &&
      data !== null &&
      'routerRtpCapabilities' in data
    )
      actor.routerCaps = (data as { routerRtpCapabilities: WireValue }).routerRtpCapabilities;
  }

  async function openActor(
    as: Actor['as'],
    room: string,
    staff: boolean,
  ): Promise<Actor | undefined> {
    const connected = await connectRaw(url, {
      localAddress: freshLoopbackAddress(),
      refuses: refusedBySocketIo(FRAME_LIMIT),
      ...(staff ? { auth: { token: await options.staffToken() } } : {}),
    });
    if ('refused' in connected) {
      tally.count('connect', `refused ${String(connected.refused.code)}`);
      return undefined;
    }
    const actor: Actor = {
      raw: connected,
      close: () => connected.close(),
      as,
      room,
      pools: new Map(),
      routerCaps: undefined,
      removed: false,
    };
    connected.socket.onAny((event: string, payload: unknown) => {
      if (event === 'removed') actor.removed = true;
      learn(actor, event, payload);
    });
    if (as !== 'anonymous') {
      const join = record([
        ['room', room],
        ['displayName', as === 'host' ? 'Fuzz host' : 'Fuzz participant'],
        ['protocolVersion', PROTOCOL_VERSION],
      ]);
      await send(actor, '"join"', argumentsOf([join]), true, 'join', [], 'setup');
    }
    return actor;
  }

  async function send(
    actor: Actor,
    eventText: string,
    args: RawArgument[],
    ack: boolean,
    what: string,
    mutations: string[],
    kind: string,
  ): Promise<{ outcome: RawOutcome; verdict: Verdict }> {
    const outcome = await actor.raw.send(eventText, args, ack);
    const event: unknown = JSON.parse(eventText);
    const input: SocketCase = {
      target: 'socket',
      as: actor.as,
      event: eventText,
      args: toCaseArgs(args),
      ack,
    };
    const verdict = await confirmClosed(
      judgeOutcome(outcome, event, actor.raw.cutBy, actor.removed),
      kind,
      () => replay(input, 'confirm'),
    );
    tally.judge(kind, verdict, { as: actor.as, what, mutations, input }, `${actor.as} ${what}`);
    if (outcome.kind === 'reply') {
      const reply = outcome.reply as { ok?: boolean; data?: unknown };
      if (reply?.ok) learn(actor, typeof event === 'string' ? event : '', reply.data);
    }
    return { outcome, verdict };
  }

  /** One generated message: a request type (valid-shaped or mutated) or an unknown event. */
  async function fuzzOne(actor: Actor): Promise<{ outcome: RawOutcome }> {
    if (random.chance(0.04)) {
      const name = random.chance(0.7) ? random.pick(UNKNOWN_EVENTS) : nastyString(random);
      const eventText = random.chance(0.9) ? JSON.stringify(name) : String(random.int(0, 99));
      return send(
        actor,
        eventText,
        argumentsOf([nastyValue(random)]),
        true,
        'unknown event',
        [],
        'unknown event',
      );
    }
    return sendType(actor, random.pick(requestTypes), random.chance(0.8), random.chance(0.95));
  }

  /** One request of `type`: valid-shaped, or mutated (now and then without a payload, or with one too many). */
  function sendType(actor: Actor, type: RequestType, mutated: boolean, ack = true) {
    const valid = sample(schemas[type], random, hints(actor));
    const made = mutated ? mutate(valid, random) : { value: valid, mutations: [] };
    let values: WireValue[] = [made.value];
    let mutations = made.mutations;
    const shape = mutated ? random.next() : 1;
    if (shape < 0.03) {
      values = [];
      mutations = [...mutations, 'no-payload'];
    } else if (shape < 0.06) {
      values = [made.value, nastyValue(random)];
      mutations = [...mutations, 'extra-argument'];
    }
    const kind = !ack ? 'no ack' : mutations.length === 0 ? 'valid-shaped' : 'mutated';
    return send(actor, JSON.stringify(type), argumentsOf(values), ack, type, mutations, kind);
  }

  /**
   * Every request type, once valid-shaped and once mutated, from a host, a
   * participant and a connection that has not joined: whatever the random
   * part of the run picks, each of them was sent. The ones that end the
   * caller's membership come last.
   */
  async function sweep(): Promise<void> {
    const ending: RequestType[] = [
      'removeParticipant',
      'banParticipant',
      'transferHost',
      'leave',
      'endMeeting',
    ];
    const order = [...requestTypes.filter((t) => !ending.includes(t)), ...ending];
    for (const as of ['host', 'participant', 'anonymous'] as const) {
      for (const mutated of [false, true]) {
        const room = roomName();
        const host = as === 'anonymous' ? undefined : await openActor('host', room, mutated);
        const participant =
          as === 'participant' ? await openActor('participant', room, false) : undefined;
        const actor =
          as === 'host'
            ? host
            : as === 'participant'
              ? participant
              : await openActor('anonymous', room, false);
        try {
          if (actor) for (const type of order) await sendType(actor, type, mutated);
        } finally {
          host?.close();
          participant?.close();
          if (as === 'anonymous') actor?.close();
        }
      }
    }
    // Each unknown event name, malformed frame and forged credential once, and one flood.
    const stranger = await openActor('anonymous', roomName(), false);
    if (stranger) {
      for (const name of UNKNOWN_EVENTS)
        await send(
          stranger,
          JSON.stringify(name),
          argumentsOf([{}]),
          true,
          'unknown event',
          [],
          'unknown event',
        );
      stranger.close();
    }
    for (const frame of FRAMES) await sendFrames([frame]);
    const valid = await options.staffToken();
    for (const auth of AUTH_SAMPLES(valid)) await handshake(auth, valid);
    await flood(100);
  }

  async function drive(actor: Actor, budget: number): Promise<void> {
    for (let i = 0; i < budget; i += 1) {
      const { outcome } = await fuzzOne(actor);
      if (outcome.kind === 'closed') return;
    }
  }

  /** A room of two: a host and a participant, fuzzing side by side. */
  async function pair(budget: number): Promise<void> {
    const room = roomName();
    const host = await openActor('host', room, random.chance(0.5));
    const participant = host && (await openActor('participant', room, false));
    try {
      if (host && participant) {
        await Promise.all([
          drive(host, Math.ceil(budget / 2)),
          drive(participant, Math.floor(budget / 2)),
        ]);
      }
    } finally {
      host?.close();
      participant?.close();
    }
  }

  async function anonymous(budget: number): Promise<void> {
    const actor = await openActor('anonymous', roomName(), false);
    if (!actor) return;
    // Now and then the meeting's ids are named: from outside they must be unknown.
    actor.pools.set('peerId', options.meetingIds().slice(0, 2));
    try {
      await drive(actor, budget);
    } finally {
      actor.close();
    }
  }

  /** One connection sends far more than its allowance at once: every reply is still well-formed. */
  async function flood(budget: number): Promise<void> {
    const actor = await openActor('participant', roomName(), false);
    if (!actor) return;
    try {
      const types: RequestType[] = ['raiseHand', 'lowerHand', 'react', 'sendChat', 'muteAll'];
      await Promise.all(
        Array.from({ length: budget }, (_, i) => {
          const type = types[i % types.length]!;
          const value = sample(schemas[type], random, hints(actor));
          const ack = i % 4 !== 0;
          return send(
            actor,
            JSON.stringify(type),
            argumentsOf([value]),
            ack,
            `${type} (flood)`,
            ['flood'],
            'flood',
          );
        }),
      );
    } finally {
      actor.close();
    }
  }

  async function frames(count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      const frame = random.pick(FRAMES);
      await sendFrames([frame]);
    }
  }

  /** Frames on a fresh connection, then a request: either answered or the connection was cut. */
  async function sendFrames(list: (string | { base64: string })[]): Promise<Verdict> {
    const connected = await connectRaw(url, { localAddress: freshLoopbackAddress() });
    if ('refused' in connected) {
      tally.count('frames', `refused ${String(connected.refused.code)}`);
      return { code: 'refused', finding: 'could not connect' };
    }
    try {
      for (const frame of list)
        connected.sendFrame(
          typeof frame === 'string' ? frame : Buffer.from(frame.base64, 'base64'),
        );
      const outcome = await connected.send('"leave"', argumentsOf([{}]), true);
      // A malformed frame may cut the connection (socket.io's parser refuses it): not a finding.
      const verdict: Verdict =
        outcome.kind === 'closed'
          ? { code: 'closed (malformed frame)' }
          : judgeOutcome(outcome, 'leave', undefined);
      const input: SocketCase = { target: 'socket', as: 'frames', frames: list };
      tally.judge('frames', verdict, { as: 'frames', what: 'frames', mutations: [], input });
      return verdict;
    } finally {
      connected.close();
    }
  }

  async function handshakes(count: number): Promise<void> {
    const valid = await options.staffToken();
    for (let i = 0; i < count; i += 1) await handshake(random.pick(AUTH_SAMPLES(valid)), valid);
  }

  async function handshake(auth: unknown, valid: string): Promise<Verdict> {
    const connected = await connectRaw(url, {
      localAddress: freshLoopbackAddress(),
      auth,
      timeoutMs: 15_000,
    });
    const isObject = typeof auth === 'object' && auth !== null && !Array.isArray(auth);
    const credentials = isObject ? (auth as Record<string, unknown>) : {};
    // A valid staff token wins over anything beside it; otherwise any token or invite given is forged.
    const forged =
      credentials['token'] !== valid &&
      (Object.hasOwn(credentials, 'token') || Object.hasOwn(credentials, 'invite'));
    let verdict: Verdict;
    if ('refused' in connected) {
      const code = connected.refused.code;
      if (code === undefined && !isObject) verdict = { code: 'refused (malformed handshake)' };
      else if (
        typeof code === 'string' &&
        (ERROR_CODES as readonly string[]).includes(code) &&
        code !== 'INTERNAL'
      )
        verdict = { code: `refused ${code}` };
      else
        verdict = {
          code: `refused ${String(code)}`,
          finding: `handshake refused with ${String(code)}: ${connected.refused.message}`,
        };
    } else {
      connected.close();
      verdict = forged
        ? { code: 'accepted', finding: 'a connection with forged credentials was accepted' }
        : { code: 'accepted' };
    }
    const input: SocketCase = { target: 'socket', as: 'handshake', auth };
    tally.judge('handshake', verdict, { as: 'handshake', what: 'handshake', mutations: [], input });
    return verdict;
  }

  return {
    tally,
    sweep,
    /** Every request type as each caller sends it, as `covered` names them. */
    expected: (): string[] =>
      (['host', 'participant', 'anonymous'] as const).flatMap((as) =>
        requestTypes.map((t) => `${as} ${t}`),
      ),
    /** Sends about `count` messages, `concurrency` connections or rooms at a time. */
    async run(count: number, concurrency = 3): Promise<void> {
      const goal = tally.messages + count;
      const worker = async () => {
        for (let left = goal - tally.messages; left > 0; left = goal - tally.messages) {
          const r = random.next();
          const budget = Math.min(left, PER_CONNECTION);
          if (r < 0.55) await pair(budget * 2);
          else if (r < 0.75) await anonymous(budget);
          else if (r < 0.8) await flood(Math.min(left, 150));
          else if (r < 0.9) await frames(Math.min(left, 3));
          else await handshakes(Math.min(left, 3));
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    },
    replay: (input: SocketCase) => replay(input, 'corpus'),
    /** Kept message cases on one connection in turn (CorpusEntry.session). */
    async replaySession(cases: SocketCase[]): Promise<Verdict[]> {
      const messages = cases.filter((c) => c.as !== 'frames' && c.as !== 'handshake');
      const first = messages[0];
      if (!first || messages.length !== cases.length)
        return [{ code: 'unusable', finding: 'a session replays message cases only' }];
      const actor =
        first.as === 'participant'
          ? await pairedParticipant()
          : await openActor(first.as, roomName(), false);
      if (!actor) return [{ code: 'refused', finding: 'could not connect to replay' }];
      try {
        const verdicts: Verdict[] = [];
        for (const c of messages) {
          const args = fromCaseArgs(
            c.args.map((a) => ({ ...a, text: substitute(a.text, actor.pools) })),
          );
          verdicts.push((await send(actor, c.event, args, c.ack, 'replay', [], 'corpus')).verdict);
        }
        return verdicts;
      } finally {
        actor.close();
      }
    },
  };

  /** Sends one kept case as it was recorded, as `kind`; the oracle's verdict. */
  async function replay(input: SocketCase, kind: string): Promise<Verdict> {
    if (input.as === 'frames') return sendFrames(input.frames);
    if (input.as === 'handshake') return handshake(input.auth, await options.staffToken());
    const actor =
      input.as === 'participant'
        ? await pairedParticipant()
        : await openActor(input.as, roomName(), false);
    if (!actor) return { code: 'refused', finding: 'could not connect to replay' };
    try {
      const { verdict } = await send(
        actor,
        input.event,
        fromCaseArgs(input.args),
        input.ack,
        'replay',
        [],
        kind,
      );
      return verdict;
    } finally {
      actor.close();
    }
  }

  /** A participant of a room whose host is connected (closed with it). */
  async function pairedParticipant(): Promise<Actor | undefined> {
    const room = roomName();
    const host = await openActor('host', room, false);
    const participant = host && (await openActor('participant', room, false));
    if (!participant) {
      host?.close();
      return undefined;
    }
    return { ...participant, close: () => (participant.close(), host.close()) };
  }
}
