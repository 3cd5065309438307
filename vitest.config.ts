import { defineConfig } from 'vitest/config';

// One project per test tier; `npm test` runs them all (test/run-all.mjs).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'webrtc',
          include: ['test/webrtc/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
          // One file at a time: the machine has two cores and Chromium is heavy.
          fileParallelism: false,
        },
      },
      {
        test: {
          // The short form of `npm run chaos` (test/chaos/chaos.test.ts): it
          // starts and breaks a deployment of its own, one file at a time.
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          testTimeout: 170_000,
          hookTimeout: 170_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // The short form of `npm run fuzz` (test/fuzz/fuzz.test.ts).
          name: 'fuzz',
          include: ['test/fuzz/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 170_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
