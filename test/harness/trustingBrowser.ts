// Chromium for tests that need more than the shared browser: extra flags, a
// wrapper that starts it elsewhere (a test host's network namespace), and a
// test CA it trusts the way a managed workstation does — in the NSS database
// of its (temporary) home folder, so certificates are really verified (TURN
// over TLS included) and one for another name is still refused.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { chromiumFlags, chromiumPath } from './browser.js';

const run = promisify(execFile);

export interface TestBrowserOptions {
  /** Another executable that starts Chromium (see TestHost.wrapper). */
  executablePath?: string;
  /** Flags on top of the usual test flags. */
  args?: readonly string[];
  /** A CA certificate (PEM) to trust (needs `certutil`, Debian's libnss3-tools). */
  trustCa?: string;
}

export interface TestBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function launchTestBrowser(options: TestBrowserOptions = {}): Promise<TestBrowser> {
  const home = await mkdtemp(join(tmpdir(), 'veche-browser-home-'));
  try {
    if (options.trustCa) {
      const db = join(home, '.pki', 'nssdb');
      await mkdir(db, { recursive: true });
      const caFile = join(home, 'test-ca.pem');
      await writeFile(caFile, options.trustCa);
      await run('certutil', ['-d', `sql:${db}`, '-N', '--empty-password']);
      await run('certutil', [
        '-d',
        `sql:${db}`,
        '-A',
        '-t',
        'C,,',
        '-n',
        'veche-test-ca',
        '-i',
        caFile,
      ]);
    }
    const browser = await chromium.launch({
      executablePath: options.executablePath ?? chromiumPath(),
      args: [...chromiumFlags, ...(options.args ?? [])],
      env: { ...process.env, HOME: home },
    });
    return {
      browser,
      async close() {
        await browser.close();
        await rm(home, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(home, { recursive: true, force: true });
    throw error;
  }
}
