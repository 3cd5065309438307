// A self-signed certificate for tests that serve TLS (the certificate is its
// own CA): the signaling server, an SFU node's internal endpoint, Redis.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface TestCertificate {
  /** PEM files in `dir`. */
  cert: string;
  key: string;
}

/** `name` is the subject: a DNS name (`localhost`) or an IP address (`127.0.0.1`). */
export function makeCertificate(dir: string, name: string, prefix = ''): TestCertificate {
  const cert = join(dir, `${prefix}cert.pem`);
  const key = join(dir, `${prefix}key.pem`);
  const altName = /^[\d.]+$/.test(name) ? `IP:${name}` : `DNS:${name}`;
  const run = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
    '-addext',
    `subjectAltName=${altName}`,
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  if (run.status !== 0) throw new Error(`openssl failed: ${String(run.stderr)}`);
  return { cert, key };
}
