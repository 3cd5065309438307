// ICE consent freshness (RFC 7675) toward the SFU: a browser sends a STUN
// binding request on its selected pair every few seconds, and the SFU (ICE
// lite, with a consent timeout) drops a transport that stops doing so. The
// WebRTC stack the bots use sends none to an ICE-lite peer, so a bot's
// transports would go silent after the SFU's timeout (30 s); this sends them.
import type { Connection } from 'msc-node';

const INTERVAL_MS = 5_000;

interface ConsentInternals {
  state: string;
  remotePassword: string;
  nominatedKeys: string[];
  nominated: Record<
    number,
    { protocol: { request(...args: unknown[]): Promise<unknown> }; remoteAddr: unknown }
  >;
  buildRequest(pair: unknown, nominate: boolean): unknown;
}

/** Sends consent checks on `connection`'s selected pairs until it closes. */
export function keepConsent(connection: Connection): void {
  const ice = connection as unknown as ConsentInternals;
  const timer = setInterval(
    () => {
      if (ice.state === 'closed') {
        clearInterval(timer);
        return;
      }
      for (const key of ice.nominatedKeys) {
        const pair = ice.nominated[Number(key)];
        if (!pair) continue;
        const request = ice.buildRequest(pair, false);
        void pair.protocol
          .request(request, pair.remoteAddr, Buffer.from(ice.remotePassword, 'utf8'), 0)
          .catch(() => undefined);
      }
    },
    // Spread (0.8–1.2 × the interval), as RFC 7675 asks.
    INTERVAL_MS * (0.8 + 0.4 * Math.random()),
  );
  timer.unref();
}
