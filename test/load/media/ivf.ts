// IVF, the plain VP8 container libvpx writes: a 32-byte file header, then per
// frame a 12-byte header (size, 64-bit timestamp) and the frame itself.

export interface IvfFrame {
  readonly data: Buffer;
  readonly timestamp: number;
  /** From the VP8 frame tag: bit 0 of the first byte is 0 on a keyframe (RFC 6386 9.1). */
  readonly keyframe: boolean;
}

export interface Ivf {
  readonly fourcc: string;
  readonly width: number;
  readonly height: number;
  /** Frames per second as the header's time base says (rate / scale). */
  readonly rate: number;
  readonly scale: number;
  readonly frames: IvfFrame[];
}

const FILE_HEADER = 32;
const FRAME_HEADER = 12;

export const isVp8Keyframe = (frame: Buffer): boolean => frame.length > 0 && (frame[0]! & 1) === 0;

export function parseIvf(file: Buffer): Ivf {
  if (file.length < FILE_HEADER || file.toString('latin1', 0, 4) !== 'DKIF') {
    throw new Error('not an IVF file (no DKIF signature)');
  }
  const headerSize = file.readUInt16LE(6);
  const frames: IvfFrame[] = [];
  let offset = Math.max(headerSize, FILE_HEADER);
  while (offset + FRAME_HEADER <= file.length) {
    const size = file.readUInt32LE(offset);
    const start = offset + FRAME_HEADER;
    if (start + size > file.length) throw new Error(`IVF frame ${frames.length} is truncated`);
    const data = file.subarray(start, start + size);
    const timestamp = Number(file.readBigUInt64LE(offset + 4));
    frames.push({ data, timestamp, keyframe: isVp8Keyframe(data) });
    offset = start + size;
  }
  return {
    fourcc: file.toString('latin1', 8, 12),
    width: file.readUInt16LE(12),
    height: file.readUInt16LE(14),
    rate: file.readUInt32LE(16),
    scale: file.readUInt32LE(20),
    frames,
  };
}

/** An IVF file of VP8 frames, one per time-base tick. */
export function writeIvf(
  frames: readonly Buffer[],
  meta: { width: number; height: number; fps: number },
): Buffer {
  const header = Buffer.alloc(FILE_HEADER);
  header.write('DKIF', 0, 'latin1');
  header.writeUInt16LE(0, 4);
  header.writeUInt16LE(FILE_HEADER, 6);
  header.write('VP80', 8, 'latin1');
  header.writeUInt16LE(meta.width, 12);
  header.writeUInt16LE(meta.height, 14);
  header.writeUInt32LE(meta.fps, 16);
  header.writeUInt32LE(1, 20);
  header.writeUInt32LE(frames.length, 24);
  const parts: Buffer[] = [header];
  frames.forEach((frame, i) => {
    const frameHeader = Buffer.alloc(FRAME_HEADER);
    frameHeader.writeUInt32LE(frame.length, 0);
    frameHeader.writeBigUInt64LE(BigInt(i), 4);
    parts.push(frameHeader, frame);
  });
  return Buffer.concat(parts);
}
