// npm run turn — runs the built coturn tooling (config, credentials, check).
// Builds nothing: a missing build means setup has not run, and we say so.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}dist/signaling/turn/cli.js`)) {
  console.error('veche-turn: the server build is missing; run `npm run setup` first.');
  process.exit(2);
}
await import('../dist/signaling/turn/cli.js');
