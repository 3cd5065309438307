// STUN/TURN messages to one server over UDP, TCP or TLS. Over UDP each
// datagram is one message; over TCP and TLS messages follow each other on the
// stream (RFC 5766 section 11.5): a STUN message is 20 bytes plus its length,
// a ChannelData message 4 bytes plus its length padded to 4.
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP, connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { failureOfSocketError, TurnError } from '../failures.js';

export type StunProtocol = 'udp' | 'tcp' | 'tls';

export interface StunTarget {
  protocol: StunProtocol;
  host: string;
  port: number;
  /** Extra trusted CA certificates (PEM) for TLS; the system's are trusted too. */
  ca?: string | Buffer;
}

export interface StunTransport {
  readonly protocol: StunProtocol;
  send(bytes: Buffer): void;
  onMessage(listener: (bytes: Buffer) => void): void;
  /** Called once when the transport fails or the server closes it. */
  onClose(listener: (error: TurnError) => void): void;
  close(): void;
}

/** Splits a TCP stream into whole STUN / ChannelData messages. */
export function streamFramer(onMessage: (bytes: Buffer) => void, onError: (e: TurnError) => void) {
  let pending = Buffer.alloc(0);
  return (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const kind = pending.readUInt8(0) & 0xc0;
      const length = pending.readUInt16BE(2);
      let total: number;
      if (kind === 0x00) total = 20 + length;
      else if (kind === 0x40) total = 4 + length + ((4 - (length % 4)) % 4);
      else return onError(new TurnError('protocol-error', 'neither STUN nor ChannelData'));
      if (pending.length < total) return;
      onMessage(pending.subarray(0, total));
      pending = pending.subarray(total);
    }
  };
}

function listeners() {
  const message: ((bytes: Buffer) => void)[] = [];
  const close: ((error: TurnError) => void)[] = [];
  let closed = false;
  return {
    message,
    close,
    emit: (bytes: Buffer) => message.forEach((l) => l(bytes)),
    fail(error: TurnError) {
      if (closed) return;
      closed = true;
      close.forEach((l) => l(error));
    },
  };
}

async function openUdp(target: StunTarget): Promise<StunTransport> {
  const { address, family } =
    isIP(target.host) === 0
      ? await lookup(target.host)
      : { address: target.host, family: isIP(target.host) };
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
  const on = listeners();
  socket.on('message', on.emit);
  socket.on('error', (error) => on.fail(failureOfSocketError(error)));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(target.port, address, () => {
      socket.off('error', reject);
      resolve({
        protocol: 'udp',
        send: (bytes) => socket.send(bytes),
        onMessage: (l) => on.message.push(l),
        onClose: (l) => on.close.push(l),
        close() {
          on.fail(new TurnError('protocol-error', 'closed'));
          socket.close();
        },
      });
    });
  });
}

function openStream(target: StunTarget, timeoutMs: number): Promise<StunTransport> {
  const secure = target.protocol === 'tls';
  const socket: Socket = secure
    ? connectTls({
        host: target.host,
        port: target.port,
        servername: isIP(target.host) === 0 ? target.host : undefined,
        ...(target.ca === undefined ? {} : { ca: target.ca }),
      })
    : connectTcp({ host: target.host, port: target.port });
  const on = listeners();
  socket.on(
    'data',
    streamFramer(on.emit, (e) => on.fail(e)),
  );
  socket.on('error', (error) => on.fail(failureOfSocketError(error)));
  socket.on('close', () =>
    on.fail(new TurnError('port-closed', 'the server closed the connection')),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TurnError('port-closed', `no connection to ${target.host}:${target.port}`));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(failureOfSocketError(error));
    });
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      resolve({
        protocol: target.protocol,
        send: (bytes) => socket.write(bytes),
        onMessage: (l) => on.message.push(l),
        onClose: (l) => on.close.push(l),
        close() {
          on.fail(new TurnError('protocol-error', 'closed'));
          socket.destroy();
        },
      });
    });
  });
}

/** A transport to `target`; TCP and TLS connections are given `timeoutMs` to open. */
export function openStunTransport(target: StunTarget, timeoutMs: number): Promise<StunTransport> {
  return target.protocol === 'udp' ? openUdp(target) : openStream(target, timeoutMs);
}
