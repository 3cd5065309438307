// The SFU's public factory for in-process use. Signaling must not import
// this; only a process's composition root (main.ts) does.
export { createInProcessSfu } from './core/inProcessSfu.js';
export { DEFAULT_MIGRATION_PACE, type MigrationPace } from './core/migration.js';
export type { SfuOptions } from './core/options.js';
export type { SfuLogger } from './core/logger.js';
export type { WorkerPoolDeps } from './core/workerPool.js';
export type { InProcessSfu, InProcessSfuDeps } from './core/inProcessSfu.js';
export {
  DEFAULT_CONSUMERS_PER_WORKER,
  DEFAULT_PIPE_PORT_RANGE,
  embeddedPipeOptions,
} from './core/options.js';
export type { PipeOptions } from './core/options.js';
