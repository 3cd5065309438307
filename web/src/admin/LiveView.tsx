// The live part of the dashboard: the cluster's SFU nodes (state, workers and
// load, drain toggle), SFU workers (load, CPU, drain toggle) and the rooms
// meeting now across the cluster (participants with their media node, end
// for everyone after a confirm step). Refreshed every few seconds and at once after each change.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import type { AdminApi, LiveRoom, SfuNode, SfuWorker } from './api.js';

/** How often the live sections reload. */
export const LIVE_REFRESH_MS = 3_000;

type Live<T> = { value: T | undefined; error: string | undefined };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Loads now, every LIVE_REFRESH_MS and whenever `reload` is called; keeps the last good value. */
function usePolled<T>(load: () => Promise<T>): [Live<T>, () => void] {
  const [live, setLive] = useState<Live<T>>({ value: undefined, error: undefined });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    const timer = setInterval(reload, LIVE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  useEffect(() => {
    let current = true;
    load().then(
      (value) => current && setLive({ value, error: undefined }),
      (error: unknown) => current && setLive((l) => ({ ...l, error: messageOf(error) })),
    );
    return () => {
      current = false;
    };
    // `load` is a fresh closure each render: `tick` alone says when to load again.
  }, [tick]);
  return [live, reload];
}

/**
 * A button's action on a polled list: which item is busy, the error if it
 * failed, and the list polled again afterwards whatever happened.
 */
function useAction<K>(reload: () => void) {
  const [busy, setBusy] = useState<K | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = async (key: K, action: () => Promise<unknown>) => {
    setBusy(key);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(undefined);
      reload();
    }
  };
  return { busy, error, run };
}

function Failed({ message }: { message: string }) {
  return (
    <p class="admin__error" role="alert">
      {t('admin.failed', { message })}
    </p>
  );
}

export function LiveView({ api }: { api: AdminApi }) {
  return (
    <div class="admin__grid">
      <NodesPanel api={api} />
      <SfuPanel api={api} />
      <LiveRoomsPanel api={api} />
    </div>
  );
}

const workerSummary = (w: SfuWorker) =>
  [
    t('admin.workerRooms', { count: w.rooms }),
    t('admin.workerConsumers', { count: w.consumers }),
    w.cpuMs === null ? '' : t('admin.workerCpu', { seconds: (w.cpuMs / 1000).toFixed(1) }),
    w.draining ? t('admin.workerDraining') : '',
  ]
    .filter(Boolean)
    .join(' · ');

/** "Move participants", then a confirm step: the node's meetings go to other nodes. */
function MigrateControl(props: {
  node: SfuNode;
  confirming: boolean;
  busy: boolean;
  ask: () => void;
  cancel: () => void;
  confirm: () => void;
}) {
  const { node } = props;
  if (!props.confirming) {
    return (
      <button
        type="button"
        class="button button--small"
        data-testid="admin-node-migrate"
        aria-label={t('admin.nodeMigrateLabel', { node: node.id })}
        disabled={props.busy}
        onClick={props.ask}
      >
        {t('admin.nodeMigrate')}
      </button>
    );
  }
  const question = t('admin.nodeMigrateConfirm', { node: node.id });
  return (
    <div class="admin__confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button
        type="button"
        class="button button--small button--danger"
        data-testid="admin-node-migrate-confirm"
        onClick={props.confirm}
      >
        {t('admin.nodeMigrateYes')}
      </button>
      <button
        type="button"
        class="button button--small"
        data-testid="admin-node-migrate-cancel"
        onClick={props.cancel}
      >
        {t('admin.nodeMigrateNo')}
      </button>
    </div>
  );
}

