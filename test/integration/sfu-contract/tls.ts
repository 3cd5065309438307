// An SFU node given a certificate serves its endpoint over TLS only: a client
// that trusts the CA is served; one that does not trust it never connects.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificate } from '../../harness/certificate.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfuError } from '../../../sfu/api/index.js';
import { createRemoteSfu, type RemoteSfu } from '../../../signaling/sfu/remoteSfu.js';
import { testLogger } from '../../harness/sfu.js';
import { startSfuNode, type SfuNodeProcess } from '../../harness/sfuNode.js';
import { PREVIOUS_SECRET, SECRET } from './support/secrets.js';

export function tlsEndpointSuite() {
  describe('its internal endpoint over TLS', () => {
    let dir: string;
    let node: SfuNodeProcess;
    const clients: RemoteSfu[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'veche-sfu-tls-'));
      makeCertificate(dir, 'localhost');
      node = await startSfuNode({
        secret: SECRET,
        env: {
          SFU_SECRET_PREVIOUS: PREVIOUS_SECRET,
          SFU_INTERNAL_TLS_CERT: join(dir, 'cert.pem'),
          SFU_INTERNAL_TLS_KEY: join(dir, 'key.pem'),
        },
      });
    });
    afterAll(async () => {
      for (const client of clients) await client.close();
      await node?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    it('serves a client that trusts its CA, and no other', async () => {
      const ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
      const trusting = createRemoteSfu({ url: node.url, secret: SECRET, ca, log: testLogger() });
      clients.push(trusting);
      await trusting.waitUntilConnected();
      expect((await trusting.call('getLoad', {})).workers).toHaveLength(1);

      const untrusting = createRemoteSfu({ url: node.url, secret: SECRET, log: testLogger() });
      clients.push(untrusting);
      await expect(untrusting.waitUntilConnected()).rejects.toSatisfy(
        (e) => e instanceof SfuError && e.code === 'SFU_UNAVAILABLE',
      );
      const plain = createRemoteSfu({
        url: node.url.replace('https:', 'http:'),
        secret: SECRET,
        log: testLogger(),
      });
      clients.push(plain);
      await expect(plain.call('getLoad', {})).rejects.toSatisfy(
        (e) => e instanceof SfuError && e.code === 'SFU_UNAVAILABLE',
      );
    });
  });
}
