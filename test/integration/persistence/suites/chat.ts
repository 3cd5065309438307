// Chat kept in the database: who sees which message, and retention.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabaseChatStore } from '../../../../signaling/chat/dbStore.js';
import { purgeExpiredChat } from '../../../../signaling/chat/retention.js';
import type { ChatMessage, ChatStore } from '../../../../signaling/chat/store.js';
import { startApi, users, type TestApi } from '../support/api.js';
import type { Backend } from '../support/backend.js';
import { createRoom, NOW } from '../support/fixtures.js';

const DAY = 86_400_000;
let seq = 0;
const message = (room: string, from: string, text: string, at: Date, to?: string): ChatMessage => ({
  id: `m${(seq += 1)}`,
  room,
  from,
  fromName: from.toUpperCase(),
  to,
  text,
  sentAt: at,
});
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

export function chatSuite(backend: () => Backend) {
  describe('chat store', () => {
    let api: TestApi;
    let store: ChatStore;
    beforeAll(async () => {
      api = await startApi(await backend().fresh(), { now: NOW });
      store = createDatabaseChatStore(api.db);
      await createRoom(api, users.alice, { slug: 'short-memory', chatRetentionDays: 7 });
    });
    afterAll(() => api.close());

    it('shows everyone the public messages and a private one only to its sender and recipient', async () => {
      await store.append(message('r1', 'alice', 'всем привет', minutes(1)));
      await store.append(message('r1', 'bob', 'только Алисе', minutes(2), 'alice'));
      await store.append(message('r1', 'carol', 'for Bob', minutes(3), 'bob'));
      await store.append(message('r2', 'alice', 'other room', minutes(4)));
      const texts = async (viewer: string) =>
        (await store.history('r1', viewer, 50)).map((m) => m.text);
      expect(await texts('alice')).toEqual(['всем привет', 'только Алисе']);
      expect(await texts('bob')).toEqual(['всем привет', 'только Алисе', 'for Bob']);
      expect(await texts('carol')).toEqual(['всем привет', 'for Bob']);
      expect(await texts('dave')).toEqual(['всем привет']);
      const [first] = await store.history('r1', 'bob', 50);
      expect(first).toEqual({
        id: expect.any(String),
        room: 'r1',
        from: 'alice',
        fromName: 'ALICE',
        to: undefined,
        text: 'всем привет',
        sentAt: minutes(1),
      });
    });

    it('returns the latest messages up to the limit, oldest first', async () => {
      for (let i = 0; i < 5; i += 1)
        await store.append(message('r3', 'alice', `n${i}`, minutes(i)));
      expect((await store.history('r3', 'bob', 3)).map((m) => m.text)).toEqual(['n2', 'n3', 'n4']);
    });

    it('purges messages older than a date, in that room only', async () => {
      await store.append(message('r4', 'alice', 'old', minutes(-60)));
      await store.append(message('r4', 'alice', 'new', minutes(10)));
      await store.append(message('r5', 'alice', 'old elsewhere', minutes(-60)));
      expect(await store.purge('r4', NOW)).toBe(1);
      expect((await store.history('r4', 'x', 10)).map((m) => m.text)).toEqual(['new']);
      expect(await store.history('r5', 'x', 10)).toHaveLength(1);
    });

    it("keeps each persistent room's chat for its retention days, ad-hoc rooms for the default", async () => {
      const at = (days: number) => new Date(NOW.getTime() - days * DAY);
      await store.append(message('short-memory', 'a', 'eight days', at(8)));
      await store.append(message('short-memory', 'a', 'six days', at(6)));
      await store.append(message('ad-hoc', 'a', 'eight days', at(8)));
      await store.append(message('ad-hoc', 'a', 'forty days', at(40)));
      const purged = await purgeExpiredChat(api.db, NOW, 30);
      expect(purged).toBe(2);
      expect((await store.history('short-memory', 'x', 10)).map((m) => m.text)).toEqual([
        'six days',
      ]);
      expect((await store.history('ad-hoc', 'x', 10)).map((m) => m.text)).toEqual(['eight days']);
    });
  });
}
