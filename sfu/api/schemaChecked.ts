// Wraps an SfuApi so that every request, response and event goes through the
// wire form a networked SFU would use: serialised to JSON, parsed back and
// validated by the schema. Embedded mode runs through it, which keeps the
// in-process implementation honest about what may cross the boundary.
import { SfuError } from './errors.js';
import { sfuEventSchema, type SfuEventListener } from './events.js';
import { sfuMethods, type SfuMethodName, type SfuRequest, type SfuResponse } from './methods.js';
import type { SfuApi } from './index.js';

function overTheWire(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

export function createSchemaCheckedSfu(inner: SfuApi): SfuApi {
  return {
    async call<M extends SfuMethodName>(
      method: M,
      request: SfuRequest<M>,
    ): Promise<SfuResponse<M>> {
      const spec = sfuMethods[method];
      if (!spec) throw new SfuError('INVALID_REQUEST', `unknown SFU method ${String(method)}`);
      const parsedRequest = spec.request.safeParse(overTheWire(request));
      if (!parsedRequest.success) {
        throw new SfuError('INVALID_REQUEST', `${method}: ${parsedRequest.error.message}`);
      }
      const response = await inner.call(method, parsedRequest.data as SfuRequest<M>);
      const parsedResponse = spec.response.safeParse(overTheWire(response));
      if (!parsedResponse.success) {
        throw new SfuError('INTERNAL', `${method} response: ${parsedResponse.error.message}`);
      }
      return parsedResponse.data as SfuResponse<M>;
    },
    onEvent(listener: SfuEventListener) {
      return inner.onEvent((event) => {
        const parsed = sfuEventSchema.safeParse(overTheWire(event));
        if (parsed.success) listener(parsed.data);
        else throw new SfuError('INTERNAL', `invalid SFU event: ${parsed.error.message}`);
      });
    },
    watchRoom: (roomId: string) => inner.watchRoom(roomId),
    unwatchRoom: (roomId: string) => inner.unwatchRoom(roomId),
    close: () => inner.close(),
  };
}
