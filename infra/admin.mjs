// npm run admin — runs the built admin CLI. Builds nothing: a missing build
// means setup has not run, and we say so.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}dist/signaling/admin/cli.js`)) {
  console.error('veche-admin: the server build is missing; run `npm run setup` first.');
  process.exit(2);
}
await import('../dist/signaling/admin/cli.js');
