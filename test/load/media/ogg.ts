// Ogg pages to Opus packets (RFC 3533, RFC 7845). A packet is the run of
// lacing segments up to the first one shorter than 255 bytes, and may carry
// over to the next page; the OpusHead and OpusTags header packets are read or
// skipped, the rest are the audio packets an RTP sender sends as they are.

export interface OpusHead {
  readonly channels: number;
  /** Samples (at 48 kHz) the decoder drops at the start. */
  readonly preSkip: number;
  readonly inputSampleRate: number;
}

export interface OggOpus {
  readonly head: OpusHead;
  readonly packets: Buffer[];
}

const PAGE_HEADER = 27;

/** Every packet of the file's single logical stream, header packets included. */
function oggPackets(file: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  let serial: number | undefined;
  let offset = 0;
  while (offset < file.length) {
    if (
      offset + PAGE_HEADER > file.length ||
      file.toString('latin1', offset, offset + 4) !== 'OggS'
    ) {
      throw new Error(`no Ogg page at byte ${offset}`);
    }
    const pageSerial = file.readUInt32LE(offset + 14);
    if (serial !== undefined && pageSerial !== serial) {
      throw new Error('Ogg files with several logical streams are not supported');
    }
    serial = pageSerial;
    const segments = file[offset + 26]!;
    const table = offset + PAGE_HEADER;
    let body = table + segments;
    for (let i = 0; i < segments; i += 1) {
      const size = file[table + i]!;
      if (body + size > file.length) throw new Error('truncated Ogg page');
      pending.push(file.subarray(body, body + size));
      body += size;
      if (size < 255) {
        packets.push(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
        pending = [];
      }
    }
    offset = body;
  }
  return packets;
}

function parseHead(packet: Buffer | undefined): OpusHead {
  if (!packet || packet.length < 19 || packet.toString('latin1', 0, 8) !== 'OpusHead') {
    throw new Error('not an Ogg Opus file (no OpusHead)');
  }
  return {
    channels: packet[9]!,
    preSkip: packet.readUInt16LE(10),
    inputSampleRate: packet.readUInt32LE(12),
  };
}

export function parseOggOpus(file: Buffer): OggOpus {
  const [head, tags, ...packets] = oggPackets(file);
  if (!tags || tags.toString('latin1', 0, 8) !== 'OpusTags') {
    throw new Error('Ogg Opus file without OpusTags');
  }
  return { head: parseHead(head), packets };
}

/** One frame's duration by the TOC byte's configuration number (RFC 6716 3.1). */
function frameMs(config: number): number {
  if (config < 12) return [10, 20, 40, 60][config % 4]!; // SILK
  if (config < 16) return [10, 20][config % 2]!; // hybrid
  return [2.5, 5, 10, 20][config % 4]!; // CELT
}

/** How long an Opus packet plays, from its TOC byte (and frame count byte for code 3). */
export function opusPacketDurationMs(packet: Buffer): number {
  const toc = packet[0];
  if (toc === undefined) throw new Error('empty Opus packet');
  const code = toc & 0x03;
  const frames = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3f : 2;
  return frameMs(toc >> 3) * frames;
}
