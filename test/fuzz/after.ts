// After the fuzzing, the service still does what people use it for: a
// newcomer joins a new room, chat is delivered and kept (a later joiner gets
// it in the history), a host's action is written to the audit log, and the
// audit log's hash chain is intact from its first row to its last.
import { verifyAuditChain } from '../../signaling/audit/verify.js';
import { openDatabase } from '../../signaling/db/index.js';
import { connectClient } from '../harness/client.js';

export interface AfterChecks {
  join: boolean;
  chat: boolean;
  audit: boolean;
  /** `intact (N rows)` or where it broke. */
  auditChain: string;
  problems: string[];
}

export async function checkAfterwards(
  url: string,
  databaseUrl: string,
  room: string,
): Promise<AfterChecks> {
  const result: AfterChecks = {
    join: false,
    chat: false,
    audit: false,
    auditChain: 'unchecked',
    problems: [],
  };
  const host = await connectClient(url).catch((e: Error) => {
    result.problems.push(`connect: ${e.message}`);
    return undefined;
  });
  if (!host) return result;
  const db = await openDatabase({ databaseUrl, dataDir: '' });
  try {
    await host.join(room, 'После проверки');
    result.join = true;
    const text = 'the fuzzing is over';
    await host.request('sendChat', { text });
    const later = await connectClient(url);
    try {
      const joined = await later.join(room, 'Второй');
      result.chat = joined.chat.some((m) => m.text === text);
      if (!result.chat)
        result.problems.push('a later joiner did not get the chat message in the history');
    } finally {
      later.close();
    }
    await host.request('setRoomLock', { locked: true });
    // The audit row is written as the request is answered; it is there by now or soon.
    for (let i = 0; i < 50 && !result.audit; i += 1) {
      const rows = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_log WHERE room = $1 AND action = 'room.lock'",
        [room],
      );
      result.audit = (rows.rows[0]?.n ?? 0) > 0;
      if (!result.audit) await new Promise((r) => setTimeout(r, 100));
    }
    if (!result.audit) result.problems.push('locking the room wrote no audit row');
    const chain = await verifyAuditChain(db);
    result.auditChain = chain.ok
      ? `intact (${chain.rows} rows)`
      : `broken at row ${chain.id}: ${chain.reason}`;
    if (!chain.ok) result.problems.push(`audit chain ${result.auditChain}`);
  } catch (error) {
    result.problems.push((error as Error).message);
  } finally {
    host.close();
    await db.close();
  }
  return result;
}
