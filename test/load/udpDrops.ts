// Datagrams the kernel dropped because a UDP socket's receive buffer was
// full — its process did not read fast enough — counted per process from
// /proc (the drops column of /proc/net/udp for the sockets the process
// holds). With the bots and the server on one machine this tells which side
// lost what the bots count as loss: the bots' own sockets, or the SFU
// worker's. Linux only; undefined elsewhere.
import { readdir, readFile, readlink } from 'node:fs/promises';

async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const dir = `/proc/${pid}/fd`;
  for (const fd of await readdir(dir)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(await readlink(`${dir}/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // Closed meanwhile.
    }
  }
  return inodes;
}

/** Receive-buffer drops so far on the UDP sockets of these processes (undefined: unknown). */
export async function udpDrops(pids: readonly number[]): Promise<number | undefined> {
  try {
    const inodes = new Set<string>();
    for (const pid of pids) for (const inode of await socketInodes(pid)) inodes.add(inode);
    let drops = 0;
    for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
      const lines = (await readFile(table, 'utf8')).split('\n').slice(1);
      for (const line of lines) {
        const f = line.trim().split(/\s+/);
        // sl local rem st tx:rx tr:tm retrnsmt uid timeout inode ref pointer drops
        if (f.length >= 13 && inodes.has(f[9]!)) drops += Number(f[12]);
      }
    }
    return drops;
  } catch {
    return undefined;
  }
}
