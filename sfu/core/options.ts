export interface SfuOptions {
  /** Number of mediasoup workers (one per core by default). */
  workers: number;
  /** First WebRtcServer port; worker i listens on rtcPort + i (UDP and TCP). 0 = any free port. */
  rtcPort: number;
  /** Local address the WebRtcServers bind to. */
  listenIp: string;
  /** Address announced to browsers in ICE candidates (LAN or public IP), if not listenIp. */
  announcedAddress: string | undefined;
  /** mediasoup worker log level. */
  workerLogLevel: 'debug' | 'warn' | 'error' | 'none';
  /** Outgoing bitrate estimate a new transport starts with. */
  initialAvailableOutgoingBitrate: number;
}
