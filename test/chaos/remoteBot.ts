// A bot as a process of its own, run inside a test host's network namespace
// (`ip netns exec <ns> node --import tsx test/chaos/remoteBot.ts`): a Node
// WebRTC participant (harness/nodePeer.ts) whose every packet crosses the
// veth link the run impairs. It takes its orders from CHAOS_BOT (JSON) and
// reports what it receives as one JSON line per 100 ms on stdout, times as
// wall-clock milliseconds (the run converts them to its own clock). It
// leaves when told (SIGTERM) or when its parent goes (stdin closes).
import { z } from 'zod';
import { startNodePeer } from '../harness/nodePeer.js';

const orders = z
  .object({
    url: z.string(),
    room: z.string(),
    name: z.string(),
    reconnectUrls: z.array(z.string()),
    send: z.boolean(),
  })
  .parse(JSON.parse(process.env['CHAOS_BOT'] ?? '{}'));

const wall = (t: number) => (t === 0 ? 0 : performance.timeOrigin + t);

const peer = await startNodePeer(orders.url, orders.room, orders.name, {
  reconnectUrls: orders.reconnectUrls,
});
if (orders.send) await peer.startSending();

const report = setInterval(() => {
  const streams = [...peer.received.values()].map((s) => ({
    peerId: s.peerId,
    kind: s.kind,
    packets: s.packets,
    firstAt: wall(s.firstAt),
    lastAt: wall(s.lastAt),
    closed: s.closed,
  }));
  process.stdout.write(`${JSON.stringify({ peerId: peer.lastJoin.peerId, streams })}\n`);
}, 100);

const leave = () => {
  clearInterval(report);
  void peer.close().finally(() => process.exit(0));
};
process.once('SIGTERM', leave);
process.stdin.on('end', leave);
process.stdin.resume();
