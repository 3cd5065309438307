// An ICE connectivity check (RFC 8445 section 7.2.2) sent to an SFU's media
// address through a TURN relay: a STUN Binding request with the SFU
// transport's username fragment and ICE password, as a browser behind the
// relay would send it. mediasoup drops a request whose username fragment it
// does not know and answers a valid one, so an answer proves the whole path:
// client → TURN server → relay → SFU and back.
import { randomBytes } from 'node:crypto';
import { TurnError } from './failures.js';
import { text, tieBreaker, uint32, type TransportAddress } from './stun/attributes.js';
import { checkIntegrity, encodeSigned, shortTermKey } from './stun/integrity.js';
import { decodeOrUndefined, Attr, Method, MessageClass, newTransactionId } from './stun/message.js';
import type { TurnAllocation } from './turnClient.js';

export interface IceTarget extends TransportAddress {
  /** The SFU transport's ICE parameters. */
  usernameFragment: string;
  password: string;
}

/** PRIORITY of a relayed candidate (type preference 0), as RFC 8445 section 5.1.2 computes it. */
const RELAYED_PRIORITY = (0 << 24) | (65535 << 8) | (256 - 1);
const FIRST_RTO_MS = 250;

function bindingRequest(target: IceTarget, transactionId: Buffer): Buffer {
  return encodeSigned(
    {
      method: Method.Binding,
      cls: MessageClass.Request,
      transactionId,
      attributes: [
        {
          type: Attr.Username,
          value: text(`${target.usernameFragment}:${randomBytes(4).toString('hex')}`),
        },
        { type: Attr.Priority, value: uint32(RELAYED_PRIORITY) },
        { type: Attr.IceControlling, value: tieBreaker(randomBytes(8).readBigUInt64BE(0)) },
      ],
    },
    { key: shortTermKey(target.password), fingerprint: true },
  );
}

/**
 * Round-trip time (ms) of a connectivity check through `relay` to `target`.
 * Sent again (a new transaction each time, so the time is of the one
 * answered) until `timeoutMs`; then `no-answer`.
 */
export function iceCheckThroughRelay(
  relay: TurnAllocation,
  target: IceTarget,
  timeoutMs: number,
): Promise<number> {
  const key = shortTermKey(target.password);
  const sentAt = new Map<string, number>();
  return new Promise((resolve, reject) => {
    let rto = FIRST_RTO_MS;
    let resend: NodeJS.Timeout | undefined;
    let done = false;
    const finish = () => {
      done = true;
      clearTimeout(resend);
      clearTimeout(deadline);
    };
    const deadline = setTimeout(() => {
      finish();
      reject(
        new TurnError(
          'no-answer',
          `no answer from ${target.address}:${target.port} in ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    relay.onData((peer, data) => {
      const answer = done || peer.port !== target.port ? undefined : decodeOrUndefined(data);
      const started = answer && sentAt.get(answer.transactionId.toString('hex'));
      if (!answer || started === undefined || answer.method !== Method.Binding) return;
      if (answer.cls === MessageClass.Success && checkIntegrity(data, key)) {
        finish();
        resolve(performance.now() - started);
      }
    });
    const send = () => {
      const transactionId = newTransactionId();
      sentAt.set(transactionId.toString('hex'), performance.now());
      relay.send(target, bindingRequest(target, transactionId));
      resend = setTimeout(send, rto);
      rto = Math.min(rto * 2, 2000);
    };
    send();
  });
}
