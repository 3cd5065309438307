// The dashboard's relay (TURN) check: one button runs relayCheck.ts and a
// table fills in path by path — transport, result (or where it broke), bytes
// received and round trip. Without a TURN server it says so instead.
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../i18n/index.js';
import type { AdminApi } from './api.js';
import { runRelayCheck, type RelayPathResult } from './relayCheck.js';

type Status =
  | { state: 'idle' }
  | { state: 'running' }
  | { state: 'done'; nodeId: string }
  | { state: 'none' }
  | { state: 'failed'; message: string };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const transportName = { udp: 'UDP', tcp: 'TCP', tls: 'TLS' } as const;

function statusText(status: Status): string {
  switch (status.state) {
    case 'idle':
      return '';
    case 'running':
      return t('admin.relayRunning');
    case 'done':
      return t('admin.relayDone', { node: status.nodeId });
    case 'none':
      return t('admin.relayNone');
    case 'failed':
      return t('admin.failed', { message: status.message });
  }
}

function resultText(r: RelayPathResult): string {
  if (r.ok) return t('admin.relayOk');
  const reason = t(`admin.relayFailure.${r.failure ?? 'error'}` as MessageKey);
  return t('admin.relayFailed', { reason: r.detail ? `${reason} — ${r.detail}` : reason });
}

function ResultRow({ r }: { r: RelayPathResult }) {
  return (
    <tr
      data-testid="admin-relay-row"
      data-transport={r.transport}
      data-result={r.ok ? 'ok' : 'failed'}
      data-failure={r.failure ?? ''}
      title={r.url}
    >
      <td>{transportName[r.transport]}</td>
      <td data-testid="admin-relay-result">{resultText(r)}</td>
      <td data-testid="admin-relay-bytes" data-bytes={r.bytes}>
        {r.bytes}
      </td>
      <td data-testid="admin-relay-rtt" data-rtt={r.rttMs ?? ''}>
        {r.rttMs ?? '—'}
      </td>
    </tr>
  );
}

export function RelayCheckPanel({ api }: { api: AdminApi }) {
  const [status, setStatus] = useState<Status>({ state: 'idle' });
  const [results, setResults] = useState<RelayPathResult[]>([]);
  const run = async () => {
    setStatus({ state: 'running' });
    setResults([]);
    try {
      const { nodeId } = await runRelayCheck(api, (r) => setResults((list) => [...list, r]));
      setStatus(nodeId === undefined ? { state: 'none' } : { state: 'done', nodeId });
    } catch (error) {
      setStatus({ state: 'failed', message: messageOf(error) });
    }
  };
  return (
    <section class="admin__panel" aria-labelledby="admin-relay-title" data-testid="admin-relay">
      <h2 id="admin-relay-title">{t('admin.relay')}</h2>
      <p class="admin__meta">{t('admin.relayLead')}</p>
      <button
        type="button"
        class="button button--small"
        data-testid="admin-relay-check"
        disabled={status.state === 'running'}
        onClick={() => void run()}
      >
        {t('admin.relayRun')}
      </button>
      <p
        class={
          status.state === 'none' || status.state === 'failed' ? 'admin__error' : 'admin__meta'
        }
        role="status"
        data-testid="admin-relay-status"
        data-state={status.state}
      >
        {statusText(status)}
      </p>
      {results.length > 0 && (
        <table class="admin__table" data-testid="admin-relay-results">
          <thead>
            <tr>
              <th scope="col">{t('admin.relayTransport')}</th>
              <th scope="col">{t('admin.relayResult')}</th>
              <th scope="col">{t('admin.relayBytes')}</th>
              <th scope="col">{t('admin.relayRtt')}</th>
            </tr>
          </thead>
          <tbody>
            {results.map((r) => (
              <ResultRow key={r.url} r={r} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
