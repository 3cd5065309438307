// `npm run turn -- config | credentials | check`: coturn's configuration from
// the TURN_* settings, a fresh credential for support, and the relay check
// against a running deployment. The TURN secret appears only in the
// configuration and the credential only in the `credentials` output — that
// is what those commands are for.
import { chmod, writeFile } from 'node:fs/promises';
import { adminRestClient, CliFailure, type ExitCode } from '../admin/restClient.js';
import { table, type CliIo } from '../admin/cliCommands.js';
import { checkTurnPaths, type TurnCheckResult } from './check.js';
import { loadTurnConfig, type TurnConfig } from './config.js';
import { coturnConfig } from './coturnConfig.js';
import { issueTurnCredentials } from './credentials.js';
import { turnFailures } from './failures.js';
import { closeProbe, openProbe, udpTargets } from './probeApi.js';
import { turnSecretOrCreate } from './secret.js';

export const TURN_USAGE = `usage: npm run turn -- <command>
  config [--out FILE]             coturn's turnserver.conf from TURN_* (the secret: TURN_SECRET, else DATA_DIR/turn-secret)
  credentials [--ttl S] [--json]  a fresh TURN username and credential (default lifetime TURN_TTL_SECONDS)
  check [--node ID] [--timeout MS] [--json]
                                  relay each TURN URL to an SFU node's media port and time the answer
environment: TURN_*, DATA_DIR, PUBLIC_URL (config, credentials); VECHE_URL, VECHE_TOKEN (check)`;

type Env = Readonly<Record<string, string | undefined>>;

interface Options {
  json: boolean;
  values: Map<string, string>;
}

const VALUE_OPTIONS: Record<string, readonly string[]> = {
  config: ['--out'],
  credentials: ['--ttl'],
  check: ['--node', '--timeout'],
};

function parse(argv: readonly string[]): { name: string; options: Options } {
  const [name, ...rest] = argv;
  if (name === undefined) throw new CliFailure('no command given', 2);
  const takes = VALUE_OPTIONS[name];
  if (!takes) throw new CliFailure(`unknown command ${name}`, 2);
  const options: Options = { json: false, values: new Map() };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? '';
    if (arg === '--json' && name !== 'config') options.json = true;
    else if (takes.includes(arg)) {
      const value = rest[++i];
      if (value === undefined || value.startsWith('--'))
        throw new CliFailure(`${arg} needs a value`, 2);
      options.values.set(arg, value);
    } else throw new CliFailure(`${name}: unexpected ${arg}`, 2);
  }
  return { name, options };
}

function turnSettings(env: Env): TurnConfig {
  try {
    const publicHost = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).hostname : undefined;
    return loadTurnConfig(env, publicHost);
  } catch (error) {
    throw new CliFailure(`bad TURN settings:\n  ${(error as Error).message}`, 2);
  }
}

const secretOf = (config: TurnConfig, env: Env) =>
  turnSecretOrCreate(config.secret, env.DATA_DIR?.trim() || './data');

function integer(options: Options, name: string, min: number, max: number): number | undefined {
  const raw = options.values.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new CliFailure(`${name} must be a whole number from ${min} to ${max}`, 2);
  return value;
}

async function config(env: Env, options: Options, io: CliIo): Promise<ExitCode> {
  const settings = turnSettings(env);
  const text = coturnConfig(settings, await secretOf(settings, env));
  if (settings.urls.length === 0)
    io.err('veche-turn: TURN_URLS is empty: signaling gives clients no TURN server');
  const out = options.values.get('--out');
  if (out === undefined) {
    io.out(text.trimEnd());
    return 0;
  }
  await writeFile(out, text, { mode: 0o600 });
  await chmod(out, 0o600);
  io.err(`veche-turn: wrote ${out} (it holds the TURN secret: readable by its owner only)`);
  return 0;
}

async function credentials(env: Env, options: Options, io: CliIo): Promise<ExitCode> {
  const settings = turnSettings(env);
  const ttl = integer(options, '--ttl', 60, 86_400) ?? settings.ttlSeconds;
  const issued = issueTurnCredentials(await secretOf(settings, env), ttl);
  const urls = settings.urls.map((u) => u.url);
  if (options.json) {
    io.out(JSON.stringify({ urls, ...issued }, null, 2));
    return 0;
  }
  io.out(`username:   ${issued.username}`);
  io.out(`credential: ${issued.credential}`);
  io.out(`expires:    ${new Date(issued.expiresAt * 1000).toISOString()}`);
  io.out(`urls:       ${urls.join(' ') || '(TURN_URLS is empty)'}`);
  return 0;
}

function resultTable(results: readonly TurnCheckResult[]): string[] {
  const lines = table(
    ['URL', 'TRANSPORT', 'RESULT', 'RTT MS', 'RELAYED', 'SFU'],
    results.map((r) => [
      r.url,
      r.transport,
      r.result,
      r.rttMs === undefined ? '-' : r.rttMs.toFixed(1),
      r.relayed ?? '-',
      r.target,
    ]),
  );
  const failed = [...new Set(results.filter((r) => r.result !== 'ok').map((r) => r.result))];
  for (const name of failed) {
    if (name !== 'ok') lines.push(`${name}: ${turnFailures[name]}`);
  }
  for (const r of results.filter((r) => r.detail)) lines.push(`  ${r.url}: ${r.detail}`);
  return lines;
}

async function check(env: Env, options: Options, io: CliIo): Promise<ExitCode> {
  const timeoutMs = integer(options, '--timeout', 100, 60_000) ?? 5000;
  const client = adminRestClient(env);
  const probe = await openProbe(client, options.values.get('--node'));
  let results: TurnCheckResult[];
  try {
    if (probe.iceServers.length === 0)
      throw new CliFailure(`${client.base} gives clients no TURN server (TURN_URLS is not set)`, 1);
    const targets = udpTargets(probe);
    if (targets.length === 0)
      throw new CliFailure(`node ${probe.nodeId} offers no UDP media address to relay to`, 1);
    results = await checkTurnPaths({ iceServers: probe.iceServers, targets, timeoutMs });
  } finally {
    await closeProbe(client, probe.probeId).catch((error: Error) =>
      io.err(`veche-turn: the probe was not closed (${error.message}); it closes itself`),
    );
  }
  if (options.json) io.out(JSON.stringify({ nodeId: probe.nodeId, results }, null, 2));
  else {
    io.out(`SFU node ${probe.nodeId}`);
    for (const line of resultTable(results)) io.out(line);
  }
  return results.every((r) => r.result === 'ok') ? 0 : 1;
}

const commands: Record<string, (env: Env, options: Options, io: CliIo) => Promise<ExitCode>> = {
  config,
  credentials,
  check,
};

export async function runTurnCli(argv: readonly string[], env: Env, io: CliIo): Promise<ExitCode> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(TURN_USAGE);
    return 0;
  }
  try {
    const { name, options } = parse(argv);
    const run = commands[name];
    if (!run) throw new CliFailure(`unknown command ${name}`, 2);
    return await run(env, options, io);
  } catch (error) {
    if (!(error instanceof CliFailure)) throw error;
    io.err(`veche-turn: ${error.message}`);
    if (error.code === 2) io.err(TURN_USAGE);
    return error.code;
  }
}
