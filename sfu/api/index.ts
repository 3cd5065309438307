// The contract between signaling and the SFU. Signaling imports only this
// folder. Everything that crosses it is plain, serialisable and described by
// a schema, so a networked SFU can serve the same interface unchanged.
import type { SfuEventListener } from './events.js';
import type { SfuMethodName, SfuRequest, SfuResponse } from './methods.js';

export interface SfuApi {
  call<M extends SfuMethodName>(method: M, request: SfuRequest<M>): Promise<SfuResponse<M>>;
  /**
   * Subscribes to SFU events: node-wide ones (a worker died) and those of the
   * rooms watched; returns the unsubscribe function.
   */
  onEvent(listener: SfuEventListener): () => void;
  /**
   * Events of this room are delivered from now on (a signaling node watches
   * the rooms it has peers in, and only those). Watching twice is one watch.
   */
  watchRoom(roomId: string): void;
  unwatchRoom(roomId: string): void;
  close(): Promise<void>;
}

export * from './errors.js';
export * from './events.js';
export * from './iceProbe.js';
export * from './methods.js';
export * from './registry.js';
export * from './rtp.js';
export { createSchemaCheckedSfu } from './schemaChecked.js';
