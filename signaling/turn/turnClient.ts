// A small TURN client (RFC 5766) for probing a TURN server the way a browser
// uses it: Allocate with the long-term credential (the 401 realm/nonce dance,
// a stale nonce renewed), CreatePermission for a peer, Send and Data
// indications through the relay, Refresh with lifetime 0 to free it.
import { randomInt } from 'node:crypto';
import { TurnError } from './failures.js';
import {
  decodeErrorCode,
  decodeXorAddress,
  encodeXorAddress,
  readUint32,
  requestedTransport,
  text,
  uint32,
  type StunError,
  type TransportAddress,
} from './stun/attributes.js';
import { checkIntegrity, longTermKey } from './stun/integrity.js';
import {
  Attr,
  decodeOrUndefined,
  findAttribute,
  Method,
  MessageClass,
  newTransactionId,
  type StunAttribute,
  type StunMessage,
} from './stun/message.js';
import { stunSession, type StunReply, type StunSession } from './stun/session.js';
import { openStunTransport, type StunTarget } from './stun/transport.js';

const UDP = 17;
const DEFAULT_TIMEOUT_MS = 5000;

export interface TurnClientOptions {
  target: StunTarget;
  username: string;
  password: string;
  /** Bound on connecting and on each request (default 5 s). */
  timeoutMs?: number;
}

export interface TurnAllocation {
  readonly relayed: TransportAddress;
  /** Our address as the TURN server sees it. */
  readonly mapped: TransportAddress | undefined;
  /** Seconds the allocation lives unless refreshed. */
  readonly lifetime: number;
  /** Lets `peerIp` send to the relayed address (and us to it); `peer-refused` on 403. */
  createPermission(peerIp: string): Promise<void>;
  /** Sends `data` from the relayed address to `peer` (a Send indication). */
  send(peer: TransportAddress, data: Buffer): void;
  /** Data a permitted peer sent to the relayed address. */
  onData(listener: (peer: TransportAddress, data: Buffer) => void): void;
  /** Frees the allocation (Refresh, lifetime 0) and closes the connection. */
  release(): Promise<void>;
}

const errorOf = (reply: StunReply): StunError | undefined => {
  const value = findAttribute(reply.message, Attr.ErrorCode);
  return value ? decodeErrorCode(value) : undefined;
};

const describe = (e: StunError | undefined) => (e ? `${e.code} ${e.reason}`.trim() : 'error');

interface Auth {
  username: string;
  realm: string;
  nonce: string;
  key: Buffer;
}

/** Sends an authenticated request, renewing the nonce once on 438 Stale Nonce. */
async function authenticated(
  session: StunSession,
  auth: Auth,
  method: number,
  attributes: (transactionId: Buffer) => StunAttribute[],
  timeoutMs: number,
): Promise<StunReply> {
  for (let attempt = 0; ; attempt++) {
    const transactionId = newTransactionId();
    const message: StunMessage = {
      method,
      cls: MessageClass.Request,
      transactionId,
      attributes: [
        ...attributes(transactionId),
        { type: Attr.Username, value: text(auth.username) },
        { type: Attr.Realm, value: text(auth.realm) },
        { type: Attr.Nonce, value: text(auth.nonce) },
      ],
    };
    const reply = await session.request(
      message,
      { key: auth.key, fingerprint: true },
      timeoutMs,
      'timeout',
    );
    const nonce = findAttribute(reply.message, Attr.Nonce);
    if (
      reply.message.cls === MessageClass.Error &&
      errorOf(reply)?.code === 438 &&
      nonce &&
      attempt === 0
    ) {
      auth.nonce = nonce.toString('utf8');
      continue;
    }
    if (reply.message.cls === MessageClass.Success && !checkIntegrity(reply.bytes, auth.key)) {
      throw new TurnError('protocol-error', 'a response failed its MESSAGE-INTEGRITY check');
    }
    return reply;
  }
}

function authFailure(reply: StunReply, what: string): TurnError {
  const error = errorOf(reply);
  const code = error?.code ?? 0;
  if (code === 401 || code === 437 || code === 441) {
    return new TurnError('auth-refused', `${what}: ${describe(error)}`);
  }
  if (code === 403) return new TurnError('peer-refused', `${what}: ${describe(error)}`);
  return new TurnError('protocol-error', `${what}: ${describe(error)}`);
}

