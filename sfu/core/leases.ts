// Who holds which room and peer, and until when. A holder (an owner: a
// signaling node) has one lease covering everything it holds; renewing it
// extends all of it. Nothing here closes media: the reaper asks what is due
// and the SFU closes it, reporting why.

export interface Leases {
  /** `owner` holds the room (openRoom with an owner) and its lease runs at least `leaseMs` more. */
  holdRoom(roomId: string, owner: string, leaseMs: number): void;
  /** `owner` now holds the peer; answers the previous holder, if any. */
  holdPeer(roomId: string, peerId: string, owner: string, leaseMs: number): string | undefined;
  /** Extends the owner's lease; answers how much it holds. */
  renew(owner: string, leaseMs: number): { rooms: number; peers: number };
  /** The peer is gone (closed or reaped): nobody holds it. */
  forgetPeer(roomId: string, peerId: string): void;
  /** The room is gone: nobody holds it or its peers. */
  forgetRoom(roomId: string): void;
  /** Everything is gone (the node fenced itself): no owner holds anything, no lease runs. */
  clear(): void;
  /**
   * Ends the leases that ran out; answers the peers of their owners (to reap)
   * and the rooms that were held by owners and now are held by none (to
   * close when they have no peers left).
   */
  expire(): { peers: { roomId: string; peerId: string }[]; unheldRooms: string[] };
}

export function createLeases(now: () => number): Leases {
  /** When each owner's lease runs out (ms, on `now`'s clock). */
  const expiries = new Map<string, number>();
  /** Rooms opened by owners, with the owners holding them. */
  const roomHolders = new Map<string, Set<string>>();
  /** Peers attached by an owner, per room. */
  const peerHolders = new Map<string, Map<string, string>>();

  function extend(owner: string, leaseMs: number): void {
    const until = now() + leaseMs;
    expiries.set(owner, Math.max(expiries.get(owner) ?? 0, until));
  }

  return {
    holdRoom(roomId, owner, leaseMs) {
      extend(owner, leaseMs);
      let holders = roomHolders.get(roomId);
      if (!holders) roomHolders.set(roomId, (holders = new Set()));
      holders.add(owner);
    },
    holdPeer(roomId, peerId, owner, leaseMs) {
      extend(owner, leaseMs);
      let peers = peerHolders.get(roomId);
      if (!peers) peerHolders.set(roomId, (peers = new Map()));
      const previous = peers.get(peerId);
      peers.set(peerId, owner);
      return previous;
    },
    renew(owner, leaseMs) {
      // A renewal replaces the lease: it runs leaseMs from now.
      expiries.set(owner, now() + leaseMs);
      let rooms = 0;
      let peers = 0;
      for (const holders of roomHolders.values()) if (holders.has(owner)) rooms += 1;
      for (const held of peerHolders.values()) {
        for (const holder of held.values()) if (holder === owner) peers += 1;
      }
      return { rooms, peers };
    },
    forgetPeer(roomId, peerId) {
      peerHolders.get(roomId)?.delete(peerId);
    },
    forgetRoom(roomId) {
      roomHolders.delete(roomId);
      peerHolders.delete(roomId);
    },
    clear() {
      expiries.clear();
      roomHolders.clear();
      peerHolders.clear();
    },
    expire() {
      const at = now();
      for (const [owner, until] of expiries) if (until <= at) expiries.delete(owner);
      const peers: { roomId: string; peerId: string }[] = [];
      for (const [roomId, held] of peerHolders) {
        for (const [peerId, owner] of held) {
          if (!expiries.has(owner)) peers.push({ roomId, peerId });
        }
      }
      const unheldRooms: string[] = [];
      for (const [roomId, holders] of roomHolders) {
        for (const owner of holders) if (!expiries.has(owner)) holders.delete(owner);
        if (holders.size === 0) unheldRooms.push(roomId);
      }
      return { peers, unheldRooms };
    },
  };
}
