// Loaded into a server process under test (NODE_OPTIONS=--import=…) by the
// fuzzer: on SIGUSR2 it collects garbage and writes one line to stderr with
// the heap in use and any property that appeared on a built-in prototype
// since the process started (prototype pollution). The product does not
// know it is there.
import { setImmediate } from 'node:timers';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const prototypes = {
  Object: Object.prototype,
  Array: Array.prototype,
  Function: Function.prototype,
  String: String.prototype,
  Number: Number.prototype,
  Promise: Promise.prototype,
};
const keys = (proto) => Reflect.ownKeys(proto).map(String);
const initial = Object.fromEntries(
  Object.entries(prototypes).map(([name, proto]) => [name, new Set(keys(proto))]),
);
let seq = 0;

process.on('SIGUSR2', () => {
  seq += 1;
  const n = seq;
  // Outside the signal's own tick, twice: the second pass takes what the first freed.
  setImmediate(() => {
    gc();
    setImmediate(() => {
      gc();
      const polluted = [];
      for (const [name, proto] of Object.entries(prototypes))
        for (const key of keys(proto))
          if (!initial[name].has(key)) polluted.push(`${name}.prototype.${key}`);
      const { heapUsed, rss } = process.memoryUsage();
      process.stderr.write(
        `VECHE_FUZZ_PROBE ${JSON.stringify({ seq: n, heapUsed, rss, polluted })}\n`,
      );
    });
  });
});
