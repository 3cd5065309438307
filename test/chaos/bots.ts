// The bots a chaos run keeps in meetings: Node WebRTC participants
// (harness/nodePeer.ts) spread over both signaling nodes, each able to move
// to the other one when its node goes (reconnectUrls). The first few of each
// meeting send audio and video, everyone receives everyone else. One more
// bot may run inside the test host's namespace as a process of its own
// (remoteBot.ts), sending too, so that impairing that link hits both what it
// sends and what it receives. The first bot of each meeting is its host.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { TestClient } from '../harness/client.js';
import type { TestHost } from '../harness/netns.js';
import { startNodePeer, type NodePeer } from '../harness/nodePeer.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface StreamSample {
  peerId: string;
  kind: 'audio' | 'video';
  packets: number;
  /** performance.now() of this process; 0 before the first packet. */
  firstAt: number;
  lastAt: number;
  closed: boolean;
}

export interface Bot {
  readonly name: string;
  readonly room: string;
  readonly sends: boolean;
  /** Every peer id it has had (a fresh join after a lost place gives a new one). */
  readonly peerIds: ReadonlySet<string>;
  streams(): StreamSample[];
  /** Its signaling connection now (undefined for a bot in another process). */
  client(): TestClient | undefined;
  /** What it went through and what it receives now, for a round that did not recover. */
  describe(): string;
  close(): Promise<void>;
}

export interface Meeting {
  readonly room: string;
  readonly bots: readonly Bot[];
  /** The bot that hosts it (joined first). */
  readonly host: Bot;
}

export interface MeetingPlan {
  meetings: number;
  /** Bots per meeting on this machine. */
  peers: number;
  /** Of which send audio and video. */
  senders: number;
}

function localBot(peer: NodePeer, room: string, name: string, sends: boolean): Bot {
  const peerIds = new Set([peer.peerId]);
  return {
    name,
    room,
    sends,
    peerIds,
    streams() {
      peerIds.add(peer.lastJoin.peerId);
      return [...peer.received.values()];
    },
    client: () => peer.client,
    describe: () =>
      `${name}: resumes ${peer.resumes.join(',') || 'none'}` +
      `${peer.resumeErrors.length > 0 ? ` (refused ${peer.resumeErrors.length}×: ${peer.resumeErrors.at(-1)})` : ''}, ` +
      `media resets ${peer.mediaResets}, rebuilds ${peer.rebuilds}, ${receiving([...peer.received.values()])}`,
    close: () => peer.close(),
  };
}

/** Open streams and how long ago the newest packet came. */
function receiving(streams: readonly StreamSample[]): string {
  const open = streams.filter((s) => !s.closed);
  const newest = Math.max(0, ...open.map((s) => s.lastAt));
  const ago = newest > 0 ? `${((performance.now() - newest) / 1000).toFixed(1)} s ago` : 'never';
  return `${open.length} open streams, newest packet ${ago}`;
}

const reportSchema = z.object({
  peerId: z.string(),
  streams: z.array(
    z.object({
      peerId: z.string(),
      kind: z.enum(['audio', 'video']),
      packets: z.number(),
      firstAt: z.number(),
      lastAt: z.number(),
      closed: z.boolean(),
    }),
  ),
});

/** A sending bot inside the test host's namespace, reaching the signaling nodes over its link. */
async function remoteBot(host: TestHost, ports: readonly number[], room: string): Promise<Bot> {
  const urls = ports.map((port) => `http://${host.hostIp}:${port}`);
  const name = 'Bot behind the link';
  const child: ChildProcess = spawn(
    'ip',
    ['netns', 'exec', host.name, process.execPath, '--import', 'tsx', 'test/chaos/remoteBot.ts'],
    {
      cwd: root,
      env: {
        ...process.env,
        CHAOS_BOT: JSON.stringify({ url: urls[0], room, name, reconnectUrls: urls, send: true }),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const peerIds = new Set<string>();
  let latest: StreamSample[] = [];
  let errors = '';
  let pending = '';
  const local = (t: number) => (t === 0 ? 0 : t - performance.timeOrigin);
  child.stderr!.on('data', (d: Buffer) => (errors = (errors + d.toString()).slice(-4000)));
  child.stdout!.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue; // not a report (a stray log line)
      }
      const report = reportSchema.safeParse(parsed);
      if (!report.success) continue;
      peerIds.add(report.data.peerId);
      latest = report.data.streams.map((s) => ({
        ...s,
        firstAt: local(s.firstAt),
        lastAt: local(s.lastAt),
      }));
    }
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  while (peerIds.size === 0) {
    if (child.exitCode !== null) throw new Error(`the bot behind the link exited:\n${errors}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the bot behind the link did not join in 60 s:\n${errors}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name,
    room,
    sends: true,
    peerIds,
    streams: () => latest,
    client: () => undefined,
    describe: () => `${name}: ${receiving(latest)}`,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const late = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(late);
    },
  };
}

/**
 * Starts the meetings (`chaos-<tag>-<n>`); with a test host its bot joins
 * the first meeting. Closes what it started if any of it fails.
 */
export async function startMeetings(
  plan: MeetingPlan,
  urls: readonly string[],
  tag: string,
  behindLink?: { host: TestHost; ports: readonly number[] },
): Promise<Meeting[]> {
  const meetings: Meeting[] = [];
  const all: Bot[] = [];
  try {
    for (let m = 0; m < plan.meetings; m += 1) {
      const room = `chaos-${tag}-${m + 1}`;
      const bots: Bot[] = [];
      for (let i = 0; i < plan.peers; i += 1) {
        const name = `Bot ${m + 1}.${i + 1}`;
        const url = urls[(m + i) % urls.length]!;
        const peer = await startNodePeer(url, room, name, { reconnectUrls: urls });
        const sends = i < plan.senders;
        const bot = localBot(peer, room, name, sends);
        bots.push(bot);
        all.push(bot);
        if (sends) await peer.startSending();
      }
      if (m === 0 && behindLink) {
        const bot = await remoteBot(behindLink.host, behindLink.ports, room);
        bots.push(bot);
        all.push(bot);
      }
      meetings.push({ room, bots, host: bots[0]! });
    }
    return meetings;
  } catch (error) {
    for (const bot of all) await bot.close().catch(() => undefined);
    throw error;
  }
}

/** Every stream a bot should receive: each other sender of its meeting, audio and video. */
export interface Expected {
  readonly to: Bot;
  readonly from: Bot;
  readonly kind: 'audio' | 'video';
}

export function expectedStreams(meetings: readonly Meeting[]): Expected[] {
  return meetings.flatMap((meeting) =>
    meeting.bots.flatMap((to) =>
      meeting.bots
        .filter((from) => from !== to && from.sends)
        .flatMap((from) => (['audio', 'video'] as const).map((kind) => ({ to, from, kind }))),
    ),
  );
}
