// Which router of a room a newcomer's media goes on: table-tested, since the
// same snapshot must always give the same answer.
import { describe, expect, it } from 'vitest';
import { chooseRouter, type RouterChoiceInput } from '../../sfu/core/routerChoice.js';

const worker = (index: number, consumers: number, draining = false) => ({
  index,
  consumers,
  draining,
});

describe('choosing a room’s router for a newcomer', () => {
  const cases: [string, RouterChoiceInput, ReturnType<typeof chooseRouter>][] = [
    [
      'a small room stays on its one router',
      {
        roomWorkers: [0],
        workers: [worker(0, 10), worker(1, 0)],
        consumersPerWorker: 500,
        roomProducers: 4,
      },
      { existing: 0 },
    ],
    [
      'a room whose worker is full grows onto the emptiest worker',
      {
        roomWorkers: [0],
        workers: [worker(0, 495), worker(1, 300), worker(2, 100)],
        consumersPerWorker: 500,
        roomProducers: 20,
      },
      { newOn: 2 },
    ],
    [
      'of the room’s routers, the one with the most spare takes the newcomer',
      {
        roomWorkers: [0, 1],
        workers: [worker(0, 499), worker(1, 200), worker(2, 0)],
        consumersPerWorker: 500,
        roomProducers: 30,
      },
      { existing: 1 },
    ],
    [
      'just enough spare is enough',
      {
        roomWorkers: [0],
        workers: [worker(0, 480), worker(1, 0)],
        consumersPerWorker: 500,
        roomProducers: 20,
      },
      { existing: 0 },
    ],
    [
      'a draining worker gets a new router only when no other can',
      {
        roomWorkers: [0],
        workers: [worker(0, 500), worker(1, 0, true), worker(2, 450)],
        consumersPerWorker: 500,
        roomProducers: 10,
      },
      { newOn: 2 },
    ],
    [
      'when every other worker has one of the room’s routers, a draining one is used',
      {
        roomWorkers: [0, 2],
        workers: [worker(0, 500), worker(1, 0, true), worker(2, 500)],
        consumersPerWorker: 500,
        roomProducers: 10,
      },
      { newOn: 1 },
    ],
    [
      'when every worker is as full, the room stays where it is (older router first)',
      {
        roomWorkers: [1, 0],
        workers: [worker(0, 600), worker(1, 600)],
        consumersPerWorker: 500,
        roomProducers: 10,
      },
      { existing: 1 },
    ],
    [
      'a new router only where there is more room than on the room’s best',
      {
        roomWorkers: [0],
        workers: [worker(0, 490), worker(1, 495)],
        consumersPerWorker: 500,
        roomProducers: 50,
      },
      { existing: 0 },
    ],
    [
      'ties between workers go to the lower index',
      {
        roomWorkers: [0],
        workers: [worker(0, 500), worker(2, 100), worker(1, 100)],
        consumersPerWorker: 500,
        roomProducers: 5,
      },
      { newOn: 1 },
    ],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    expect(chooseRouter(input)).toEqual(expected);
    // Deterministic: the same snapshot, the same answer.
    expect(chooseRouter(structuredClone(input))).toEqual(expected);
  });
});