/** The realm and nonce from the first, unauthenticated Allocate's 401. */
async function challenge(session: StunSession, timeoutMs: number) {
  const reply = await session.request(
    {
      method: Method.Allocate,
      cls: MessageClass.Request,
      transactionId: newTransactionId(),
      attributes: [{ type: Attr.RequestedTransport, value: requestedTransport(UDP) }],
    },
    { fingerprint: true },
    timeoutMs,
    'port-closed',
  );
  const realm = findAttribute(reply.message, Attr.Realm);
  const nonce = findAttribute(reply.message, Attr.Nonce);
  if (errorOf(reply)?.code !== 401 || !realm || !nonce) {
    throw new TurnError(
      'protocol-error',
      `Allocate without credentials: ${describe(errorOf(reply))}`,
    );
  }
  return { realm: realm.toString('utf8'), nonce: nonce.toString('utf8') };
}

/** Opens a connection to the TURN server and allocates a UDP relay. */
export async function allocate(options: TurnClientOptions): Promise<TurnAllocation> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const session = stunSession(await openStunTransport(options.target, timeoutMs));
  try {
    const { realm, nonce } = await challenge(session, timeoutMs);
    const auth: Auth = {
      username: options.username,
      realm,
      nonce,
      key: longTermKey(options.username, realm, options.password),
    };
    const reply = await authenticated(
      session,
      auth,
      Method.Allocate,
      () => [{ type: Attr.RequestedTransport, value: requestedTransport(UDP) }],
      timeoutMs,
    );
    if (reply.message.cls !== MessageClass.Success) throw authFailure(reply, 'Allocate');
    return allocation(session, auth, reply.message, timeoutMs);
  } catch (error) {
    session.close();
    throw error;
  }
}

function allocation(
  session: StunSession,
  auth: Auth,
  response: StunMessage,
  timeoutMs: number,
): TurnAllocation {
  const id = response.transactionId;
  const relayedValue = findAttribute(response, Attr.XorRelayedAddress);
  if (!relayedValue)
    throw new TurnError('protocol-error', 'Allocate success without a relayed address');
  const mappedValue = findAttribute(response, Attr.XorMappedAddress);
  const lifetimeValue = findAttribute(response, Attr.Lifetime);
  const dataListeners: ((peer: TransportAddress, data: Buffer) => void)[] = [];
  session.onOther((bytes) => {
    const message = decodeOrUndefined(bytes);
    if (!message || message.method !== Method.Data || message.cls !== MessageClass.Indication)
      return;
    const peer = findAttribute(message, Attr.XorPeerAddress);
    const data = findAttribute(message, Attr.Data);
    if (!peer || !data) return;
    const from = decodeXorAddress(peer, message.transactionId);
    dataListeners.forEach((l) => l(from, data));
  });
  let released = false;
  return {
    relayed: decodeXorAddress(relayedValue, id),
    mapped: mappedValue ? decodeXorAddress(mappedValue, id) : undefined,
    lifetime: lifetimeValue ? readUint32(lifetimeValue) : 0,
    async createPermission(peerIp) {
      // The port is ignored: a permission covers all of the peer's ports.
      const peer = { address: peerIp, port: randomInt(1, 65535) };
      const reply = await authenticated(
        session,
        auth,
        Method.CreatePermission,
        (transactionId) => [
          { type: Attr.XorPeerAddress, value: encodeXorAddress(peer, transactionId) },
        ],
        timeoutMs,
      );
      if (reply.message.cls !== MessageClass.Success) throw authFailure(reply, 'CreatePermission');
    },
    send(peer, data) {
      const transactionId = newTransactionId();
      session.indicate(
        {
          method: Method.Send,
          cls: MessageClass.Indication,
          transactionId,
          attributes: [
            { type: Attr.XorPeerAddress, value: encodeXorAddress(peer, transactionId) },
            { type: Attr.Data, value: data },
          ],
        },
        { fingerprint: true },
      );
    },
    onData: (listener) => dataListeners.push(listener),
    async release() {
      if (released) return;
      released = true;
      try {
        await authenticated(
          session,
          auth,
          Method.Refresh,
          () => [{ type: Attr.Lifetime, value: uint32(0) }],
          timeoutMs,
        );
      } finally {
        session.close();
      }
    },
  };
}
