// What the product acknowledged, and the check that it is all still there.
// Writes go through the product as people make them: chat messages over the
// host bot's socket (acknowledged: the reply carries the stored message),
// bookings through the REST API as an office's staff member (201 with the
// booking), and room policy changes (screen sharing on/off) whose audit row
// is written before the reply. Only what was acknowledged is recorded; the
// check reads it all back after a fault — every booking through the REST
// API, the newest chat of each meeting in the history a newcomer gets on
// joining, every chat message and audit row in the database — and verifies
// the audit log's hash chain with the product's own verifier.
import { verifyAuditChain } from '../../signaling/audit/verify.js';
import { openDatabase } from '../../signaling/db/index.js';
import { connectClient } from '../harness/client.js';
import type { Meeting } from './bots.js';

export interface LedgerCheck {
  /** Items read back. */
  checked: number;
  /** What was acknowledged and is not there. */
  lost: string[];
  chainOk: boolean;
  /** `intact (N rows)` or where it broke. */
  chain: string;
}

export interface Writer {
  /** Stops writing, waits for the answer under way; how many writes were acknowledged. */
  stop(): Promise<number>;
}

export interface Ledger {
  /** The persistent room bookings go to (created once). */
  prepare(): Promise<void>;
  /** One of each write in every meeting; every one must be acknowledged (else throws). */
  writeAll(meetings: readonly Meeting[], label: string): Promise<number>;
  /** Writes in turn until stopped, recording what is acknowledged (a fault's window). */
  startWriting(meetings: readonly Meeting[], label: string): Writer;
  /** Reads everything acknowledged so far back. */
  check(meetings: readonly Meeting[]): Promise<LedgerCheck>;
  /** Everything acknowledged so far. */
  size(): number;
}

interface Chat {
  room: string;
  id: string;
  text: string;
}

const BOOKING_ROOM = 'chaos-hall';
/** Chat history a joiner gets holds the newest 100; the newest of these must be in it. */
const HISTORY_CHECKED = 50;
const WRITE_TIMEOUT_MS = 10_000;
const HOUR = 3_600_000;
/** Bookings go into their own hour each, from here on (no two may overlap in a room). */
const FIRST_SLOT = Date.parse('2031-01-06T06:00:00Z');

