import { describe, expect, it } from 'vitest';
import { stateCache } from '../../src/gateway/state.js';
import { MemoryKVStore } from '../../src/kv-session/index.js';

const env = () => ({
  UPSTREAM_URL: 'http://runner.internal',
  SESSION_SECRET: 's'.repeat(32),
  MASTRA_CLOUD_API_URL: 'https://cloud.example',
  PROJECT_ID: 'p1',
  PUBLIC_ORIGIN: 'https://gw.example',
  AUTH_KV: new MemoryKVStore(),
  BUSINESS_JWT_TOKEN: 'svc',
});

describe('stateCache', () => {
  it('builds the state once per env object', () => {
    const load = stateCache({});
    const bindings = env();
    const first = load(bindings);
    expect(first.ok).toBe(true);
    expect(load(bindings)).toBe(first);
    expect(load(env())).not.toBe(first);
  });

  it('wires service tokens, then Cloud, and names both cookie modes as the gateway own', () => {
    const result = stateCache({})(env());
    if (!result.ok) throw new Error('expected a state');
    const { state } = result;
    expect(state.auth.providers.map((p) => p.name ?? 'unnamed')).toEqual([
      expect.any(String),
      'mastra-cloud',
    ]);
    expect(state.auth.providers[1]).toBe(state.cloud);
    expect(state.sessionCookie).toBe('__Host-mastra_session');
    expect([...state.ownCookies].sort()).toEqual(
      ['__Host-mastra_login', '__Host-mastra_session', 'mastra_login', 'mastra_session'].sort(),
    );
  });

  it('returns configuration problems instead of throwing', () => {
    const result = stateCache({})({ ...env(), PROJECT_ID: undefined });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.setting)).toEqual(['PROJECT_ID']);
  });
});
