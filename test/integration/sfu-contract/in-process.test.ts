// The SfuApi contract against the bare in-process SFU (a second one is the
// other node of a room that spans two). Its twins run the very same suite
// through the schema-checked wrapper and over the network.
import { describe } from 'vitest';
import { startInProcess } from './support/inProcess.js';
import { sfuContractSuite } from './suite.js';

describe('in-process SFU', () => {
  sfuContractSuite(() => startInProcess(false), {
    checksSchemas: false,
    startPeer: () => startInProcess(false),
  });
});
