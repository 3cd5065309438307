// How the SFU reads mediasoup's errors.
export const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** mediasoup's error when the worker (or the object) closed under a request. */
export const isWorkerGone = (error: unknown): boolean =>
  error instanceof Error && error.name === 'InvalidStateError';
