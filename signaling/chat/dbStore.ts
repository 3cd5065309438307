// ChatStore on the database: the same contract as the in-memory store.
import type { Queryable } from '../db/index.js';
import type { ChatMessage, ChatStore } from './store.js';

type ChatRow = {
  id: string;
  room: string;
  from_id: string;
  from_name: string;
  to_id: string | null;
  body: string;
  sent_at: Date;
};

const toMessage = (r: ChatRow): ChatMessage => ({
  id: r.id,
  room: r.room,
  from: r.from_id,
  fromName: r.from_name,
  to: r.to_id ?? undefined,
  text: r.body,
  sentAt: r.sent_at,
});

export function createDatabaseChatStore(db: Queryable): ChatStore {
  return {
    async append(message) {
      await db.query(
        `INSERT INTO chat_messages (id, room, from_id, from_name, to_id, body, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          message.id,
          message.room,
          message.from,
          message.fromName,
          message.to ?? null,
          message.text,
          message.sentAt,
        ],
      );
    },
    async history(room, viewer, limit) {
      // The newest `limit` the viewer may read, then back to oldest first.
      const { rows } = await db.query<ChatRow>(
        `SELECT * FROM (
           SELECT id, room, from_id, from_name, to_id, body, sent_at FROM chat_messages
           WHERE room = $1 AND (to_id IS NULL OR to_id = $2 OR from_id = $2)
           ORDER BY sent_at DESC, id DESC LIMIT $3
         ) newest ORDER BY sent_at, id`,
        [room, viewer, Math.max(0, Math.floor(limit))],
      );
      return rows.map(toMessage);
    },
    async purge(room, before) {
      const { rowCount } = await db.query(
        'DELETE FROM chat_messages WHERE room = $1 AND sent_at < $2',
        [room, before],
      );
      return rowCount;
    },
  };
}