function NodesPanel({ api }: { api: AdminApi }) {
  const [nodes, reload] = usePolled(() => api.nodes());
  const { busy, error, run } = useAction<string>(reload);
  const toggle = (node: SfuNode) =>
    run(node.id, () => api.setNodeDraining(node.id, node.state !== 'DRAINING'));
  // Moving a node's meetings interrupts everyone's media for a moment: asked twice.
  const [confirming, setConfirming] = useState<string | undefined>(undefined);
  const migrate = (node: SfuNode) => {
    setConfirming(undefined);
    return run(node.id, () => api.migrateNode(node.id));
  };
  return (
    <section class="admin__panel" aria-labelledby="admin-nodes-title" data-testid="admin-nodes">
      <h2 id="admin-nodes-title">{t('admin.nodes')}</h2>
      {nodes.error && <Failed message={nodes.error} />}
      {error && <Failed message={error} />}
      {nodes.value && nodes.value.length === 0 && <p>{t('admin.noNodes')}</p>}
      {nodes.value && nodes.value.length > 0 && (
        <ul class="admin__list">
          {nodes.value.map((node) => {
            const draining = node.state === 'DRAINING';
            return (
              <li
                key={node.id}
                class="admin__row"
                data-testid="admin-node"
                data-node={node.id}
                data-state={node.state}
              >
                <div class="admin__row-main">
                  <strong>{node.id}</strong>
                  <span class="admin__meta" data-testid="admin-node-state">
                    {[
                      t(`admin.nodeState.${node.state}`),
                      node.version ? t('admin.nodeVersion', { version: node.version }) : '',
                      node.mediaAddress ?? '',
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </span>
                  <span class="admin__meta" data-testid="admin-node-load">
                    {[
                      t('admin.nodeLoad', {
                        rooms: node.rooms,
                        peers: node.peers,
                        consumers: node.workers.reduce((sum, w) => sum + w.consumers, 0),
                      }),
                      node.capacity === null
                        ? ''
                        : t('admin.nodeCapacity', { count: node.capacity }),
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </span>
                  <ul class="admin__people">
                    {node.workers.map((w) => (
                      <li key={w.index} data-testid="admin-node-worker" data-index={w.index}>
                        {t('admin.worker', { index: w.index })}
                        <span class="admin__meta">{` · ${workerSummary(w)}`}</span>
                      </li>
                    ))}
                  </ul>
                </div>
                {node.state !== 'UNREACHABLE' && (
                  <button
                    type="button"
                    class="button button--small"
                    data-testid="admin-node-drain"
                    aria-pressed={draining ? 'true' : 'false'}
                    aria-label={t(draining ? 'admin.nodeUndrainLabel' : 'admin.nodeDrainLabel', {
                      node: node.id,
                    })}
                    disabled={busy === node.id}
                    onClick={() => void toggle(node)}
                  >
                    {t(draining ? 'admin.nodeUndrain' : 'admin.nodeDrain')}
                  </button>
                )}
                {node.migratable && node.state !== 'UNREACHABLE' && node.rooms > 0 && (
                  <MigrateControl
                    node={node}
                    confirming={confirming === node.id}
                    busy={busy === node.id}
                    ask={() => setConfirming(node.id)}
                    cancel={() => setConfirming(undefined)}
                    confirm={() => void migrate(node)}
                  />
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function SfuPanel({ api }: { api: AdminApi }) {
  const [workers, reload] = usePolled(() => api.sfu());
  const { busy, error, run } = useAction<number>(reload);
  const toggle = (w: SfuWorker) => run(w.index, () => api.setDraining(w.index, !w.draining));
  return (
    <section class="admin__panel" aria-labelledby="admin-sfu-title" data-testid="admin-sfu">
      <h2 id="admin-sfu-title">{t('admin.sfu')}</h2>
      {workers.error && <Failed message={workers.error} />}
      {error && <Failed message={error} />}
      {workers.value && (
        <ul class="admin__list">
          {workers.value.map((w) => (
            <li
              key={w.index}
              class="admin__row"
              data-testid="admin-worker"
              data-index={w.index}
              data-draining={w.draining ? 'true' : 'false'}
            >
              <div class="admin__row-main">
                <strong>{t('admin.worker', { index: w.index })}</strong>
                <span class="admin__meta">{workerSummary(w)}</span>
              </div>
              <button
                type="button"
                class="button button--small"
                data-testid="admin-drain"
                aria-pressed={w.draining ? 'true' : 'false'}
                aria-label={t('admin.drainLabel', { index: w.index })}
                disabled={busy === w.index}
                onClick={() => void toggle(w)}
              >
                {t('admin.drain')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function LiveRoomsPanel({ api }: { api: AdminApi }) {
  const [rooms, reload] = usePolled(() => api.liveRooms());
  const [confirming, setConfirming] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const close = async (name: string) => {
    setConfirming(undefined);
    setError(undefined);
    try {
      await api.closeRoom(name);
      setStatus(t('admin.closed', { room: name }));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      reload();
    }
  };
  return (
    <section
      class="admin__panel"
      aria-labelledby="admin-live-rooms-title"
      data-testid="admin-live-rooms"
    >
      <h2 id="admin-live-rooms-title">{t('admin.liveRooms')}</h2>
      <p class="admin__meta" role="status" data-testid="admin-live-status">
        {status}
      </p>
      {rooms.error && <Failed message={rooms.error} />}
      {error && <Failed message={error} />}
      {rooms.value && rooms.value.length === 0 && <p>{t('admin.noLiveRooms')}</p>}
      {rooms.value && rooms.value.length > 0 && (
        <ul class="admin__list">
          {rooms.value.map((r: LiveRoom) => (
            <li key={r.name} class="admin__row" data-testid="admin-live-room" data-room={r.name}>
              <div class="admin__row-main">
                <strong>{r.name}</strong>
                <span class="admin__meta">
                  {[
                    r.started
                      ? t('admin.liveSince', { time: formatTime(new Date(r.started)) })
                      : '',
                    r.lobby > 0 ? t('admin.lobbyWaiting', { count: r.lobby }) : '',
                    r.locked ? t('admin.locked') : '',
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
                <ul class="admin__people" data-testid="admin-live-participants">
                  {r.participants.map((p) => (
                    <li key={p.peerId} data-testid="admin-live-participant">
                      {p.name}
                      <span class="admin__meta">
                        {' · '}
                        {t(`admin.role.${p.role}`)}
                        {p.guest && p.role !== 'guest' ? ` · ${t('admin.guest')}` : ''}
                        {p.node ? (
                          <span data-testid="admin-live-node" data-node={p.node}>
                            {` · ${t('admin.mediaNode', { node: p.node })}`}
                          </span>
                        ) : null}
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
              {confirming === r.name ? (
                <div
                  class="admin__confirm"
                  role="group"
                  aria-label={t('admin.closeConfirm', { room: r.name })}
                >
                  <span>{t('admin.closeConfirm', { room: r.name })}</span>
                  <button
                    type="button"
                    class="button button--small button--danger"
                    data-testid="admin-close-confirm"
                    onClick={() => void close(r.name)}
                  >
                    {t('admin.closeYes')}
                  </button>
                  <button
                    type="button"
                    class="button button--small"
                    data-testid="admin-close-cancel"
                    onClick={() => setConfirming(undefined)}
                  >
                    {t('admin.closeNo')}
                  </button>
                </div>
              ) : (
                <button
                  type="button"
                  class="button button--small button--danger"
                  data-testid="admin-close-room"
                  aria-label={t('admin.closeRoomLabel', { room: r.name })}
                  onClick={() => setConfirming(r.name)}
                >
                  {t('admin.closeRoom')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
