// A socket.io connection that sends packets as exact text: the event name
// and each argument are written by the fuzzer (so 1e999, lone surrogates,
// 10,000 levels of nesting and malformed frames reach the server as such),
// binary arguments go as attachments, and acknowledgements are matched by
// the packet id. socket.io-client does the handshake and the transport.
import { io, type Socket } from 'socket.io-client';

/** How a message ended. */
export type RawOutcome =
  | { kind: 'reply'; reply: unknown }
  | { kind: 'closed'; reason: string }
  | { kind: 'timeout' }
  /** Sent without an ack id: nothing is owed. */
  | { kind: 'sent' };

export interface RawArgument {
  /** Exact JSON text (binary placeholders included). */
  text: string;
  attachments: Buffer[];
}

export interface RawSocket {
  readonly socket: Socket;
  readonly closed: boolean;
  /**
   * Why socket.io will have cut this connection, if a message sent on it
   * (with or without an ack) was one its parser or size limit refuses.
   */
  readonly cutBy: string | undefined;
  /**
   * Emits `eventText` (JSON text of the event name) with these arguments,
   * with an ack id unless `ack` is false; resolves with the reply, the
   * connection's end, or a timeout.
   */
  send(
    eventText: string,
    args: RawArgument[],
    ack: boolean,
    timeoutMs?: number,
  ): Promise<RawOutcome>;
  /** A whole frame as is (text or binary), for malformed packets. */
  sendFrame(frame: string | Buffer): void;
  close(): void;
}

export interface RawConnectOptions {
  path?: string;
  /** Any value: sent as the CONNECT packet's payload. */
  auth?: unknown;
  localAddress?: string;
  timeoutMs?: number;
  /** Says why socket.io refuses a message (it then cuts the connection), if it does. */
  refuses?: (args: RawArgument[]) => string | undefined;
}

/** Connects, or says why the server refused (connect_error and its data). */
export async function connectRaw(
  url: string,
  options: RawConnectOptions = {},
): Promise<RawSocket | { refused: { message: string; code: unknown } }> {
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: options.timeoutMs ?? 15_000,
    ...(options.path ? { path: options.path } : {}),
    ...('auth' in options
      ? { auth: (cb: (data: object) => void) => cb(options.auth as object) }
      : {}),
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  const refusal = await new Promise<{ message: string; code: unknown } | undefined>((resolve) => {
    // A CONNECT packet the server cannot parse closes the connection before any answer.
    const timer = setTimeout(
      () => resolve({ message: 'no answer to the handshake', code: undefined }),
      (options.timeoutMs ?? 15_000) + 1000,
    );
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    socket.once('connect_error', (error: Error & { data?: { code?: unknown } }) => {
      clearTimeout(timer);
      resolve({ message: error.message, code: error.data?.code });
    });
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve({ message: `closed before connecting: ${reason}`, code: undefined });
    });
  });
  if (refusal) {
    socket.close();
    return { refused: refusal };
  }
  // Ids far above socket.io-client's own counter.
  let nextId = 1_000_000;
  const pending = new Map<number, (outcome: RawOutcome) => void>();
  let closedReason: string | undefined;
  let cutBy: string | undefined;
  const engine = socket.io.engine;
  engine.on('data', (data: unknown) => {
    if (typeof data !== 'string') return;
    const m = /^3(\d+)([\s\S]*)$/.exec(data);
    if (!m) return;
    const resolve = pending.get(Number(m[1]));
    if (!resolve) return;
    pending.delete(Number(m[1]));
    let args: unknown;
    try {
      args = JSON.parse(m[2]!);
    } catch {
      args = m[2];
    }
    resolve({ kind: 'reply', reply: Array.isArray(args) ? args[0] : args });
  });
  socket.on('disconnect', (reason) => {
    closedReason = reason;
    for (const resolve of pending.values()) resolve({ kind: 'closed', reason });
    pending.clear();
  });
  return {
    socket,
    get closed() {
      return closedReason !== undefined;
    },
    get cutBy() {
      return cutBy;
    },
    send(eventText, args, ack, timeoutMs = 15_000) {
      if (closedReason !== undefined)
        return Promise.resolve({ kind: 'closed', reason: closedReason });
      // The event name goes in the same frame: a megabyte of name is refused as one of payload.
      cutBy ??= options.refuses?.([{ text: eventText, attachments: [] }, ...args]);
      const attachments = args.flatMap((a) => a.attachments);
      const id = ack ? nextId++ : undefined;
      const data = `[${[eventText, ...args.map((a) => a.text)].join(',')}]`;
      const type = attachments.length > 0 ? `5${attachments.length}-` : '2';
      const outcome = new Promise<RawOutcome>((resolve) => {
        if (id === undefined) {
          resolve({ kind: 'sent' });
          return;
        }
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({ kind: 'timeout' });
        }, timeoutMs);
        pending.set(id, (o) => {
          clearTimeout(timer);
          resolve(o);
        });
      });
      engine.send(`${type}${id ?? ''}${data}`);
      for (const bytes of attachments) engine.send(bytes);
      return outcome;
    },
    sendFrame(frame) {
      if (closedReason === undefined) engine.send(frame);
    },
    close() {
      socket.close();
    },
  };
}
