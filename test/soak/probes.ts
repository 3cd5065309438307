// The soak's side of the probes (probe.mjs) in the server processes it
// starts: the environment that loads one into a process, and reading what it
// answers — memory after a full GC, and each mediasoup worker's own dump.
// Resident memory of any process (the mediasoup workers included) comes
// straight from /proc.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const probeFile = new URL('./probe.mjs', import.meta.url).href;

export interface Probes {
  /** The variables that load the probe into a process (media: also watch its mediasoup workers). */
  env(options: { media: boolean }): Record<string, string>;
  memory(pid: number): Promise<ProcessMemory>;
  media(pid: number): Promise<WorkerDump[]>;
}

const memorySchema = z.object({
  pid: z.number(),
  rss: z.number(),
  heapUsed: z.number(),
  heapTotal: z.number(),
  external: z.number(),
  arrayBuffers: z.number(),
});
export type ProcessMemory = z.infer<typeof memorySchema>;

const routerSchema = z.object({
  id: z.string(),
  known: z.boolean(),
  transports: z.array(z.string()).optional(),
  producers: z.array(z.string()).optional(),
  consumers: z.array(z.string()).optional(),
  rtpObservers: z.array(z.string()).optional(),
});

const workerSchema = z.object({
  pid: z.number(),
  routers: z.array(routerSchema),
  webRtcServers: z.array(
    z.object({
      id: z.string(),
      transports: z.array(z.string()),
      iceUsernameFragments: z.number(),
      tuples: z.number(),
    }),
  ),
  requestHandlers: z.array(z.string()),
  notificationHandlers: z.array(z.string()),
});
export type WorkerDump = z.infer<typeof workerSchema>;
const mediaSchema = z.object({ pid: z.number(), workers: z.array(workerSchema) });

/** Probes that write their ports into `dir` (a folder of the soak's own). */
export function createProbes(dir: string): Probes {
  const token = randomBytes(24).toString('base64url');

  async function ask(pid: number, path: string): Promise<unknown> {
    const { port } = z
      .object({ port: z.number() })
      .parse(JSON.parse(await readFile(join(dir, `${pid}.json`), 'utf8')));
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      headers: { 'x-soak-token': token },
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new Error(`probe of ${pid} answered ${res.status} to ${path}`);
    return res.json();
  }

  return {
    env({ media }) {
      return {
        NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import=${probeFile}`.trim(),
        SOAK_PROBE_DIR: dir,
        SOAK_PROBE_TOKEN: token,
        SOAK_PROBE_MEDIA: media ? '1' : '0',
      };
    },
    memory: async (pid) => memorySchema.parse(await ask(pid, '/memory')),
    media: async (pid) => mediaSchema.parse(await ask(pid, '/media')).workers,
  };
}

/** Resident memory of a process in bytes, from /proc (undefined once it is gone). */
export async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** What a worker still holds beyond its WebRtcServers, by kind (all zero when it is empty). */
export function leftoversOf(worker: WorkerDump): {
  routers: number;
  transports: number;
  producers: number;
  consumers: number;
  /** Other handles registered in the worker (RTP observers, entities of unknown routers). */
  other: number;
} {
  const servers = new Set(worker.webRtcServers.map((s) => s.id));
  const counted = new Set<string>(servers);
  let transports = 0;
  let producers = 0;
  let consumers = 0;
  for (const router of worker.routers) {
    counted.add(router.id);
    for (const id of router.transports ?? []) counted.add(id);
    for (const id of router.producers ?? []) counted.add(id);
    for (const id of router.consumers ?? []) counted.add(id);
    transports += router.transports?.length ?? 0;
    producers += router.producers?.length ?? 0;
    consumers += router.consumers?.length ?? 0;
  }
  // WebRTC transports still registered with a WebRtcServer count too.
  const serverTransports = worker.webRtcServers.reduce((n, s) => n + s.transports.length, 0);
  const other = worker.requestHandlers.filter((id) => !counted.has(id)).length;
  return {
    routers: worker.routers.length,
    transports: Math.max(transports, serverTransports),
    producers,
    consumers,
    other,
  };
}
