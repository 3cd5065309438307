// A bare socket.io connection to an SFU node's internal endpoint, for sending
// what a well-behaved client never would.
import { io, type Socket } from 'socket.io-client';
import { SFU_ENDPOINT_PATH } from '../../../../sfu/api/wire.js';

export type Handshake = { ok: true; socket: Socket } | { ok: false; refused: unknown };

/** Connects once (no reconnection); resolves with the socket or the refusal's data. */
export function rawConnect(url: string, auth: Record<string, unknown>): Promise<Handshake> {
  const socket = io(url, {
    path: SFU_ENDPOINT_PATH,
    transports: ['websocket'],
    auth,
    reconnection: false,
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ ok: true, socket }));
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      resolve({ ok: false, refused: error.data ?? error.message });
    });
  });
}
