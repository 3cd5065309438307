// The clip every publishing bot of a process sends: generated once (or read
// from its cache) and packetized once; each publisher gets a player of its own.
import { createClipPlayer, loadClip, type ClipPlayer } from './media/index.js';

export async function createPlayerFactory(): Promise<() => ClipPlayer> {
  const clip = await loadClip();
  return () => createClipPlayer(clip);
}
