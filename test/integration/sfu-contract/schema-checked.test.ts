// The SfuApi contract against the in-process SFU behind the schema-checked
// wrapper, as embedded `npm start` runs it (a second one is the other node of
// a room that spans two).
import { describe } from 'vitest';
import { startInProcess } from './support/inProcess.js';
import { sfuContractSuite } from './suite.js';

describe('in-process SFU through the schema-checked wrapper', () => {
  sfuContractSuite(() => startInProcess(true), {
    checksSchemas: true,
    startPeer: () => startInProcess(true),
  });
});
