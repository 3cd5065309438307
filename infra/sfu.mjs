// npm run sfu — runs the built SFU node. Builds nothing: a missing piece means
// setup has not run, and we say so instead of starting half a service.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const required = [
  ['node_modules/mediasoup/worker/out/Release/mediasoup-worker', 'the mediasoup worker'],
  ['dist/sfu/node/main.js', 'the server build'],
];
const missing = required.filter(([path]) => !existsSync(root + path));
if (missing.length > 0) {
  for (const [, what] of missing) console.error(`veche-sfu: ${what} is missing.`);
  console.error('veche-sfu: run `npm run setup` first.');
  process.exit(1);
}
await import('../dist/sfu/node/main.js');