export function createLedger(urls: readonly string[], databaseUrl: string, token: string): Ledger {
  const chats: Chat[] = [];
  const bookings: string[] = [];
  /** Acknowledged screen-sharing changes per room (each leaves one audit row). */
  const policy = new Map<string, number>();
  let slot = 0;
  let turn = 0;

  const api = async (method: string, path: string, body?: unknown) => {
    const url = urls[turn++ % urls.length]!;
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(WRITE_TIMEOUT_MS),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as { id?: string } };
  };

  async function chat(meeting: Meeting, label: string): Promise<void> {
    const client = meeting.host.client();
    if (!client) throw new Error('the host has no connection');
    const text = `${label} #${chats.length + 1}`;
    const reply = await client.send('sendChat', { text });
    if (!reply.ok) throw new Error(`sendChat: ${reply.error.code} ${reply.error.message}`);
    chats.push({ room: meeting.room, id: reply.data.message.id, text });
  }

  async function book(label: string): Promise<void> {
    const start = FIRST_SLOT + slot++ * HOUR;
    const res = await api('POST', '/api/bookings', {
      room: BOOKING_ROOM,
      title: label,
      start: new Date(start).toISOString(),
      end: new Date(start + HOUR / 2).toISOString(),
      timeZone: 'Europe/Moscow',
    });
    if (res.status !== 201 || !res.body.id) throw new Error(`booking: ${res.status}`);
    bookings.push(res.body.id);
  }

  async function changePolicy(meeting: Meeting): Promise<void> {
    const client = meeting.host.client();
    if (!client) throw new Error('the host has no connection');
    const count = policy.get(meeting.room) ?? 0;
    const reply = await client.send('setScreenShareAllowed', { allowed: count % 2 === 1 });
    if (!reply.ok) throw new Error(`setScreenShareAllowed: ${reply.error.code}`);
    policy.set(meeting.room, count + 1);
  }

  const writes = (meetings: readonly Meeting[], label: string) =>
    meetings.flatMap((m) => [() => chat(m, label), () => book(label), () => changePolicy(m)]);
  const size = () =>
    chats.length + bookings.length * 2 + [...policy.values()].reduce((a, b) => a + b, 0);

  return {
    size,
    async prepare() {
      const res = await api('POST', '/api/rooms', {
        slug: BOOKING_ROOM,
        name: 'Chaos',
        capacity: 50,
      });
      if (res.status !== 201) throw new Error(`creating the booking room: ${res.status}`);
    },
    async writeAll(meetings, label) {
      const before = size();
      for (const write of writes(meetings, label)) await write();
      return size() - before;
    },
    startWriting(meetings, label) {
      const all = writes(meetings, label);
      const before = size();
      let stopped = false;
      const loop = (async () => {
        for (let i = 0; !stopped; i += 1) {
          // Refused or unanswered: not acknowledged, nothing to hold the product to.
          await all[i % all.length]!().catch(() => undefined);
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      return {
        async stop() {
          stopped = true;
          await loop;
          return size() - before;
        },
      };
    },
    async check(meetings) {
      const lost: string[] = [];
      let checked = 0;
      for (const id of bookings) {
        const res = await api('GET', `/api/bookings/${id}`).catch(() => undefined);
        if (res?.status !== 200)
          lost.push(`booking ${id} (GET answered ${res?.status ?? 'nothing'})`);
        checked += 1;
      }
      for (const meeting of meetings) {
        const newest = chats.filter((c) => c.room === meeting.room).slice(-HISTORY_CHECKED);
        const joiner = await connectClient(urls[turn++ % urls.length]!);
        try {
          const joined = await joiner.join(meeting.room, 'Chaos checker');
          const history = new Set(joined.chat.map((m) => m.id));
          for (const c of newest)
            if (!history.has(c.id)) lost.push(`chat "${c.text}" not in the history`);
          await joiner.request('leave', {});
        } finally {
          joiner.close();
        }
      }
      const db = await openDatabase({ databaseUrl, dataDir: '' });
      try {
        const stored = await db.query<{ id: string }>(
          'SELECT id FROM chat_messages WHERE id = ANY($1::text[])',
          [chats.map((c) => c.id)],
        );
        const ids = new Set(stored.rows.map((r) => r.id));
        for (const c of chats) if (!ids.has(c.id)) lost.push(`chat "${c.text}" not stored`);
        checked += chats.length;
        const rows = await db.query<{ target: string }>(
          "SELECT target FROM audit_log WHERE action = 'booking.create' AND target = ANY($1::text[])",
          [bookings],
        );
        const audited = new Set(rows.rows.map((r) => r.target));
        for (const id of bookings) if (!audited.has(id)) lost.push(`audit row of booking ${id}`);
        checked += bookings.length;
        const counts = await db.query<{ room: string; n: number }>(
          `SELECT room, count(*)::int AS n FROM audit_log
           WHERE action = 'room.screenShare' AND room = ANY($1::text[]) GROUP BY room`,
          [[...policy.keys()]],
        );
        for (const [room, acknowledged] of policy) {
          const n = counts.rows.find((r) => r.room === room)?.n ?? 0;
          if (n < acknowledged)
            lost.push(
              `${acknowledged - n} of ${acknowledged} audit rows of ${room}'s policy changes`,
            );
          checked += acknowledged;
        }
        const chain = await verifyAuditChain(db);
        return {
          checked,
          lost,
          chainOk: chain.ok,
          chain: chain.ok
            ? `intact (${chain.rows} rows)`
            : `broken at row ${chain.id}: ${chain.reason}`,
        };
      } finally {
        await db.close();
      }
    },
  };
}
