// Every request type has exactly one handler; a new message without one does
// not compile.
import { ready, resumeConsumer } from './consume.js';
import { join } from './join.js';
import { leave } from './leave.js';
import { closeProducer, pauseProducer, produce, resumeProducer } from './produce.js';
import { connectTransport, createTransport, restartIce } from './transports.js';
import type { HandlerMap } from './types.js';

export const handlers: HandlerMap = {
  join,
  createTransport,
  connectTransport,
  restartIce,
  ready,
  produce,
  pauseProducer,
  resumeProducer,
  closeProducer,
  resumeConsumer,
  leave,
};

export { leaveRoom } from './leave.js';
