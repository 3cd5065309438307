// Two changes to how a bot process's WebRTC stack reads its UDP sockets, so
// that what the bots report as loss is the server's, not the bots' own:
// - each socket gets a 1 MiB receive buffer (the kernel default, about 200
//   KiB, holds some 90 packets: a bot process held up for a moment by the
//   scheduler would overflow it and count the kernel's drops as loss);
// - a datagram whose first byte says RTP or RTCP (RFC 7983) goes straight to
//   the media path instead of first being parsed as a STUN message.
// UDP drops that remain show in the report (this machine's counters).
import dgram from 'node:dgram';
import { StunProtocol } from 'werift/lib/ice/src/stun/protocol.js';

export const RECEIVE_BUFFER_BYTES = 1 << 20;

let installed = false;

export function installFastSockets(): void {
  if (installed) return;
  installed = true;
  const create = dgram.createSocket;
  dgram.createSocket = ((type: dgram.SocketType | dgram.SocketOptions, listener?: never) =>
    create(
      typeof type === 'string'
        ? { type, recvBufferSize: RECEIVE_BUFFER_BYTES }
        : { recvBufferSize: RECEIVE_BUFFER_BYTES, ...type },
      listener,
    )) as typeof dgram.createSocket;

  const proto = StunProtocol.prototype as unknown as {
    datagramReceived(this: StunInternals, data: Buffer, addr: unknown): void;
  };
  const stun = proto.datagramReceived;
  proto.datagramReceived = function datagramReceived(data, addr) {
    const first = data[0] ?? 0;
    if (first >= 128 && first <= 191 && this.localCandidate) {
      this.receiver.dataReceived(data, this.localCandidate.component);
      return;
    }
    stun.call(this, data, addr);
  };
}

interface StunInternals {
  localCandidate?: { component: number };
  receiver: { dataReceived(data: Buffer, component: number): void };
}
