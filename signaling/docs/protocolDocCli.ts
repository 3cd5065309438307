// npm run docs:protocol — regenerates docs/protocol.md.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderProtocolDoc } from './protocolDoc.js';

const target = fileURLToPath(new URL('../../docs/protocol.md', import.meta.url));
writeFileSync(target, renderProtocolDoc());
console.log(`wrote ${target}`);
