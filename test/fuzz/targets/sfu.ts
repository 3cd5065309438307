// The SFU node's internal endpoint as a target. A caller holding the shared
// secret is the worst internal caller there is: it sends every method of
// the SfuApi valid-shaped and mutated, broken envelopes, subscriptions,
// unknown events, calls without an ack and floods. Callers without the
// secret must never get in. The meeting under way lives on this node: its
// room is never named, and a call that would drain the node with migration
// (closing every room, the meeting's too) is sent without the migration.
import { sfuMethodNames, sfuMethods, type SfuMethodName } from '../../../sfu/api/methods.js';
import { SFU_ENDPOINT_PATH } from '../../../sfu/api/wire.js';
import { substitute, type SfuCase, type WireArgument } from '../cases.js';
import { mutate } from '../mutate.js';
import { nastyString, nastyValue } from '../nasty.js';
import { judgeSfuReply, type Verdict } from '../oracles.js';
import type { Random } from '../../harness/random.js';
import { connectRaw, type RawArgument, type RawOutcome, type RawSocket } from '../rawSocket.js';
import { harvest, jsonSchemas, sample, type SampleHints } from '../sample.js';
import { isRecord, record, toWire, type WireValue } from '../wire.js';
import { fromBase64, Tally, toBase64, confirmClosed } from './common.js';
import { refusedBySocketIo } from '../refusals.js';

/** socket.io's frame limit on the internal endpoint (MAX_FRAME_BYTES). */
const FRAME_LIMIT = 1024 * 1024;

const schemas = jsonSchemas(sfuMethodNames, (m) => sfuMethods[m].request);

export interface SfuTargetOptions {
  url: string;
  secret: string;
  random: Random;
  /** The rooms and nodes never named (the meeting's room, this node). */
  protect: ReadonlySet<string>;
}

const authSamples = (secret: string): unknown[] => [
  {},
  { secret: '' },
  { secret: `${secret}x` },
  { secret: secret.slice(0, -1) },
  { secret: `${secret}\u0000` },
  { secret: [secret] },
  { secret: { toString: secret } },
  { secret: 123 },
  { secret: null },
  { secret: 'x'.repeat(2000) },
  { token: secret },
  JSON.parse(`{"__proto__":{"secret":${JSON.stringify(secret)}}}`),
  'secret',
  [secret],
];

/** The method a call envelope names, if it is one. */
function methodOf(text: string | undefined): unknown {
  try {
    return (JSON.parse(text ?? 'null') as { method?: unknown } | null)?.method;
  } catch {
    return undefined;
  }
}

const toCaseArgs = (args: RawArgument[]): WireArgument[] =>
  args.map((a) => ({
    text: a.text,
    ...(a.attachments.length ? { attachments: toBase64(a.attachments) } : {}),
  }));

