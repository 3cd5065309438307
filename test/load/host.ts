// A bot process: runs the bots the driver hands it (test/load/fleet.ts) on
// one event loop, pumps every publisher's media from one timer, and answers
// snapshots of what each bot received and sent, with its own CPU time.
// Started by the driver with an IPC channel; never on its own.
import { HashAlgorithm, NamedCurveAlgorithm, SignatureAlgorithm } from 'msc-node';
import { CipherContext } from 'werift/lib/dtls/src/context/cipher.js';
import { startBot, type Bot, type BotShared, type BotSpec } from './bot.js';
import { createPlayerFactory } from './clip.js';
import { installFastReceive } from './fastReceive.js';
import { installFastSockets } from './fastSockets.js';
import type { FromHost, ToHost } from './hostProtocol.js';
import { emptyTotals, summarize, type BotSummary } from './summary.js';
import { udpDrops } from './udpDrops.js';

/** How often publishers' due packets go out (a frame is 33 ms, an audio packet 20 ms). */
const PUMP_MS = 5;

/** One DTLS certificate for every connection of this process, as one browser profile reuses one. */
function dtlsKeys() {
  return CipherContext.createSelfSignedCertificateWithKey(
    { signature: SignatureAlgorithm.ecdsa_3, hash: HashAlgorithm.sha256_4 },
    NamedCurveAlgorithm.secp256r1_23,
  );
}

function send(message: FromHost): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  installFastSockets();
  const shared: BotShared = {
    newPlayer: await createPlayerFactory(),
    peerSettings: { iceUseIpv6: false, dtls: { keys: await dtlsKeys() } },
  };
  const bots: Bot[] = [];
  const failed: BotSummary[] = [];
  let waiting = 0;
  let stopping = false;

  async function startAll(specs: BotSpec[], intervalMs: number): Promise<void> {
    waiting += specs.length;
    for (const spec of specs) {
      if (stopping) return;
      const begun = performance.now();
      try {
        bots.push(await startBot(spec, shared));
      } catch (error) {
        failed.push({
          index: spec.index,
          room: spec.room,
          publish: spec.publish,
          failed: error instanceof Error ? error.message : String(error),
          refused: 0,
          rebuilds: 0,
          disconnected: false,
          consumers: 0,
          audio: emptyTotals(),
          video: emptyTotals(),
          layers: [0, 0, 0],
        });
      }
      waiting -= 1;
      const rest = intervalMs - (performance.now() - begun);
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    }
  }

  const timer = setInterval(() => {
    const now = performance.now();
    for (const bot of bots) bot.publisher?.pump(now);
  }, PUMP_MS);

  process.on('message', async (message: ToHost) => {
    if (message.type === 'start') {
      installFastReceive({ verifyEvery: message.verifyEvery });
      void startAll(message.specs, message.intervalMs);
    } else if (message.type === 'snapshot') {
      const cpu = process.cpuUsage();
      const drops = message.drops ? await udpDrops([process.pid]) : undefined;
      send({
        type: 'snapshot',
        id: message.id,
        bots: [...bots.map(summarize), ...failed],
        waiting,
        cpuMs: (cpu.user + cpu.system) / 1000,
        udpDrops: drops,
      });
    } else if (message.type === 'stop') {
      stopping = true;
      clearInterval(timer);
      for (const bot of bots) bot.close();
      // Let the goodbyes go out, then leave.
      setTimeout(() => process.exit(0), 300);
    }
  });
  // The driver went away: nothing to do here any more.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
