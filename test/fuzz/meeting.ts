// The real meeting that keeps going while the fuzzer attacks: two WebRTC
// peers in Node (meetingMain.ts, a process of its own) sending audio and
// video to each other through the SFU node. A checkpoint passes when each
// has received more packets from the other than at the previous checkpoint
// (waited for, with a generous bound).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('./meetingMain.ts', import.meta.url));
/** How late the meeting process's timers may run before a checkpoint counts as unobserved. */
const OBSERVER_STALL_MS = 5000;

export interface Meeting {
  readonly room: string;
  /** Ids the fuzzer must never name in a valid-shaped message (peers, producers, consumers). */
  readonly ids: string[];
  /** Packets each peer has received so far. */
  counts(): Promise<number[]>;
  /**
   * Waits until both peers' inbound packet counts grew since the last
   * checkpoint; false if one did not within `boundMs`.
   */
  checkpoint(boundMs?: number): Promise<boolean>;
  /**
   * Checkpoints passed and failed, and those the meeting process could not
   * observe (its own timers ran more than OBSERVER_STALL_MS late meanwhile).
   */
  readonly checkpoints: { passed: number; failed: number; unobserved: number; counts: number[] };
  close(): Promise<void>;
}

type FromMeeting = { type: 'ready' | 'counts'; counts?: number[]; ids: string[]; lagMs?: number };

export async function startMeeting(url: string, room: string): Promise<Meeting> {
  const child: ChildProcess = fork(main, [url, room], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
  const next = (type: FromMeeting['type']) =>
    new Promise<FromMeeting>((resolve, reject) => {
      const onMessage = (m: FromMeeting) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m);
      };
      const onExit = (code: number | null) =>
        reject(new Error(`the meeting process exited (${code}): ${output.join('').slice(-2000)}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  let ids = (await next('ready')).ids;
  const counts = async (): Promise<number[]> => {
    const reply = next('counts');
    child.send({ type: 'counts' });
    const m = await reply;
    ids = m.ids;
    maxLag = Math.max(maxLag, m.lagMs ?? 0);
    return m.counts ?? [];
  };
  let last = [0, 0];
  /** The longest the meeting process's own timers ran late since the last checkpoint, ms. */
  let maxLag = 0;
  const checkpoints = { passed: 0, failed: 0, unobserved: 0, counts: last };
  const meeting: Meeting = {
    room,
    get ids() {
      return ids;
    },
    counts,
    async checkpoint(boundMs = 20_000) {
      const deadline = Date.now() + boundMs;
      maxLag = 0;
      for (;;) {
        const now = await counts();
        if (now.length === last.length && now.every((n, i) => n > last[i]!)) {
          last = now;
          checkpoints.passed += 1;
          checkpoints.counts = now;
          return true;
        }
        if (Date.now() > deadline) {
          last = now;
          checkpoints.counts = now;
          // The observer itself stalled (its timers ran seconds late): this
          // window says nothing of the server's media.
          if (maxLag > OBSERVER_STALL_MS) {
            checkpoints.unobserved += 1;
            return true;
          }
          checkpoints.failed += 1;
          return false;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    checkpoints,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'close' });
      await exited;
    },
  };
  // Media flows before the fuzzing starts.
  if (!(await meeting.checkpoint(60_000))) {
    await meeting.close();
    throw new Error('the meeting receives no media before the fuzzing even began');
  }
  return meeting;
}
