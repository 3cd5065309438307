// The CPU time of a Chromium and all its processes (browser, zygotes, GPU,
// network, renderers), read from /proc: each live process of its tree counts
// its own time and that of the children it has already reaped.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times. */
function clockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

const TICKS = clockTicks();

interface ProcStat {
  pid: number;
  ppid: number;
  command: string;
  /** utime + stime + cutime + cstime, ticks. */
  ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command is in parentheses and may hold spaces: the fields follow the last ')'.
    const close = text.lastIndexOf(')');
    const command = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is the state (field 3); utime is field 14, so fields[11].
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
    return { pid, ppid: Number(fields[1]), command, ticks };
  } catch {
    return undefined;
  }
}

function allProcesses(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** Ids of this process's children whose command looks like Chromium's. */
export function chromiumChildren(): Set<number> {
  return new Set(
    allProcesses()
      .filter((p) => p.ppid === process.pid && /chrom/i.test(p.command))
      .map((p) => p.pid),
  );
}

/** CPU seconds of `root` and every live process under it (0 once it is gone). */
export function treeCpuSeconds(root: number): number {
  const all = allProcesses();
  const children = new Map<number, ProcStat[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const top = all.find((p) => p.pid === root);
  if (!top) return 0;
  let ticks = 0;
  const queue = [top];
  // Bounded: every process is visited once (a pid is in one parent's list).
  for (let i = 0; i < queue.length && i < all.length; i += 1) {
    const p = queue[i]!;
    ticks += p.ticks;
    queue.push(...(children.get(p.pid) ?? []));
  }
  return ticks / TICKS;
}
