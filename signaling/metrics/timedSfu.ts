// The SFU as signaling calls it, with every call timed: how long each method
// takes and how it ends (ok, or the SFU's error code), whether the SFU runs
// in this process or on SFU nodes behind the internal endpoint.
import {
  SfuError,
  type SfuApi,
  type SfuMethodName,
  type SfuRequest,
  type SfuResponse,
} from '../../sfu/api/index.js';

/** Reports one finished call: method, `ok` or the error code, and its duration in seconds. */
export type SfuCallObserver = (method: SfuMethodName, outcome: string, seconds: number) => void;

export function timedSfu(sfu: SfuApi, observe: SfuCallObserver): SfuApi {
  return {
    async call<M extends SfuMethodName>(
      method: M,
      request: SfuRequest<M>,
    ): Promise<SfuResponse<M>> {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const response = await sfu.call(method, request);
        observe(method, 'ok', seconds());
        return response;
      } catch (error) {
        // SfuError codes are a closed set; anything else is one label.
        observe(method, error instanceof SfuError ? error.code : 'error', seconds());
        throw error;
      }
    },
    onEvent: (listener) => sfu.onEvent(listener),
    watchRoom: (roomId) => sfu.watchRoom(roomId),
    unwatchRoom: (roomId) => sfu.unwatchRoom(roomId),
    close: () => sfu.close(),
  };
}
