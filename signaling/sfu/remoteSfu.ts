// The SfuApi of an SFU node across the network (its internal endpoint). Every
// call has a deadline and a request id: a call that gets no answer fails with
// TIMEOUT instead of hanging its caller, and sending it again with the same id
// runs it once on the node. socket.io reconnects to a node that restarts;
// event subscriptions (the node's own, and each watched room's) are renewed
// on every connection, then reconnection listeners are told to resynchronise.
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import {
  SfuError,
  sfuErrorCodeSchema,
  sfuEventSchema,
  sfuMethods,
  type SfuApi,
  type SfuEventListener,
  type SfuMethodName,
  type SfuRequest,
  type SfuResponse,
} from '../../sfu/api/index.js';
import {
  SFU_ENDPOINT_PATH,
  callReplySchema,
  helloSchema,
  refusalSchema,
  type CallEnvelope,
  type Hello,
  type Subscription,
} from '../../sfu/api/wire.js';
import type { Logger } from '../core/logger.js';

const DEFAULT_DEADLINE_MS = 5000;
/** After a refused secret, try again this rarely (the operator may be fixing it). */
const REFUSED_RETRY_MS = 10_000;
const NODE_EVENTS: Subscription = { scope: 'node' };

export interface RemoteSfuOptions {
  /** The node's internal endpoint, `http://host:port` or `https://host:port`. */
  url: string;
  secret: string;
  /** PEM of the CA that signed the node's certificate (https). */
  ca?: string;
  /** Default deadline of a call, ms. */
  deadlineMs?: number;
  log: Logger;
}

export interface RemoteCallOptions {
  /**
   * Pass the id of an earlier attempt to retry it: the node runs one request
   * per id. A caller that names the id retries by itself; without one, a call
   * that times out or loses its connection is tried once more under the same
   * id (after the connection is back), so it still leaves one object.
   */
  requestId?: string;
  deadlineMs?: number;
}

export interface RemoteSfu extends SfuApi {
  call<M extends SfuMethodName>(
    method: M,
    request: SfuRequest<M>,
    options?: RemoteCallOptions,
  ): Promise<SfuResponse<M>>;
  readonly connected: boolean;
  /** The node as of the latest connection; a new incarnation means it restarted. */
  node(): Hello | undefined;
  /** Resolves once connected; fails like a call would after `timeoutMs`. */
  waitUntilConnected(timeoutMs?: number): Promise<void>;
  /**
   * Called after a lost connection is back and the subscriptions are renewed.
   * Events sent meanwhile are lost: resynchronise every watched room
   * (`listProducers`; ROOM_NOT_FOUND or another epoch means its media is
   * gone). `restarted` says the node is a new incarnation, with no rooms.
   */
  onReconnect(listener: (notice: ReconnectNotice) => void): () => void;
  /** Called when an established connection drops (the registry counts the node gone at once). */
  onDisconnect(listener: () => void): () => void;
}

export interface ReconnectNotice {
  node: Hello;
  restarted: boolean;
}

type State = 'connecting' | 'up' | 'down' | 'refused' | 'closed';

const isCode = (code: string): code is SfuError['code'] =>
  sfuErrorCodeSchema.safeParse(code).success;

