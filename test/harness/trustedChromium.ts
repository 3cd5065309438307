// Chromium that trusts a test CA for TLS it makes itself — a `turns:` relay
// among them, which `--ignore-certificate-errors` does not cover. The CA goes
// into an NSS database in a throwaway HOME (certutil, from libnss3-tools),
// where Chromium on Linux reads locally trusted roots.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { chromiumFlags, chromiumPath } from './browser.js';

/** Why a CA cannot be trusted here (no certutil), or undefined when it can. */
export function trustProblem(): string | undefined {
  try {
    execFileSync('sh', ['-c', 'command -v certutil'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'certutil (Debian package libnss3-tools) is not installed';
  }
}

/** Launches Chromium with `caPem` trusted; closing the browser removes its HOME. */
export async function launchChromiumTrusting(caPem: string): Promise<Browser> {
  const home = mkdtempSync(join(tmpdir(), 'veche-chromium-home-'));
  const nssdb = join(home, '.pki', 'nssdb');
  mkdirSync(nssdb, { recursive: true });
  const caFile = join(home, 'ca.pem');
  writeFileSync(caFile, caPem);
  const db = `sql:${nssdb}`;
  execFileSync('certutil', ['-N', '-d', db, '--empty-password']);
  execFileSync('certutil', ['-A', '-d', db, '-n', 'Veche test CA', '-t', 'C,,', '-i', caFile]);
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: chromiumFlags,
    headless: true,
    env: { ...process.env, HOME: home },
  });
  browser.on('disconnected', () => rmSync(home, { recursive: true, force: true }));
  return browser;
}
