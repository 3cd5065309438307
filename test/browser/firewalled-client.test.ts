// Office networks, played by a test host in a network namespace whose
// firewall the test sets, with Boris's browser inside it and Anna's outside:
// - all UDP dropped: Boris still joins, sends and receives video, over ICE-TCP
//   straight to the SFU's media port (no TURN server at all);
// - only the TURN server's TLS port open (besides signaling): through TURN
//   over TLS, the last resort, with a certificate the browser verifies;
// - the media port closed mid-call while signaling stays up: media come back
//   without a reload (through the relay), "reconnecting audio and video"
//   shows meanwhile, and the freeze is measured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framesRendered, remoteVideoTrack, watchTestId } from '../harness/browser.js';
import { connectionTimeline, mediaPaths, recordedConnections } from '../harness/iceWatch.js';
import { netnsProblem } from '../harness/netns.js';
import { startOfficeNetwork, type OfficeNetwork } from '../harness/officeNetwork.js';
import { waitFor } from '../harness/sfu.js';

const problem = await netnsProblem();
if (problem) console.log(`skipped: a firewalled client (network namespace): ${problem}`);

/** Both see each other's video (event-based waits, generous for a busy machine). */
async function bothPlay(office: OfficeNetwork, what: string) {
  await waitFor(
    async () => (await framesRendered(office.boris, 'Anna', 500)) >= 3,
    `Anna plays for Boris ${what}`,
    45_000,
  );
  await waitFor(
    async () => (await framesRendered(office.anna, 'Boris', 500)) >= 3,
    `Boris plays for Anna ${what}`,
    45_000,
  );
}

describe.skipIf(problem !== undefined)('behind a firewall that drops all UDP', () => {
  let office: OfficeNetwork;
  beforeAll(async () => {
    office = await startOfficeNetwork('udp-dropped', { firewall: () => ['meta l4proto udp drop'] });
  }, 120_000);
  afterAll(() => office?.close());

  it('a participant sends and receives video over TCP to the media server', async () => {
    await bothPlay(office, 'with UDP dropped');
    const paths = await mediaPaths(office.boris);
    console.log('UDP dropped: media paths', JSON.stringify(paths));
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) {
      expect(path.protocol).toBe('tcp');
      expect(path.localType).not.toBe('relay');
      expect(path.remoteAddress).toBe(office.ports.hostIp);
      expect(path.remotePort).toBe(office.ports.media);
      expect(path.bytesReceived).toBeGreaterThan(0);
    }
  });
});

describe.skipIf(problem !== undefined)('behind a firewall that lets only TURN/TLS out', () => {
  let office: OfficeNetwork;
  beforeAll(async () => {
    office = await startOfficeNetwork('tls-only', {
      turn: true,
      firewall: ({ hostIp, signaling, turn }) => [
        `ip daddr ${hostIp} tcp dport { ${signaling}, ${turn?.tls ?? 0} } accept`,
        'drop',
      ],
    });
  }, 120_000);
  afterAll(() => office?.close());

  it('a participant sends and receives video through TURN over TLS', async () => {
    await bothPlay(office, 'with only TURN/TLS open');
    const paths = await mediaPaths(office.boris);
    console.log('only TURN/TLS open: media paths', JSON.stringify(paths));
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) {
      expect(path.localType).toBe('relay');
      expect(path.relayProtocol).toBe('tls');
      expect(path.bytesReceived).toBeGreaterThan(0);
    }
  });
});

describe.skipIf(problem !== undefined)('the media port closed mid-call', () => {
  let office: OfficeNetwork;
  beforeAll(async () => {
    office = await startOfficeNetwork('media-lost', { turn: true });
  }, 120_000);
  afterAll(() => office?.close());

  it('media come back without a reload, through the relay; the freeze is printed', async () => {
    await bothPlay(office, 'before the firewall closes');
    const before = await mediaPaths(office.boris);
    expect(before.every((p) => p.localType !== 'relay')).toBe(true);
    const trackBefore = await remoteVideoTrack(office.boris, 'Anna');
    const connectionsBefore = (await recordedConnections(office.boris)).length;
    const notice = await watchTestId(office.boris, 'media-reconnecting');
    const reloads: string[] = [];
    office.boris.on('framenavigated', (frame) => reloads.push(frame.url()));

    const { hostIp, media } = office.ports;
    const closedAt = Date.now();
    // Both ways: the SFU (ICE-lite) would go on sending to a browser that no longer answers.
    await office.host.firewall(
      [`ip daddr ${hostIp} udp dport ${media} drop`, `ip daddr ${hostIp} tcp dport ${media} drop`],
      [`ip saddr ${hostIp} udp sport ${media} drop`, `ip saddr ${hostIp} tcp sport ${media} drop`],
    );
    // Windows of 250 ms: the freeze is from the first without frames to the
    // first with frames again.
    let frozenAt: number | undefined;
    let backAt: number | undefined;
    const deadline = Date.now() + 60_000;
    while (backAt === undefined && Date.now() < deadline) {
      const started = Date.now();
      const frames = await framesRendered(office.boris, 'Anna', 250);
      if (frames === 0) frozenAt ??= started;
      else if (frozenAt !== undefined) backAt = Date.now();
    }
    expect(frozenAt, 'the video froze when the media port closed').toBeDefined();
    expect(backAt, 'the video came back').toBeDefined();
    await bothPlay(office, 'after the media port closed');
    const after = await mediaPaths(office.boris);
    // A rebuild makes new connections and new tracks; an ICE restart keeps both.
    const rebuilt =
      (await recordedConnections(office.boris)).length > connectionsBefore ||
      (await remoteVideoTrack(office.boris, 'Anna')) !== trackBefore;
    console.log(
      `media port closed mid-call: video froze ${((frozenAt ?? 0) - closedAt) / 1000} s after the port closed, ` +
        `for ${((backAt ?? 0) - (frozenAt ?? 0)) / 1000} s (${rebuilt ? 'media rebuilt' : 'same connections, ICE restarted or switched'}); paths after`,
      JSON.stringify(after),
    );
    const timeline = await connectionTimeline(office.boris, closedAt);
    console.log(
      'connection timeline (s after the port closed):',
      timeline.map((e) => `${(e.at - closedAt) / 1000} #${e.connection} ${e.state}`).join(', '),
    );
    expect(after.length).toBeGreaterThan(0);
    for (const path of after) expect(path.localType).toBe('relay');
    expect(reloads).toEqual([]);
    // Boris was told while it lasted, and the notice is gone now.
    expect(await notice()).toBeDefined();
    await waitFor(
      async () => (await office.boris.getByTestId('media-reconnecting').count()) === 0,
      'the media notice goes once media flow again',
      20_000,
    );
  });
});
