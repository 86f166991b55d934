import { describe, expect, it } from 'vitest';
import { parseResilience } from '../../src/gateway/resilience.js';
import { MemoryKVStore } from '../../src/kv-session/index.js';
import { createHarness, jsonOf } from './harness.js';

describe('resilience settings', () => {
  it('has documented defaults', () => {
    expect(parseResilience({})).toEqual({
      cloudDeadlineMs: 3000,
      graceSeconds: 300,
      serverTiming: false,
      unknownTokenBudget: { ratePerSecond: 10, burst: 50 },
      rateLimit: undefined,
    });
  });

  it('reads every setting; a rate of 0 turns the budget off', () => {
    const config = parseResilience({
      CLOUD_DEADLINE_MS: '1500',
      AUTH_GRACE_SECONDS: '0',
      SERVER_TIMING: 'true',
      AUTH_UNKNOWN_TOKEN_RATE: '0',
      AUTH_RATE_LIMIT: { limit: async () => ({ success: true }) },
    });
    expect(config).toMatchObject({ cloudDeadlineMs: 1500, graceSeconds: 0, serverTiming: true });
    expect(config.unknownTokenBudget).toBeUndefined();
    expect(config.rateLimit).toBeDefined();
  });

  it.each([
    ['CLOUD_DEADLINE_MS', '50'],
    ['CLOUD_DEADLINE_MS', '3s'],
    ['AUTH_GRACE_SECONDS', '-1'],
    ['AUTH_GRACE_SECONDS', '3601'],
    ['SERVER_TIMING', 'yes'],
    ['AUTH_UNKNOWN_TOKEN_BURST', '0'],
    ['AUTH_RATE_LIMIT', { nope: true }],
  ])('answers 500 naming %s for %j', async (name, value) => {
    const h = createHarness(new MemoryKVStore(), { [name]: value });
    const health = await h.send('/auth/health');
    expect(health.status).toBe(500);
    expect(await jsonOf(health)).toMatchObject({ problems: [{ setting: name }] });
  });
});
