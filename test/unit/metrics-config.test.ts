// METRICS_TOKEN as an operator sets it, on signaling and SFU nodes alike:
// optional (an empty value is unset), 32+ visible characters when given (it
// travels in an Authorization header), and never one of the secrets a
// scraper must not hold.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../signaling/config.js';
import { loadSfuNodeConfig } from '../../sfu/node/config.js';

const token = 'm'.repeat(40);
const sfuSecret = 's'.repeat(40);

describe('METRICS_TOKEN', () => {
  it('is optional: unset or empty leaves /metrics open', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: '  ' }).metricsToken).toBeUndefined();
    expect(loadSfuNodeConfig({ SFU_SECRET: sfuSecret }).metricsToken).toBeUndefined();
  });

  it('is taken as given on both kinds of node', () => {
    expect(loadConfig({ METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(loadSfuNodeConfig({ SFU_SECRET: sfuSecret, METRICS_TOKEN: token }).metricsToken).toBe(
      token,
    );
  });

  it('refuses short tokens, tokens with spaces, and the internal secrets', () => {
    for (const bad of ['short', `${'a'.repeat(20)} ${'b'.repeat(20)}`, `${'é'.repeat(40)}`]) {
      expect(() => loadConfig({ METRICS_TOKEN: bad })).toThrow(/METRICS_TOKEN/);
      expect(() => loadSfuNodeConfig({ SFU_SECRET: sfuSecret, METRICS_TOKEN: bad })).toThrow(
        /METRICS_TOKEN/,
      );
    }
    expect(() => loadConfig({ METRICS_TOKEN: token, JWT_SECRET: token })).toThrow(
      /METRICS_TOKEN must differ/,
    );
    expect(() =>
      loadConfig({ METRICS_TOKEN: token, SFU_NODES: 'http://127.0.0.1:7100', SFU_SECRET: token }),
    ).toThrow(/METRICS_TOKEN must differ/);
    expect(() => loadSfuNodeConfig({ SFU_SECRET: token, METRICS_TOKEN: token })).toThrow(
      /METRICS_TOKEN: must differ from SFU_SECRET/,
    );
  });
});
