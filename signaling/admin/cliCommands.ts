// The admin CLI's commands over the REST API (/api/admin): list nodes and
// rooms, drain or undrain a node, close a room (through restClient.ts).
// Output is a table, or the API's JSON with --json.
import { z } from 'zod';
import { liveRoomSchema, nodeViewSchema, type LiveRoomView, type NodeView } from '../api/live.js';
import { adminRestClient, CliFailure, type ExitCode } from './restClient.js';

export const ADMIN_USAGE = `usage: npm run admin -- <command> [--json]
  nodes                     SFU nodes: state, workers, load, rooms and participants
  rooms                     live rooms across the cluster, with each participant's media node
  drain <node> [--migrate]  no new rooms or participants on the node (--migrate: move its rooms and participants to other nodes)
  undrain <node>            the node takes new rooms and participants again
  close-room <room>         end the meeting in a room for everyone
environment: VECHE_URL (default http://localhost:3000), VECHE_TOKEN (an admin's staff token; required)`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export type { ExitCode } from './restClient.js';

type Command =
  | { name: 'nodes' | 'rooms' }
  | { name: 'drain'; node: string; migrate: boolean }
  | { name: 'undrain'; node: string }
  | { name: 'close-room'; room: string };

function parse(argv: readonly string[]): { command: Command; json: boolean } {
  const json = argv.includes('--json');
  const migrate = argv.includes('--migrate');
  const unknown = argv.filter((a) => a.startsWith('--') && a !== '--json' && a !== '--migrate');
  if (unknown.length > 0) throw new CliFailure(`unknown option ${unknown[0]}`, 2);
  const [name, target, ...rest] = argv.filter((a) => !a.startsWith('--'));
  if (rest.length > 0) throw new CliFailure(`unexpected argument ${rest[0]}`, 2);
  const needs = (what: string): string => {
    if (!target) throw new CliFailure(`${name} needs a ${what}`, 2);
    return target;
  };
  if (migrate && name !== 'drain') throw new CliFailure('--migrate goes with drain only', 2);
  switch (name) {
    case 'nodes':
    case 'rooms':
      if (target) throw new CliFailure(`${name} takes no argument`, 2);
      return { command: { name }, json };
    case 'drain':
      return { command: { name, node: needs('node id'), migrate }, json };
    case 'undrain':
      return { command: { name, node: needs('node id') }, json };
    case 'close-room':
      return { command: { name, room: needs('room name') }, json };
    case undefined:
      throw new CliFailure('no command given', 2);
    default:
      throw new CliFailure(`unknown command ${name}`, 2);
  }
}

/** Left-aligned columns, two spaces apart. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

function nodeTable(nodes: readonly NodeView[]): string[] {
  if (nodes.length === 0) return ['no SFU nodes'];
  return table(
    ['NODE', 'STATE', 'WORKERS', 'ROOMS', 'PEERS', 'CONSUMERS', 'CAPACITY', 'VERSION', 'ADDRESS'],
    nodes.map((n) => [
      n.id,
      n.state,
      `${n.workers.length}${n.workers.some((w) => w.draining) ? ` (${n.workers.filter((w) => w.draining).length} draining)` : ''}`,
      String(n.rooms),
      String(n.peers),
      String(n.workers.reduce((sum, w) => sum + w.consumers, 0)),
      n.capacity === null ? '-' : String(n.capacity),
      n.version ?? '-',
      n.mediaAddress ?? n.internalUrl ?? 'in-process',
    ]),
  );
}

function roomTable(rooms: readonly LiveRoomView[]): string[] {
  if (rooms.length === 0) return ['no live rooms'];
  return table(
    ['ROOM', 'PARTICIPANTS', 'LOBBY', 'LOCKED', 'MEDIA NODES', 'STARTED'],
    rooms.map((r) => [
      r.name,
      String(r.participants.length),
      String(r.lobby),
      r.locked ? 'yes' : 'no',
      [...new Set(r.participants.map((p) => p.node ?? '?'))].join(',') || '-',
      r.started ?? '-',
    ]),
  );
}

export async function runAdminCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): Promise<ExitCode> {
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(ADMIN_USAGE);
      return 0;
    }
    const { command, json } = parse(argv);
    const { call } = adminRestClient(env);

    const show = (value: unknown, lines: () => string[]) => {
      if (json) io.out(JSON.stringify(value, null, 2));
      else for (const line of lines()) io.out(line);
    };
    const nodePath = (id: string, action: string) =>
      `/api/admin/nodes/${encodeURIComponent(id)}/${action}`;

    switch (command.name) {
      case 'nodes': {
        const answer = await call(
          'GET',
          '/api/admin/nodes',
          z.object({ nodes: z.array(nodeViewSchema) }),
        );
        show(answer, () => nodeTable(answer.nodes));
        break;
      }
      case 'rooms': {
        const answer = await call(
          'GET',
          '/api/admin/rooms',
          z.object({ rooms: z.array(liveRoomSchema) }),
        );
        show(answer, () => roomTable(answer.rooms));
        break;
      }
      case 'drain':
      case 'undrain': {
        const node =
          command.name === 'drain'
            ? await call('POST', nodePath(command.node, 'drain'), nodeViewSchema, {
                migrate: command.migrate,
              })
            : await call('POST', nodePath(command.node, 'undrain'), nodeViewSchema);
        show(node, () => [`${node.id}: ${node.state}`, ...nodeTable([node])]);
        break;
      }
      case 'close-room': {
        const answer = await call(
          'POST',
          `/api/admin/rooms/${encodeURIComponent(command.room)}/close`,
          z.object({ closed: z.literal(true) }),
        );
        show(answer, () => [`${command.room}: closed`]);
        break;
      }
    }
    return 0;
  } catch (error) {
    if (!(error instanceof CliFailure)) throw error;
    io.err(`veche-admin: ${error.message}`);
    if (error.code === 2) io.err(ADMIN_USAGE);
    return error.code;
  }
}
