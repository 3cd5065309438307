// Shared test data and typed readers of API answers (parsed with the same
// schemas the OpenAPI document is generated from).
import { expect } from 'vitest';
import { errorBodySchema, type ErrorBody } from '../../../../signaling/api/errors.js';
import { bookingSchema, type BookingView } from '../../../../signaling/protocol/api/bookings.js';
import { roomSchema, type RoomView } from '../../../../signaling/protocol/api/rooms.js';
import type { Queryable } from '../../../../signaling/db/index.js';
import type { ApiResponse, TestApi, TestUser } from './api.js';

/** The API's clock in every suite: bookings go into March and April 2030. */
export const NOW = new Date('2030-03-01T08:00:00Z');

export function booking(res: ApiResponse, status = 200): BookingView {
  expect(res.status, res.text).toBe(status);
  return bookingSchema.parse(res.body);
}

export function room(res: ApiResponse, status = 200): RoomView {
  expect(res.status, res.text).toBe(status);
  return roomSchema.parse(res.body);
}

export function apiError(res: ApiResponse, status: number): ErrorBody['error'] {
  expect(res.status, res.text).toBe(status);
  return errorBodySchema.parse(res.body).error;
}

export async function createRoom(
  api: TestApi,
  user: TestUser,
  body: Record<string, unknown>,
): Promise<RoomView> {
  return room(await api.as(user).post('/api/rooms', { capacity: 10, name: 'Room', ...body }), 201);
}

export async function count(db: Queryable, table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}
