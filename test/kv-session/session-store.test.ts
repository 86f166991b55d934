import { describe, expect, it } from 'vitest';
import { hashToken } from '../../src/kv-session/hash.js';
import { type SessionRecord, SessionStore } from '../../src/kv-session/index.js';
import { storageKeyFor } from '../../src/kv-session/keys.js';
import { KVDouble } from '../../src/testing/index.js';
import { rejectionOf, TOKEN } from './helpers.js';

const SESSION_ID = 'sess_9f8e7d6c5b4a';

async function record(kv: KVDouble, overrides: Partial<SessionRecord> = {}): Promise<SessionRecord> {
  const now = kv.clock.now();
  return {
    id: SESSION_ID,
    userId: 'user-1',
    createdAt: new Date(now),
    expiresAt: new Date(now + 3_600_000),
    tokenHash: await hashToken(TOKEN),
    metadata: { provider: 'mastra-cloud', nested: { n: 1 } },
    ...overrides,
  };
}

function make(kv = new KVDouble(), location?: string) {
  const errors: string[] = [];
  const sessions = new SessionStore({
    kv: kv.location(location),
    clock: kv.clock,
    onError: ({ operation, record }) => errors.push(`${operation}:${record}`),
  });
  return { kv, sessions, errors };
}

describe('SessionStore', () => {
  it('round-trips a record under session:<hash(id)>, never storing the id or a token in clear', async () => {
    const { kv, sessions } = make();
    const written = await record(kv, { absoluteExpiresAt: new Date(kv.clock.now() + 7_200_000) });
    await sessions.put(written);
    expect(await sessions.get(SESSION_ID)).toEqual(written);
    expect(kv.records().map((r) => r.key)).toEqual([await storageKeyFor('session', SESSION_ID)]);
    for (const text of kv.everything()) {
      expect(text).not.toContain(SESSION_ID);
      expect(text).not.toContain(TOKEN);
    }
  });

  it('expiry is decided by the stored expiresAt, not by the KV TTL', async () => {
    const { kv, sessions } = make();
    await sessions.put(await record(kv, { expiresAt: new Date(kv.clock.now() + 10_000) }));
    const [stored] = kv.records();
    expect(stored?.expiresAt).toBeGreaterThanOrEqual(kv.clock.now() + 60_000);
    kv.advance(9_999);
    expect(await sessions.get(SESSION_ID)).not.toBeNull();
    kv.advance(1);
    expect(await sessions.get(SESSION_ID)).toBeNull();
    expect(kv.peek(stored?.key ?? '')).not.toBeNull(); // still in KV, yet expired
  });

  it('absoluteExpiresAt caps a later expiresAt', async () => {
    const { kv, sessions } = make();
    await sessions.put(await record(kv, { absoluteExpiresAt: new Date(kv.clock.now() + 5_000) }));
    kv.advance(5_000);
    expect(await sessions.get(SESSION_ID)).toBeNull();
  });

  it('a second write within a second waits instead of hitting KV’s 429', async () => {
    const { kv, sessions } = make();
    const first = await record(kv);
    await sessions.put(first);
    const refreshed = { ...first, expiresAt: new Date(kv.clock.now() + 7_200_000) };
    await sessions.put(refreshed);
    expect(await sessions.get(SESSION_ID)).toEqual(refreshed);
    expect(kv.log.filter((e) => e.error)).toEqual([]);
    await sessions.delete(SESSION_ID);
    expect(await sessions.get(SESSION_ID)).toBeNull();
  });

  it('unknown, malformed and corrupt sessions are null; corrupt ones are reported', async () => {
    const { kv, sessions, errors } = make();
    expect(await sessions.get('nope')).toBeNull();
    expect(await sessions.get('')).toBeNull();
    await kv.location().put(await storageKeyFor('session', SESSION_ID), '{"v":1,"userId":42}');
    expect(await sessions.get(SESSION_ID)).toBeNull();
    expect(errors).toEqual(['decode:session']);
  });

  it('KV failures are StorageUnavailableError (not "no session")', async () => {
    const { kv, sessions } = make();
    kv.failNext('get');
    expect(await rejectionOf(sessions.get(SESSION_ID))).toMatchObject({
      name: 'StorageUnavailableError',
      family: 'unavailable',
      status: 503,
    });
    kv.failNext('put');
    expect(await rejectionOf(sessions.put(await record(kv)))).toMatchObject({
      name: 'StorageUnavailableError',
    });
    kv.failNext('delete');
    expect(await rejectionOf(sessions.delete(SESSION_ID))).toMatchObject({ name: 'StorageUnavailableError' });
  });

  it('is eventually consistent across locations (documented)', async () => {
    const kv = new KVDouble({ locations: ['a', 'b'], replicationLagMs: 60_000 });
    const a = make(kv, 'a');
    const b = make(kv, 'b');
    await a.sessions.put(await record(kv));
    expect(await b.sessions.get(SESSION_ID)).toBeNull();
    kv.advance(60_000);
    expect(await b.sessions.get(SESSION_ID)).not.toBeNull();
  });

  it.each([
    ['id', { id: '' }],
    ['userId', { userId: '' }],
    ['createdAt', { createdAt: new Date(Number.NaN) }],
    ['expiresAt', { expiresAt: new Date(0) }],
    ['absoluteExpiresAt', { absoluteExpiresAt: 'tomorrow' }],
    ['tokenHash', { tokenHash: TOKEN }],
    ['metadata', { metadata: ['a'] }],
    ['metadata', { metadata: { n: 1n } }],
  ])('refuses a bad %s with a TypeError naming it', async (field, overrides) => {
    const { kv, sessions } = make();
    // @ts-expect-error bad records on purpose
    const error = await rejectionOf(sessions.put(await record(kv, overrides)));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toContain(field);
    expect(kv.log).toEqual([]);
  });

  it('requires a store', () => {
    // @ts-expect-error missing kv on purpose
    expect(() => new SessionStore({})).toThrow(/kv/);
  });
});
