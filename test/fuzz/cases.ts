// A fuzz message written down exactly, as findings report it and as the
// corpus (test/fuzz/corpus/*.json) keeps it: wire text rather than values,
// so what the server read is what is replayed (1e999, lone surrogates,
// 10,000 levels of nesting, binary attachments as base64).

/** One argument of a socket.io event: exact JSON text, and its binary attachments. */
export interface WireArgument {
  text: string;
  attachments?: string[];
}

/** Who sends a socket case: a connection in one of these states. */
export type SocketCaller = 'anonymous' | 'participant' | 'host';

export type SocketCase =
  | {
      target: 'socket';
      as: SocketCaller;
      /** JSON text of the event name (a string, or whatever else was sent). */
      event: string;
      args: WireArgument[];
      ack: boolean;
    }
  /** A connection attempt with this handshake `auth` payload. */
  | { target: 'socket'; as: 'handshake'; auth: unknown }
  /** Whole frames sent as they are on a fresh connection (binary ones as base64). */
  | { target: 'socket'; as: 'frames'; frames: (string | { base64: string })[] };

export type RestCaller = 'anonymous' | 'staff' | 'admin' | 'forged';

export interface RestCase {
  target: 'rest';
  as: RestCaller;
  method: string;
  /** Path and query exactly as sent (percent-encoding included). */
  path: string;
  headers?: Record<string, string>;
  /** The body as UTF-8 text, or as base64 when it is not text. */
  body?: string;
  bodyBase64?: string;
}

export type SfuCase =
  | { target: 'sfu'; as: 'secret'; event: string; args: WireArgument[]; ack: boolean }
  | { target: 'sfu'; as: 'handshake'; auth: unknown };

export type FuzzCase = SocketCase | RestCase | SfuCase;

/** A corpus file: a crasher found once, kept so it is sent again on every run. */
export interface CorpusEntry {
  /** What it broke before the fix, in a sentence. */
  found: string;
  /** Where the fix is. */
  fixed: string;
  /** Sent in order; the cases of an inner list are sent at once (a race). */
  cases: (FuzzCase | FuzzCase[])[];
  /**
   * All cases on one connection of one target, in turn, with `${name}` in
   * their text replaced by the last `name` the server handed out on the way
   * (a transport id a later case names).
   */
  session?: boolean;
}

/** `${name}` replaced by the last value learned under that name (left as is when none was). */
export const substitute = (text: string, learned: ReadonlyMap<string, readonly string[]>): string =>
  text.replace(/\$\{(\w+)\}/g, (whole, name: string) => learned.get(name)?.at(-1) ?? whole);
