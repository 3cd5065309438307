// Pinning for `bench:scaling`: each worker to a core of its own, with
// `taskset`, when the machine lets this process use at least as many cores
// as there are workers; the cores left over (if any) to the bench process,
// which sends and receives. Linux only; elsewhere nothing is pinned.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The cores this process may run on ("0-3,6" in /proc/self/status), or [] if unknown. */
export function allowedCores(): number[] {
  let status: string;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return [];
  }
  const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1];
  if (!list) return [];
  const cores: number[] = [];
  for (const part of list.trim().split(',')) {
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || Number.isNaN(from)) continue;
    for (let c = from; c <= (to ?? from); c++) cores.push(c);
  }
  return cores;
}

async function taskset(args: string[]): Promise<boolean> {
  try {
    await run('taskset', args);
    return true;
  } catch {
    return false;
  }
}

export interface Pinning {
  /** Worker i's core, or undefined when not pinned. */
  readonly workerCores: readonly (number | undefined)[];
  /** The bench process's cores when pinned, else undefined (it runs where it can). */
  readonly benchCores: readonly number[] | undefined;
  readonly description: string;
}

export async function pinWorkers(pids: readonly number[]): Promise<Pinning> {
  const cores = allowedCores();
  if (cores.length < 2 || cores.length < pids.length) {
    return {
      workerCores: pids.map(() => undefined),
      benchCores: undefined,
      description: `nothing pinned (${cores.length || 'unknown'} cores for ${pids.length} workers)`,
    };
  }
  const workerCores: (number | undefined)[] = [];
  for (const [i, pid] of pids.entries()) {
    const core = cores[i]!;
    workerCores.push((await taskset(['-p', '-c', String(core), String(pid)])) ? core : undefined);
  }
  const rest = cores.slice(pids.length);
  const benchCores =
    rest.length > 0 && (await taskset(['-a', '-p', '-c', rest.join(','), String(process.pid)]))
      ? rest
      : undefined;
  const workers = workerCores.map((c, i) => `worker ${i} → ${c ?? 'not pinned'}`).join(', ');
  const bench = benchCores
    ? `bench process → ${benchCores.join(',')}`
    : `bench process unpinned (on all ${cores.length} cores)`;
  return { workerCores, benchCores, description: `pinned with taskset: ${workers}; ${bench}` };
}
