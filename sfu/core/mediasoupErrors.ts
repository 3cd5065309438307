// How the SFU reads mediasoup's errors.
import type { types } from 'mediasoup';
import { SfuError } from '../api/errors.js';

export const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** mediasoup's error when the worker (or the object) closed under a request. */
export const isWorkerGone = (error: unknown): boolean =>
  error instanceof Error && error.name === 'InvalidStateError';

/** The worker no longer has the object a request was for (it closed there first). */
const isGoneInWorker = (error: unknown): boolean =>
  /request handler with ID \S+ not found/.test(messageOf(error));

/**
 * Runs a request on a producer or consumer; when the worker closed it under
 * the request (with its producer, transport or peer), the caller is told it is
 * gone (`code`), as if it had asked a moment later, not that the SFU failed.
 */
export async function whileOpen<T>(
  object: { readonly id: string; readonly closed: boolean },
  code: 'PRODUCER_NOT_FOUND' | 'CONSUMER_NOT_FOUND',
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    // The worker answers for an object it no longer has before its close
    // notification reaches this side: either tells it is gone.
    if (object.closed || isGoneInWorker(error)) {
      throw new SfuError(code, `${object.id} closed meanwhile`);
    }
    throw error;
  }
}

/**
 * Connects a WebRTC transport's DTLS. Parameters mediasoup cannot use (an
 * unknown fingerprint algorithm) are the caller's mistake: MEDIA_REJECTED,
 * not a failure of the SFU.
 */
export async function connectDtls(
  transport: types.WebRtcTransport,
  dtlsParameters: types.DtlsParameters,
): Promise<void> {
  try {
    await transport.connect({ dtlsParameters });
  } catch (error) {
    throw isWorkerGone(error) ? error : new SfuError('MEDIA_REJECTED', messageOf(error));
  }
}
