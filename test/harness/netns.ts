// Test hosts in network namespaces: a namespace joined to this machine by a
// veth pair with a /30 of its own, made by the test and removed afterwards
// (only those two addresses and loopback are used). A firewall inside the
// namespace (nftables) plays the office network: UDP dropped, only one port
// open, media ports blocked mid-call. Chromium runs inside it through a
// small wrapper that enters the namespace before it starts.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestHost {
  /** The namespace's name (`ip netns exec <name> …`). */
  readonly name: string;
  /** This machine's end of the link: servers the test host reaches listen here. */
  readonly hostIp: string;
  /** The test host's own address. */
  readonly nsIp: string;
  /**
   * Replaces the test host's firewall: nftables rules for what it sends
   * (output chain, policy accept), e.g. `meta l4proto udp drop`, and for what
   * it receives (input chain). Empty: no rules.
   */
  firewall(output: readonly string[], input?: readonly string[]): Promise<void>;
  /** An executable that runs `command` inside the namespace (for Playwright's executablePath). */
  wrapper(command: string): Promise<string>;
  remove(): Promise<void>;
}

/** Why test hosts cannot be made here, or undefined when they can. */
export async function netnsProblem(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  for (const [tool, args] of [
    ['ip', ['-V']],
    ['nft', ['--version']],
  ] as const) {
    try {
      await run(tool, [...args]);
    } catch {
      return `${tool} is not installed (iproute2, nftables)`;
    }
  }
  const probe = `vc-probe-${randomBytes(3).toString('hex')}`;
  try {
    await run('ip', ['netns', 'add', probe]);
  } catch (error) {
    return `cannot make a network namespace: ${(error as Error).message.split('\n')[0]}`;
  }
  await run('ip', ['netns', 'del', probe]).catch(() => undefined);
  return undefined;
}

/** Makes a test host (see the file header); remove() undoes everything. */
export async function createTestHost(): Promise<TestHost> {
  const id = randomBytes(3).toString('hex');
  const name = `veche-${id}`;
  const hostSide = `vh${id}`;
  const nsSide = `vn${id}`;
  // 10.199.<a>.<b>/30, picked at random: a link only this test uses.
  const a = randomBytes(1)[0] ?? 0;
  const b = ((randomBytes(1)[0] ?? 0) & 0xfc) % 252;
  const hostIp = `10.199.${a}.${b + 1}`;
  const nsIp = `10.199.${a}.${b + 2}`;
  const dir = await mkdtemp(join(tmpdir(), 'veche-netns-'));
  const steps: string[][] = [
    ['netns', 'add', name],
    ['link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide],
    ['link', 'set', nsSide, 'netns', name],
    ['addr', 'add', `${hostIp}/30`, 'dev', hostSide],
    ['link', 'set', hostSide, 'up'],
    ['-n', name, 'addr', 'add', `${nsIp}/30`, 'dev', nsSide],
    ['-n', name, 'link', 'set', nsSide, 'up'],
    ['-n', name, 'link', 'set', 'lo', 'up'],
  ];
  const remove = async () => {
    await run('ip', ['netns', 'del', name]).catch(() => undefined);
    await run('ip', ['link', 'del', hostSide]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const step of steps) await run('ip', step);
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    name,
    hostIp,
    nsIp,
    async firewall(output, input = []) {
      const ruleset = [
        'table inet veche_test',
        'delete table inet veche_test',
        'table inet veche_test {',
        '  chain output {',
        '    type filter hook output priority 0; policy accept;',
        '    oifname "lo" accept',
        ...output.map((rule) => `    ${rule}`),
        '  }',
        '  chain input {',
        '    type filter hook input priority 0; policy accept;',
        '    iifname "lo" accept',
        ...input.map((rule) => `    ${rule}`),
        '  }',
        '}',
      ].join('\n');
      const file = join(dir, 'rules.nft');
      await writeFile(file, `${ruleset}\n`);
      await run('ip', ['netns', 'exec', name, 'nft', '-f', file]);
    },
    async wrapper(command) {
      const file = join(dir, `in-${name}.sh`);
      await writeFile(file, `#!/bin/sh\nexec ip netns exec ${name} ${command} "$@"\n`);
      await chmod(file, 0o755);
      return file;
    },
    remove,
  };
}
