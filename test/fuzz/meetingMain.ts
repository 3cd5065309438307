// The meeting kept going during a fuzzing run, in a process of its own so
// that the fuzzer's own load does not slow its media: two WebRTC peers in
// Node join `room` on the signaling node at `url` and send each other audio
// and video. Over IPC it answers `counts` (packets each peer received so
// far) and `close`; its first message is `ready` with the ids the fuzzer
// must never name.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startNodePeer } from '../harness/nodePeer.js';

const [url, room] = process.argv.slice(2);
if (!url || !room || !process.send) {
  console.error(
    'usage: node --import tsx test/fuzz/meetingMain.ts <signaling url> <room> (with an IPC channel)',
  );
  process.exit(2);
}
const send = (message: unknown) => process.send?.(message);

const first = await startNodePeer(url, room, 'Анна');
const second = await startNodePeer(url, room, 'Борис');
const peers = [first, second];
await first.startSending();
await second.startSending();
// How late this process's own timers ran since the last report: a stalled
// observer sees no packets whatever the server does.
const lag = monitorEventLoopDelay({ resolution: 20 });
lag.enable();
const inbound = () =>
  peers.map((p) => [...p.received.values()].reduce((sum, s) => sum + s.packets, 0));
const ids = () =>
  peers.flatMap((p) => [p.peerId, ...Object.values(p.producerIds), ...p.received.keys()]);

process.on('message', (message: { type?: unknown }) => {
  if (message.type === 'counts') {
    send({ type: 'counts', counts: inbound(), ids: ids(), lagMs: lag.max / 1e6 });
    lag.reset();
  }
  if (message.type === 'close')
    void Promise.all(peers.map((p) => p.close())).finally(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', ids: ids() });
