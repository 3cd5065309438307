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
  /** Pipe transports toward other SFU nodes (a room that spans nodes). */
  pipe: PipeOptions;
  /**
   * Consumers one worker is sized for (SFU_CONSUMERS_PER_WORKER): a room
   * whose workers have no room for a newcomer's consumers grows onto another.
   */
  consumersPerWorker: number;
}

/** SFU_CONSUMERS_PER_WORKER's default, until the capacity benchmark says otherwise. */
export const DEFAULT_CONSUMERS_PER_WORKER = 500;

export interface PipeOptions {
  /** Local address pipe transports bind to (PIPE_LISTEN_IP). */
  listenIp: string;
  /** Address other nodes send to, if not listenIp (PIPE_ANNOUNCED_ADDRESS). */
  announcedAddress: string | undefined;
  /** UDP ports pipe transports take theirs from (PIPE_PORT_RANGE), inclusive. */
  portRange: { min: number; max: number };
}

/** PIPE_PORT_RANGE's default, and what an embedded SFU (which never pipes) is given. */
export const DEFAULT_PIPE_PORT_RANGE = { min: 44000, max: 44999 } as const;

/** An embedded SFU's pipe settings: it has no other node to pipe to, so loopback. */
export const embeddedPipeOptions = (): PipeOptions => ({
  listenIp: '127.0.0.1',
  announcedAddress: undefined,
  portRange: { ...DEFAULT_PIPE_PORT_RANGE },
});
