/**
 * Runs in workerd only: the real Workers KV binding (Miniflare's `AUTH_KV`) against our adapter
 * and our double, so the double's error text is checked against KV's own.
 */
import { describe, expect, it } from 'vitest';
import { asKVStore, SessionStore, VerifyCache } from '../../src/kv-session/index.js';
import { KVDouble } from '../../src/testing/index.js';
import { okLoader, rejectionOf, type TestUser, TOKEN, USER, validateUser } from './helpers.js';

// A variable specifier keeps the Node type-check from resolving workerd's built-in module.
const workersModule = 'cloudflare:workers';

async function authKv(): Promise<unknown> {
  const mod: unknown = await import(/* @vite-ignore */ workersModule);
  if (typeof mod !== 'object' || mod === null || !('env' in mod)) throw new Error('no env');
  const env: unknown = mod.env;
  if (typeof env !== 'object' || env === null || !('AUTH_KV' in env)) throw new Error('no AUTH_KV binding');
  return env.AUTH_KV;
}

describe('Workers KV binding', () => {
  it('is accepted as-is by asKVStore and round-trips text', async () => {
    const store = asKVStore(await authKv());
    await store.put('verify:probe', 'value', { expirationTtl: 70 });
    expect(await store.get('verify:probe', 'text')).toBe('value');
    await store.delete('verify:probe');
    expect(await store.get('verify:probe', 'text')).toBeNull();
  });

  it('rejects a sub-60 s TTL with the same text as the double', async () => {
    const real = (await rejectionOf(asKVStore(await authKv()).put('k', 'v', { expirationTtl: 59 }))) as Error;
    const double = (await rejectionOf(
      new KVDouble().location().put('k', 'v', { expirationTtl: 59 }),
    )) as Error;
    expect(real.message).toBe(double.message);
  });

  it('backs a VerifyCache and a SessionStore', async () => {
    const kv = asKVStore(await authKv());
    const cache = new VerifyCache<TestUser>({ kv, validate: validateUser, l1TtlMs: 0 });
    const load = okLoader();
    await cache.get(TOKEN, load);
    expect(await cache.get(TOKEN, load)).toEqual(USER);
    expect(load.calls).toBe(1);
    const sessions = new SessionStore({ kv });
    const expiresAt = new Date(Date.now() + 600_000);
    await sessions.put({ id: 's1', userId: 'u1', createdAt: new Date(), expiresAt });
    expect((await sessions.get('s1'))?.expiresAt).toEqual(expiresAt);
  });
});
