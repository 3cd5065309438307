// Pinning processes to cores with taskset (util-linux), finding a process's
// children by name (a signaling process's mediasoup worker) and reading a
// process's CPU time, from /proc. The capacity benchmark gives the worker a
// core of its own; the load reads the CPU of the processes it started.
import { execFile, execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether processes can be pinned here: taskset exists and there are at least `cores` cores. */
export async function canPin(cores = 2): Promise<string | undefined> {
  if (availableParallelism() < cores) return `only ${availableParallelism()} core(s)`;
  try {
    await run('taskset', ['-V']);
    return undefined;
  } catch {
    return 'taskset (util-linux) is not installed';
  }
}

/** Pins process `pid` (every thread of it) to the CPU list `cpus` (`0`, `1-3`). */
export async function pin(pid: number, cpus: string): Promise<void> {
  await run('taskset', ['-a', '-p', '-c', cpus, String(pid)]);
}

/** The ids of `parent`'s child processes whose command name is `name`. */
export async function childrenNamed(parent: number, name: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (ppid === parent && comm === name.slice(0, 15)) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system) process `pid` has used so far, seconds, read now
 * from /proc — the figures getrusage gives the process itself (mediasoup's
 * getResourceUsage for a worker); undefined once it is gone.
 */
export async function cpuSeconds(pid: number): Promise<number | undefined> {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime); `fields` starts at field 3.
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}
