// STUN transactions over one transport: a request waits for the response with
// its transaction id (over UDP it is sent again, 250 ms then doubling, until
// the deadline); anything else (indications, ChannelData) goes to listeners.
import { TurnError, type TurnFailure } from '../failures.js';
import { encodeSigned } from './integrity.js';
import { decodeOrUndefined, MessageClass, type StunMessage } from './message.js';
import type { StunTransport } from './transport.js';

export interface StunReply {
  message: StunMessage;
  /** As received, for integrity checks. */
  bytes: Buffer;
}

export interface Signing {
  key?: Buffer;
  fingerprint?: boolean;
}

export interface StunSession {
  readonly transport: StunTransport;
  /**
   * Sends a request and resolves with its response (success or error class).
   * Without one by `timeoutMs` it fails as `onTimeout`.
   */
  request(
    message: StunMessage,
    signing: Signing,
    timeoutMs: number,
    onTimeout: TurnFailure,
  ): Promise<StunReply>;
  indicate(message: StunMessage, signing: Signing): void;
  /** Indications and non-STUN messages (ChannelData) from the server. */
  onOther(listener: (bytes: Buffer) => void): void;
  close(): void;
}

const FIRST_RTO_MS = 250;

export function stunSession(transport: StunTransport): StunSession {
  const pending = new Map<string, (reply: StunReply) => void>();
  const failures = new Set<(error: TurnError) => void>();
  const others: ((bytes: Buffer) => void)[] = [];
  let closedWith: TurnError | undefined;
  transport.onClose((error) => {
    closedWith = error;
    for (const fail of failures) fail(error);
  });
  transport.onMessage((bytes) => {
    const message = decodeOrUndefined(bytes);
    const waiter = message && pending.get(message.transactionId.toString('hex'));
    if (
      message &&
      waiter &&
      (message.cls === MessageClass.Success || message.cls === MessageClass.Error)
    ) {
      return waiter({ message, bytes });
    }
    others.forEach((l) => l(bytes));
  });
  return {
    transport,
    request(message, signing, timeoutMs, onTimeout) {
      if (closedWith) return Promise.reject(closedWith);
      const id = message.transactionId.toString('hex');
      const bytes = encodeSigned(message, signing);
      return new Promise<StunReply>((resolve, reject) => {
        let rto = FIRST_RTO_MS;
        let resend: NodeJS.Timeout | undefined;
        const finish = () => {
          clearTimeout(deadline);
          clearTimeout(resend);
          pending.delete(id);
          failures.delete(fail);
        };
        const fail = (error: TurnError) => {
          finish();
          reject(error);
        };
        const deadline = setTimeout(
          () => fail(new TurnError(onTimeout, `no answer in ${timeoutMs} ms`)),
          timeoutMs,
        );
        const send = () => {
          transport.send(bytes);
          if (transport.protocol !== 'udp') return;
          resend = setTimeout(send, rto);
          rto *= 2;
        };
        pending.set(id, (reply) => {
          finish();
          resolve(reply);
        });
        failures.add(fail);
        send();
      });
    },
    indicate(message, signing) {
      transport.send(encodeSigned(message, signing));
    },
    onOther: (listener) => others.push(listener),
    close: () => transport.close(),
  };
}
