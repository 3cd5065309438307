// ICE consent freshness (RFC 7675) toward the SFU: a browser sends a STUN
// binding request on its selected pair every few seconds, and the SFU (ICE
// lite, with a consent timeout) stops a transport that goes 30 s without one.
// The WebRTC stack of the Node peers (werift) sends none to an ICE-lite peer,
// so every Node peer's media stopped, all at once, 30 s after it connected;
// this sends them, as a browser does.
import { RTCDtlsTransport, type Connection } from 'msc-node';

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

let installed = false;

/**
 * Every Node WebRTC peer of this process keeps its consent: each DTLS
 * transport starts consent checks when its SRTP starts (once connected).
 */
export function installIceConsent(): void {
  if (installed) return;
  installed = true;
  const proto = RTCDtlsTransport.prototype as unknown as {
    startSrtp(this: RTCDtlsTransport & { srtpStarted: boolean }): void;
  };
  const start = proto.startSrtp;
  proto.startSrtp = function startSrtp() {
    if (!this.srtpStarted) keepConsent(this.iceTransport.connection);
    start.call(this);
  };
}