export function createSfuTarget(options: SfuTargetOptions) {
  const { random, protect } = options;
  const tally = new Tally('sfu');
  const pools = new Map<string, string[]>([
    ['roomId', ['fz-sfu-1', 'fz-sfu-2', 'fz-sfu-3']],
    ['peerId', ['fz-p1', 'fz-p2']],
    ['owner', ['fz-owner']],
    ['remoteNodeId', ['fz-remote']],
  ]);
  const hints: SampleHints = { pools };
  /** Rooms this run opened: closed again at the end (rooms without an owner are never reaped). */
  const opened = new Set<string>();
  let nextId = 0;

  /**
   * A connection with the secret. Each worker has its own and sends on it
   * one message at a time, so a dropped connection is the fault of the
   * message in flight, not of a neighbour's.
   */
  async function connect(): Promise<RawSocket> {
    const connected = await connectRaw(options.url, {
      path: SFU_ENDPOINT_PATH,
      auth: { secret: options.secret },
      refuses: refusedBySocketIo(FRAME_LIMIT),
    });
    if ('refused' in connected)
      throw new Error(`the SFU node refused its own secret: ${connected.refused.message}`);
    return connected;
  }
  const connections = new Map<number, RawSocket>();
  async function connection(worker: number): Promise<RawSocket> {
    const existing = connections.get(worker);
    if (existing && !existing.closed) return existing;
    const fresh = await connect();
    connections.set(worker, fresh);
    return fresh;
  }

  /** Keeps the meeting alive: no migration, no protected name. */
  function guard(method: unknown, request: WireValue): WireValue {
    if (!isRecord(request)) return request;
    let safe = request;
    for (const [key, value] of Object.entries(safe))
      if (typeof value === 'string' && protect.has(value))
        safe = record([...Object.entries(safe).filter(([k]) => k !== key), [key, 'fz-renamed']]);
    if (method === 'setNodeDraining' && safe['migrate'] === true)
      safe = record([...Object.entries(safe).filter(([k]) => k !== 'migrate'), ['migrate', false]]);
    return safe;
  }

  function judge(
    event: unknown,
    method: unknown,
    cutBy: string | undefined,
    outcome: RawOutcome,
  ): Verdict {
    switch (outcome.kind) {
      case 'reply':
        return judgeSfuReply(event === 'call' ? method : undefined, outcome.reply);
      case 'sent':
        return { code: 'no-ack' };
      case 'timeout':
        // The endpoint answers `call`, `subscribe` and `unsubscribe`; other events are not its.
        return event === 'call' || event === 'subscribe' || event === 'unsubscribe'
          ? { code: 'timeout', finding: 'no reply within 15 s' }
          : { code: 'ignored (unknown event)' };
      case 'closed':
        if (cutBy) return { code: `closed (${cutBy})` };
        return {
          code: 'closed',
          finding: `the node dropped the connection (${outcome.reason}) instead of replying`,
        };
    }
  }

  async function fire(
    on: RawSocket,
    eventText: string,
    args: RawArgument[],
    ack: boolean,
    what: string,
    mutations: string[],
    kind: string,
    method: unknown,
  ): Promise<Verdict> {
    // Unknown events are never answered: their wait is short.
    const event: unknown = JSON.parse(eventText);
    const known = event === 'call' || event === 'subscribe' || event === 'unsubscribe';
    const outcome = await on.send(eventText, args, ack, known ? 15_000 : 500);
    const input: SfuCase = {
      target: 'sfu',
      as: 'secret',
      event: eventText,
      args: toCaseArgs(args),
      ack,
    };
    const verdict = await confirmClosed(judge(event, method, on.cutBy, outcome), kind, () =>
      replay(input, 'confirm'),
    );
    tally.judge(kind, verdict, { as: 'secret', what, mutations, input }, what);
    if (outcome.kind === 'reply') {
      const reply = outcome.reply as { ok?: boolean; data?: unknown };
      if (reply?.ok && method === 'openRoom') {
        const roomId = (JSON.parse(args[0]!.text) as { request?: { roomId?: unknown } }).request
          ?.roomId;
        if (typeof roomId === 'string') opened.add(roomId);
      }
      if (reply?.ok) harvest(reply.data, pools, protect);
    }
    return verdict;
  }

  /** One generated message: a call (valid-shaped or mutated request or envelope), a subscription, an unknown event. */
  function generate(forced?: { method: SfuMethodName; mutated: boolean }): {
    eventText: string;
    value: WireValue;
    ack: boolean;
    what: string;
    mutations: string[];
    kind: string;
    method: unknown;
  } {
    const r = forced ? 1 : random.next();
    const ack = forced ? true : random.chance(0.95);
    if (r < 0.03) {
      const name = random.pick([
        'hello',
        'event',
        'close',
        'drain',
        '__proto__',
        nastyString(random),
      ]);
      return {
        eventText: JSON.stringify(name),
        value: nastyValue(random),
        ack,
        what: 'unknown event',
        mutations: [],
        kind: 'unknown event',
        method: undefined,
      };
    }
    if (r < 0.1) {
      const event = random.pick(['subscribe', 'unsubscribe']);
      const valid = random.chance(0.5)
        ? record([['scope', 'node']])
        : record([
            ['scope', 'room'],
            ['roomId', random.pick(pools.get('roomId')!)],
          ]);
      const m = random.chance(0.3) ? { value: valid, mutations: [] } : mutate(valid, random);
      return {
        eventText: JSON.stringify(event),
        value: m.value,
        ack,
        what: event,
        mutations: m.mutations,
        kind: m.mutations.length ? 'mutated' : 'valid-shaped',
        method: undefined,
      };
    }
    const method = forced?.method ?? random.pick(sfuMethodNames);
    const request = sample(schemas[method], random, hints);
    const envelope = record([
      ['id', `fz-${random.seed.toString(16)}-${(nextId += 1)}`],
      ['method', method],
      ['request', request],
    ]);
    let value: WireValue = envelope;
    let mutations: string[] = [];
    const m = forced ? (forced.mutated ? 0 : 1) : random.next();
    if (m < 0.65) {
      const mutated = mutate(request, random);
      value = record([
        ...Object.entries(envelope).filter(([k]) => k !== 'request'),
        ['request', mutated.value],
      ]);
      mutations = mutated.mutations;
    } else if (m < 0.8) {
      const mutated = mutate(envelope, random);
      value = mutated.value;
      mutations = mutated.mutations.map((n) => `envelope ${n}`);
    }
    if (isRecord(value) && isRecord(value['request']))
      value = record([
        ...Object.entries(value).filter(([k]) => k !== 'request'),
        ['request', guard(method, value['request'])],
      ]);
    return {
      eventText: '"call"',
      value,
      ack,
      what: `call ${method}`,
      mutations,
      kind: !ack ? 'no ack' : mutations.length === 0 ? 'valid-shaped' : 'mutated',
      method,
    };
  }

  async function handshake(auth: unknown): Promise<Verdict> {
    const connected = await connectRaw(options.url, {
      path: SFU_ENDPOINT_PATH,
      auth,
      timeoutMs: 15_000,
    });
    let verdict: Verdict;
    if ('refused' in connected) {
      const code = connected.refused.code;
      verdict =
        code === 'UNAUTHENTICATED' || code === undefined
          ? { code: `refused ${String(code ?? '(malformed handshake)')}` }
          : { code: `refused ${String(code)}`, finding: `refused with ${String(code)}` };
    } else {
      connected.close();
      verdict = { code: 'accepted', finding: 'a caller without the exact secret got in' };
    }
    const input: SfuCase = { target: 'sfu', as: 'handshake', auth };
    tally.judge('handshake', verdict, { as: 'handshake', what: 'handshake', mutations: [], input });
    return verdict;
  }

  /** Valid-shaped calls all at once on a connection of their own. */
  async function flood(count: number): Promise<void> {
    const on = await connect();
    const batch = Array.from({ length: count }, () =>
      generate({ method: random.pick(sfuMethodNames), mutated: false }),
    );
    await Promise.all(
      batch.map((g) =>
        fire(on, g.eventText, [toWire(g.value)], g.ack, g.what, ['flood'], 'flood', g.method),
      ),
    );
    on.close();
  }

  /** Sends one kept case on a fresh connection, as `kind`; the oracle's verdict. */
  async function replay(input: SfuCase, kind: string): Promise<Verdict> {
    if (input.as === 'handshake') return handshake(input.auth);
    const args = input.args.map((a) => ({ text: a.text, attachments: fromBase64(a.attachments) }));
    const method = methodOf(input.args[0]?.text);
    const on = await connect();
    try {
      return await fire(on, input.event, args, input.ack, 'replay', [], kind, method);
    } finally {
      on.close();
    }
  }

  return {
    tally,
    /** Every method, valid-shaped and mutated. */
    async sweep(): Promise<void> {
      let on = await connect();
      try {
        for (const method of sfuMethodNames)
          for (const mutated of [false, true]) {
            if (on.closed) on = await connect();
            const g = generate({ method, mutated });
            await fire(
              on,
              g.eventText,
              [toWire(g.value)],
              true,
              g.what,
              g.mutations,
              g.kind,
              g.method,
            );
          }
        for (const event of ['subscribe', 'unsubscribe', 'hello', 'event', '__proto__']) {
          if (on.closed) on = await connect();
          const value =
            event === 'unsubscribe'
              ? record([['scope', 'node']])
              : record([
                  ['scope', 'room'],
                  ['roomId', 'fz-sfu-1'],
                ]);
          const kind = event.endsWith('subscribe') ? 'valid-shaped' : 'unknown event';
          await fire(on, JSON.stringify(event), [toWire(value)], true, event, [], kind, undefined);
        }
      } finally {
        on.close();
      }
      for (const auth of authSamples(options.secret)) await handshake(auth);
      await flood(100);
    },
    expected: (): string[] => sfuMethodNames.map((m) => `call ${m}`),
    async run(count: number, concurrency = 4): Promise<void> {
      const goal = tally.messages + count;
      const worker = async (index: number) => {
        while (tally.messages < goal) {
          const r = random.next();
          if (r < 0.05) {
            await handshake(random.pick(authSamples(options.secret)));
          } else if (r < 0.051) {
            await flood(Math.min(100, goal - tally.messages));
          } else {
            const g = generate();
            await fire(
              await connection(index),
              g.eventText,
              [toWire(g.value)],
              g.ack,
              g.what,
              g.mutations,
              g.kind,
              g.method,
            );
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
      for (const on of connections.values()) on.close();
      connections.clear();
    },
    replay: (input: SfuCase) => replay(input, 'corpus'),
    /** Kept call cases on one connection in turn (CorpusEntry.session). */
    async replaySession(cases: SfuCase[]): Promise<Verdict[]> {
      const on = await connect();
      try {
        const verdicts: Verdict[] = [];
        for (const c of cases) {
          if (c.as === 'handshake') {
            verdicts.push(await handshake(c.auth));
            continue;
          }
          const args = c.args.map((a) => ({
            text: substitute(a.text, pools),
            attachments: fromBase64(a.attachments),
          }));
          verdicts.push(
            await fire(on, c.event, args, c.ack, 'replay', [], 'corpus', methodOf(args[0]?.text)),
          );
        }
        return verdicts;
      } finally {
        on.close();
      }
    },
    /** What the node says of a room and some of its consumers now (diagnosis of a stalled meeting). */
    async inspect(roomId: string, consumerIds: readonly string[]): Promise<unknown> {
      const on = await connect();
      const call = async (method: string, request: WireValue) => {
        const outcome = await on.send(
          '"call"',
          [
            toWire(
              record([
                ['id', `fz-inspect-${(nextId += 1)}`],
                ['method', method],
                ['request', request],
              ]),
            ),
          ],
          true,
        );
        return outcome.kind === 'reply' ? outcome.reply : outcome.kind;
      };
      try {
        const room = await call('inspectRoom', record([['roomId', roomId]]));
        const consumers = [];
        for (const consumerId of consumerIds)
          consumers.push(
            await call(
              'inspectConsumer',
              record([
                ['roomId', roomId],
                ['consumerId', consumerId],
              ]),
            ),
          );
        return { room, consumers, load: await call('getLoad', {}) };
      } finally {
        on.close();
      }
    },
    /** Closes what the run opened and undoes drains, so the node serves as before. */
    async cleanup(): Promise<void> {
      const on = await connect();
      const call = (method: string, request: WireValue) =>
        on.send(
          '"call"',
          [
            toWire(
              record([
                ['id', `fz-cleanup-${(nextId += 1)}`],
                ['method', method],
                ['request', request],
              ]),
            ),
          ],
          true,
        );
      for (const roomId of [...opened, ...pools.get('roomId')!])
        await call('closeRoom', record([['roomId', roomId]]));
      await call('setNodeDraining', record([['draining', false]]));
      const load = await call('getLoad', {});
      const workers =
        load.kind === 'reply'
          ? ((load.reply as { data?: { workers?: unknown[] } }).data?.workers ?? [])
          : [];
      for (let i = 0; i < workers.length; i += 1)
        await call(
          'setWorkerDraining',
          record([
            ['workerIndex', i],
            ['draining', false],
          ]),
        );
      on.close();
    },
  };
}
