// The contract's cases about ICE probes: a real WebRTC peer (msc-node)
// connects to a probe's transport and receives its numbered messages over the
// data channel; probes count in no load, expire, are limited per node and
// close on request. Registered by suite.ts.
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { ICE_PROBE_MESSAGE_BYTES, type SfuApi } from '../../../sfu/api/index.js';
import { receiveProbe } from '../../harness/probeReceiver.js';
import { waitFor } from '../../harness/sfu.js';
import { expectSfuError } from './support/contract.js';

/** ICE, DTLS and SCTP set up first, on a busy two-core machine. */
const DATA_FLOW_MS = 30_000;

export function iceProbeCases(context: { sfu(): SfuApi; readonly peers: { close(): void }[] }) {
  const nothingCarried = async () => {
    for (const w of (await context.sfu().call('getLoad', {})).workers) {
      expect(w).toMatchObject({ rooms: 0, transports: 0, consumers: 0 });
    }
  };

  it('opens an ICE probe whose data reaches a real WebRTC peer, counted in no load', async () => {
    const sfu = context.sfu();
    const probe = await sfu.call('openIceProbe', { ttlMs: 60_000 });
    expect(probe.ttlMs).toBe(60_000);
    expect(probe.transport.iceCandidates.length).toBeGreaterThan(0);
    expect(probe.transport.sctpParameters.port).toBe(5000);
    expect(probe.dataConsumer).toMatchObject({
      label: 'veche-probe',
      protocol: 'veche-probe/1',
    });
    // Opening the same id again answers the same probe.
    expect(await sfu.call('openIceProbe', { probeId: probe.probeId, ttlMs: 60_000 })).toEqual(
      probe,
    );
    await nothingCarried();

    const peer = await receiveProbe(probe, (dtlsParameters) =>
      sfu.call('connectIceProbe', { probeId: probe.probeId, dtlsParameters }),
    );
    context.peers.push(peer);
    await waitFor(() => peer.messages.length >= 10, 'probe messages arrive', DATA_FLOW_MS);
    expect(peer.messages.every((m) => m.bytes === ICE_PROBE_MESSAGE_BYTES)).toBe(true);
    expect(peer.messages.slice(0, 10).map((m) => m.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await nothingCarried();

    await sfu.call('closeIceProbe', { probeId: probe.probeId });
    await sfu.call('closeIceProbe', { probeId: probe.probeId }); // closing twice is fine
    const received = peer.messages.length;
    // Closed: nothing more arrives, and it cannot be connected again.
    await expectSfuError(
      sfu.call('connectIceProbe', {
        probeId: probe.probeId,
        dtlsParameters: probe.transport.dtlsParameters,
      }),
      'PROBE_NOT_FOUND',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(peer.messages.length).toBeLessThanOrEqual(received + 1);
    peer.close();
  });

  it('holds a few probes at once, refuses more, and frees the place of one that expired', async () => {
    const sfu = context.sfu();
    const open: string[] = [];
    const tryOpen = async (ttlMs: number) => {
      try {
        return (await sfu.call('openIceProbe', { ttlMs })).probeId;
      } catch (error) {
        await expectSfuError(Promise.reject(error), 'PROBE_LIMIT');
        return undefined;
      }
    };
    for (let probeId = await tryOpen(60_000); probeId; probeId = await tryOpen(60_000)) {
      open.push(probeId);
      if (open.length > 16) throw new Error('the node holds probes without a limit');
    }
    expect(open.length).toBeGreaterThanOrEqual(2);
    // One closed makes room for another: a short one, which expires by itself.
    await sfu.call('closeIceProbe', { probeId: open.pop() as string });
    const short = await sfu.call('openIceProbe', { probeId: randomUUID(), ttlMs: 1000 });
    await expectSfuError(sfu.call('openIceProbe', { ttlMs: 60_000 }), 'PROBE_LIMIT');
    let next: string | undefined;
    await waitFor(async () => (next = await tryOpen(60_000)) !== undefined, 'a probe expires');
    open.push(next as string);
    await expectSfuError(
      sfu.call('connectIceProbe', {
        probeId: short.probeId,
        dtlsParameters: short.transport.dtlsParameters,
      }),
      'PROBE_NOT_FOUND',
    );
    for (const probeId of open) await sfu.call('closeIceProbe', { probeId });
    await nothingCarried();
  });
}
