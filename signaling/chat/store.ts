// Chat messages of a room: public, or private to one participant.
export interface ChatMessage {
  readonly id: string;
  readonly room: string;
  /** Sender's peer-independent id: staff subject or `guest:<inviteId>` or `anon:<peerId>`. */
  readonly from: string;
  readonly fromName: string;
  /** Recipient's id for a private message; undefined for everyone. */
  readonly to: string | undefined;
  readonly text: string;
  readonly sentAt: Date;
}

export interface ChatStore {
  append(message: ChatMessage): Promise<void>;
  /**
   * The last `limit` messages of a room that `viewer` may read (public ones
   * and private ones from or to them), oldest first.
   */
  history(room: string, viewer: string, limit: number): Promise<ChatMessage[]>;
  /** Deletes messages older than `before`; returns how many. */
  purge(room: string, before: Date): Promise<number>;
}

export function createMemoryChatStore(): ChatStore {
  const rooms = new Map<string, ChatMessage[]>();
  return {
    async append(message) {
      const list = rooms.get(message.room) ?? [];
      list.push(message);
      rooms.set(message.room, list);
    },
    async history(room, viewer, limit) {
      const visible = (rooms.get(room) ?? []).filter(
        (m) => m.to === undefined || m.to === viewer || m.from === viewer,
      );
      return visible.slice(-limit);
    },
    async purge(room, before) {
      const list = rooms.get(room) ?? [];
      const kept = list.filter((m) => m.sentAt >= before);
      rooms.set(room, kept);
      return list.length - kept.length;
    },
  };
}