export function createRemoteSfu(options: RemoteSfuOptions): RemoteSfu {
  const log = options.log.child({ component: 'remote-sfu', node: options.url });
  const defaultDeadline = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const listeners = new Set<SfuEventListener>();
  const reconnectListeners = new Set<(notice: ReconnectNotice) => void>();
  const disconnectListeners = new Set<() => void>();
  /** Rooms whose events this client asked for. */
  const watched = new Set<string>();
  const waiters = new Set<() => void>();
  let state: State = 'connecting';
  let hello: Hello | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  const socket: Socket = io(options.url, {
    path: SFU_ENDPOINT_PATH,
    transports: ['websocket'],
    auth: { secret: options.secret },
    ...(options.ca ? { ca: options.ca } : {}),
    reconnectionDelay: 250,
    reconnectionDelayMax: 2000,
  });

  function setState(next: State): void {
    state = next;
    for (const wake of [...waiters]) wake();
  }

  function unavailable(): SfuError {
    if (state === 'refused')
      return new SfuError('UNAUTHENTICATED', 'the SFU node refused the secret');
    return new SfuError('SFU_UNAVAILABLE', `SFU node ${options.url} is not connected`);
  }

  /**
   * Sent at once while connected (so it reaches the node before any later
   * call on this connection); otherwise renewed on the next connection.
   */
  function subscribe(subscription: Subscription, on: boolean): Promise<void> {
    if (state !== 'up') return Promise.resolve();
    return socket
      .timeout(defaultDeadline)
      .emitWithAck(on ? 'subscribe' : 'unsubscribe', subscription)
      .then(
        () => undefined,
        (error: unknown) => log.warn({ err: error }, 'SFU event subscription failed'),
      );
  }

  function renewSubscriptions(): Promise<unknown> {
    return Promise.all([
      ...(listeners.size > 0 ? [subscribe(NODE_EVENTS, true)] : []),
      ...[...watched].map((roomId) => subscribe({ scope: 'room', roomId }, true)),
    ]);
  }

  function noticeReconnection(notice: ReconnectNotice): void {
    for (const listener of reconnectListeners) {
      try {
        listener(notice);
      } catch (error) {
        log.error({ err: error }, 'SFU reconnection listener threw');
      }
    }
  }

  /** The node's greeting on the current connection (it greets each one first). */
  let greeting!: Promise<Hello>;
  let greeted!: (hello: Hello) => void;
  const awaitGreeting = () => {
    greeting = new Promise((resolve) => (greeted = resolve));
  };
  awaitGreeting();
  /** The incarnation the subscriptions were last renewed with. */
  let renewedWith: string | undefined;

  socket.on('connect', () => {
    log.info({}, 'connected to SFU node');
    setState('up');
    // Renewed before anything else goes out on this connection (calls waiting
    // for it resume a moment later), so their events are already watched.
    const renewal = renewSubscriptions();
    void Promise.all([renewal, greeting]).then(([, current]) => {
      const previous = renewedWith;
      renewedWith = current.incarnation;
      if (previous === undefined || state !== 'up') return;
      // What was missed while away is resynchronised by the listeners.
      noticeReconnection({ node: current, restarted: previous !== current.incarnation });
    });
  });
  socket.on('hello', (payload: unknown) => {
    const parsed = helloSchema.safeParse(payload);
    if (!parsed.success) return;
    if (hello && hello.incarnation !== parsed.data.incarnation) {
      log.warn({ nodeId: parsed.data.nodeId }, 'SFU node restarted: its rooms are gone');
    }
    hello = parsed.data;
    greeted(parsed.data);
  });
  socket.on('disconnect', (reason) => {
    if (state === 'closed') return;
    log.warn({ reason }, 'SFU node connection lost');
    setState('down');
    awaitGreeting();
    // Nothing sent while down may go out later: the caller was already told it failed.
    socket.sendBuffer.length = 0;
    if (reason === 'io server disconnect') socket.connect();
    for (const listener of [...disconnectListeners]) listener();
  });
  socket.on('connect_error', (error: Error & { data?: unknown }) => {
    if (state === 'closed') return;
    const refusal = refusalSchema.safeParse(error.data);
    if (refusal.success && refusal.data.code === 'UNAUTHENTICATED') {
      log.error({}, 'SFU node refused the secret (SFU_SECRET differs)');
      setState('refused');
      // socket.io does not retry a refused handshake on its own.
      retryTimer = setTimeout(() => {
        if (state === 'refused') socket.connect();
      }, REFUSED_RETRY_MS);
      retryTimer.unref();
      return;
    }
    if (state !== 'down') log.warn({ err: error.message }, 'cannot reach SFU node');
    setState('down');
  });
  socket.on('event', (payload: unknown) => {
    const parsed = sfuEventSchema.safeParse(payload);
    if (!parsed.success) {
      log.warn({ problem: parsed.error.message }, 'invalid SFU event dropped');
      return;
    }
    for (const listener of listeners) {
      try {
        listener(parsed.data);
      } catch (error) {
        log.error({ err: error, event: parsed.data.type }, 'SFU event listener threw');
      }
    }
  });

  function waitUntilConnected(timeoutMs = defaultDeadline): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = () => {
        if (state === 'connecting') return;
        clearTimeout(timer);
        waiters.delete(settle);
        if (state === 'up') resolve();
        else reject(unavailable());
      };
      const timer = setTimeout(() => {
        waiters.delete(settle);
        reject(unavailable());
      }, timeoutMs);
      waiters.add(settle);
      // A first connection still being made is waited for; a lost one is not.
      if (state !== 'connecting') settle();
    });
  }

  // A function, so a state that changed while a call awaited is read afresh.
  const isClosed = (): boolean => state === 'closed';

  async function send(envelope: CallEnvelope, deadlineMs: number): Promise<unknown> {
    const started = Date.now();
    if (state === 'connecting') await waitUntilConnected(deadlineMs);
    if (state !== 'up') throw unavailable();
    const remaining = Math.max(1, deadlineMs - (Date.now() - started));
    try {
      return await socket.timeout(remaining).emitWithAck('call', envelope);
    } catch (error) {
      const timedOut = error instanceof Error && /timed out/.test(error.message);
      throw timedOut
        ? new SfuError(
            'TIMEOUT',
            `${envelope.method} (request ${envelope.id}): no answer in ${deadlineMs} ms`,
          )
        : new SfuError(
            'SFU_UNAVAILABLE',
            `${envelope.method} (request ${envelope.id}): connection lost`,
          );
    }
  }

  return {
    async call<M extends SfuMethodName>(
      method: M,
      request: SfuRequest<M>,
      callOptions: RemoteCallOptions = {},
    ): Promise<SfuResponse<M>> {
      if (state === 'closed') throw new SfuError('SFU_UNAVAILABLE', 'SFU client closed');
      const spec = sfuMethods[method];
      if (!spec) throw new SfuError('INVALID_REQUEST', `unknown SFU method ${String(method)}`);
      const parsedRequest = spec.request.safeParse(request);
      if (!parsedRequest.success) {
        throw new SfuError('INVALID_REQUEST', `${method}: ${parsedRequest.error.message}`);
      }
      const envelope = {
        id: callOptions.requestId ?? randomUUID(),
        method,
        request: parsedRequest.data,
      };
      const deadlineMs = callOptions.deadlineMs ?? defaultDeadline;
      let raw: unknown;
      try {
        raw = await send(envelope, deadlineMs);
      } catch (error) {
        if (callOptions.requestId !== undefined) throw error;
        if (!(error instanceof SfuError) || !error.retryable || isClosed()) throw error;
        // The node may have run it: the same id makes the second try an answer
        // to the first, never a second transport, producer or consumer.
        log.warn({ method, request: envelope.id, code: error.code }, 'SFU call retried');
        raw = await send(envelope, deadlineMs);
      }
      const reply = callReplySchema.safeParse(raw);
      if (!reply.success)
        throw new SfuError('INTERNAL', `${method}: malformed reply from SFU node`);
      if (!reply.data.ok) {
        const { code, message } = reply.data.error;
        throw new SfuError(isCode(code) ? code : 'INTERNAL', message);
      }
      const response = spec.response.safeParse(reply.data.data);
      if (!response.success) {
        throw new SfuError('INTERNAL', `${method} response: ${response.error.message}`);
      }
      return response.data as SfuResponse<M>;
    },
    onEvent(listener) {
      listeners.add(listener);
      if (listeners.size === 1) void subscribe(NODE_EVENTS, true);
      return () => {
        if (listeners.delete(listener) && listeners.size === 0) {
          void subscribe(NODE_EVENTS, false);
        }
      };
    },
    watchRoom(roomId) {
      if (watched.has(roomId)) return;
      watched.add(roomId);
      void subscribe({ scope: 'room', roomId }, true);
    },
    unwatchRoom(roomId) {
      if (!watched.delete(roomId)) return;
      void subscribe({ scope: 'room', roomId }, false);
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    onDisconnect(listener) {
      disconnectListeners.add(listener);
      return () => disconnectListeners.delete(listener);
    },
    get connected() {
      return state === 'up';
    },
    node: () => hello,
    waitUntilConnected,
    async close() {
      if (state === 'closed') return;
      setState('closed');
      clearTimeout(retryTimer);
      listeners.clear();
      reconnectListeners.clear();
      disconnectListeners.clear();
      watched.clear();
      socket.close();
    },
  };
}
