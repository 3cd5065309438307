// docs/protocol.md is generated from the schemas and the permission table;
// this fails when someone changes either without regenerating it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderProtocolDoc } from '../../signaling/docs/protocolDoc.js';
import { requestTypes, notifications } from '../../signaling/protocol/index.js';

describe('docs/protocol.md', () => {
  const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

  it('matches the protocol (run `npm run docs:protocol` after changing it)', () => {
    expect(doc).toBe(renderProtocolDoc());
  });

  it('documents every request and notification', () => {
    for (const type of requestTypes) expect(doc).toContain(`### \`${type}\``);
    for (const type of Object.keys(notifications)) expect(doc).toContain(`| \`${type}\` |`);
  });
});
