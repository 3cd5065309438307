// A throwaway certificate authority for tests whose clients verify the
// server's chain (not a self-signed leaf): certificates it issues are trusted
// by a client given `ca`, and one issued for another name provokes a name
// mismatch.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestCertificate } from './certificate.js';

export interface TestCa {
  /** The CA certificate (PEM text), what clients trust. */
  ca: string;
  /** A server certificate signed by this CA; `name` is a DNS name or an IPv4 address. */
  issue(name: string): TestCertificate;
}

function openssl(args: string[]) {
  const run = spawnSync('openssl', args);
  if (run.status !== 0) throw new Error(`openssl failed: ${String(run.stderr)}`);
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A new CA whose files live in `dir`. */
export function makeTestCa(dir: string): TestCa {
  const caCert = join(dir, 'ca-cert.pem');
  const caKey = join(dir, 'ca-key.pem');
  openssl([
    'req',
    '-x509',
    ...EC,
    '-days',
    '1',
    '-subj',
    '/CN=Veche test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout',
    caKey,
    '-out',
    caCert,
  ]);
  let serial = 0;
  return {
    ca: readFileSync(caCert, 'utf8'),
    issue(name) {
      serial += 1;
      const prefix = join(dir, `issued-${serial}-`);
      const key = `${prefix}key.pem`;
      const csr = `${prefix}csr.pem`;
      const cert = `${prefix}cert.pem`;
      const ext = `${prefix}ext.cnf`;
      const altName = /^[\d.]+$/.test(name) ? `IP:${name}` : `DNS:${name}`;
      writeFileSync(ext, `subjectAltName=${altName}\nextendedKeyUsage=serverAuth\n`);
      openssl(['req', ...EC, '-subj', `/CN=${name}`, '-keyout', key, '-out', csr]);
      openssl([
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        caCert,
        '-CAkey',
        caKey,
        '-set_serial',
        String(serial + 1000),
        '-days',
        '1',
        '-extfile',
        ext,
        '-out',
        cert,
      ]);
      return { cert, key };
    },
  };
}
