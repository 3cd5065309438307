// The bookings REST API as the calendar uses it. Every request carries the
// staff token from the credentials store (memory only) as a bearer token;
// failures become ApiFailure with the server's stable code and details.
import type { RoomView } from '../../../signaling/protocol/api/rooms.js';
import type {
  BookingView,
  ConflictDetails,
  CreateBookingInput,
  OccurrenceListItem,
  UpdateBookingInput,
} from '../../../signaling/protocol/api/bookings.js';

export type { BookingView, ConflictDetails, OccurrenceListItem, RoomView };

/** What the calendar sends; the server fills the defaults. */
export type BookingInput = Pick<
  CreateBookingInput,
  'room' | 'title' | 'start' | 'end' | 'timeZone'
> & {
  recurrence: { rule: string } | null;
};
export type BookingPatch = Pick<UpdateBookingInput, 'title' | 'start' | 'end' | 'timeZone'> & {
  recurrence?: { rule: string } | null;
};

export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | undefined,
  ) {
    super(message);
  }
  /** The colliding bookings of a 409, if the server named them. */
  get conflicts(): ConflictDetails['conflicts'] {
    const list = (this.details as Partial<ConflictDetails> | undefined)?.conflicts;
    return Array.isArray(list) ? list : [];
  }
}

export interface BookingsApi {
  rooms(): Promise<RoomView[]>;
  occurrences(officeId: string, from: Date, to: Date): Promise<OccurrenceListItem[]>;
  booking(id: string): Promise<BookingView>;
  create(input: BookingInput): Promise<BookingView>;
  update(id: string, patch: BookingPatch): Promise<BookingView>;
  cancel(id: string): Promise<BookingView>;
  ics(id: string): Promise<Blob>;
}

async function failure(res: Response): Promise<ApiFailure> {
  try {
    const body = (await res.json()) as {
      error?: { code?: string; message?: string; details?: Record<string, unknown> };
    };
    return new ApiFailure(
      res.status,
      body.error?.code ?? 'INTERNAL',
      body.error?.message ?? res.statusText,
      body.error?.details,
    );
  } catch {
    return new ApiFailure(res.status, 'INTERNAL', res.statusText, undefined);
  }
}

/** JSON over fetch with the bearer token; a failure throws ApiFailure. */
export interface ApiFetch {
  send(method: string, path: string, body?: unknown): Promise<Response>;
  json<T>(method: string, path: string, body?: unknown): Promise<T>;
}

export function createApiFetch(token: () => string | undefined, base = ''): ApiFetch {
  async function send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    const bearer = token();
    if (bearer) headers['authorization'] = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      // The token is the credential; no cookies are involved.
      credentials: 'omit',
    });
    if (!res.ok) throw await failure(res);
    return res;
  }
  return {
    send,
    json: async <T>(method: string, path: string, body?: unknown): Promise<T> =>
      (await (await send(method, path, body)).json()) as T,
  };
}

export function createBookingsApi(token: () => string | undefined, base = ''): BookingsApi {
  const { send, json } = createApiFetch(token, base);
  const one = (id: string) => `/api/bookings/${encodeURIComponent(id)}`;

  return {
    rooms: async () => (await json<{ rooms: RoomView[] }>('GET', '/api/rooms')).rooms,
    async occurrences(officeId, from, to) {
      const query = new URLSearchParams({
        officeId,
        from: from.toISOString(),
        to: to.toISOString(),
      });
      return (await json<{ occurrences: OccurrenceListItem[] }>('GET', `/api/bookings?${query}`))
        .occurrences;
    },
    booking: (id) => json('GET', one(id)),
    create: (input) => json('POST', '/api/bookings', input),
    update: (id, patch) => json('PATCH', one(id), patch),
    cancel: (id) => json('DELETE', one(id)),
    ics: async (id) => (await send('GET', `${one(id)}/ics`)).blob(),
  };
}
