/**
 * The gateway with AUTH_DO, in workerd with the real Durable Object runtime (the AuthStoreObject
 * class exported by worker.ts): revocation marks, sessions and used login states live in one
 * object, and every gateway isolate polls its revocation version before trusting a cached answer.
 */
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../src/kv-session/hash.js';
import { asKVStore, durableObjectStores, RevocationList, SessionStore } from '../../src/kv-session/index.js';
import { storageKey } from '../../src/kv-session/keys.js';
import { MastraCloudAuthProvider } from '../../src/provider/index.js';
import { createCloudEmulator, DEMO_USER } from '../../src/testing/index.js';
import { Browser, createHarness, GATEWAY, type Harness } from './harness.js';
import { authDo, authKv, restartObject } from './workers-env.js';

/** Two gateway instances (two isolates: own provider, own L1) in front of one Cloud, one KV, one object. */
async function fleet(env: Record<string, unknown> = {}): Promise<[Harness, Harness]> {
  const kv = await authKv();
  const shared = { AUTH_DO: await authDo(), ...env };
  const a = createHarness(kv, shared);
  const b = createHarness(kv, shared, { emulator: a.emulator });
  return [a, b];
}

/** The same cookies, sent to another gateway instance. */
function sameBrowserOn(h: Harness, from: Browser): Browser {
  const browser = new Browser(h.send, h.emulator);
  for (const [name, value] of from.jar) browser.jar.set(name, value);
  return browser;
}

describe('gateway with AUTH_DO', () => {
  it('a logout through instance A is refused by instance B on its next request, whose L1 held the user', async () => {
    const [a, b] = await fleet();
    const onA = a.browser();
    expect((await onA.navigate('/agents')).response.status).toBe(200);
    const onB = sameBrowserOn(b, onA);
    expect((await onB.request('/api/whoami')).status).toBe(200); // B now holds the answer in its L1
    expect((await onB.request('/api/whoami')).status).toBe(200);
    const logout = await onA.request('/auth/logout', { method: 'POST', headers: { Origin: GATEWAY } });
    expect(logout.status).toBe(200);
    expect((await onB.request('/api/whoami')).status).toBe(401);
  });

  it('with AUTH_DO_SYNC_MS the poll is skipped within the interval (the documented trade-off)', async () => {
    const [a, b] = await fleet({ AUTH_DO_SYNC_MS: '60000' });
    const onA = a.browser();
    expect((await onA.navigate('/agents')).response.status).toBe(200);
    const onB = sameBrowserOn(b, onA);
    expect((await onB.request('/api/whoami')).status).toBe(200);
    await onA.request('/auth/logout', { method: 'POST', headers: { Origin: GATEWAY } });
    // B polled on its first request and not since: its L1 answer stands until the next poll or L1 expiry.
    expect((await onB.request('/api/whoami')).status).toBe(200);
  });

  it('keeps its data across a restart of the object', async () => {
    const namespace = await authDo();
    const { store } = durableObjectStores(namespace, { name: 'restart-test' });
    const hash = await hashToken('token-restart');
    await new RevocationList({ kv: store }).revokeHash(hash);
    await restartObject(namespace, 'restart-test');
    expect(await new RevocationList({ kv: store }).check(hash)).toBe('revoked');
    expect(await store.get(storageKey('revoked', hash), 'text')).not.toBeNull();
  });

  it('takes concurrent revocations of one session idempotently, and a poller sees the token once', async () => {
    const namespace = await authDo();
    const { store, feed } = durableObjectStores(namespace, { name: 'concurrent-test' });
    const poller = new RevocationList({ kv: store, feed });
    await poller.sync();
    const hash = await hashToken('token-concurrent');
    const lists = Array.from({ length: 8 }, () => new RevocationList({ kv: store }));
    await Promise.all(lists.map((list) => list.revokeHash(hash)));
    expect(await lists[0]?.check(hash)).toBe('revoked');
    expect(poller.isRevokedLocally(hash)).toBe(false);
    await poller.sync();
    expect(poller.isRevokedLocally(hash)).toBe(true);
  });

  it('a used login state is claimed once across instances: a replayed callback is refused by B', async () => {
    const [a, b] = await fleet();
    const browser = a.browser();
    const login = await browser.request('/auth/login?returnTo=/agents', { headers: { Accept: 'text/html' } });
    const atCloud = await a.emulator.fetch(
      new Request(String(login.headers.get('Location')), { redirect: 'manual' }),
    );
    const callback = new URL(String(atCloud.headers.get('Location')));
    const path = `${callback.pathname}${callback.search}`;
    const replay = sameBrowserOn(b, browser);
    expect((await browser.request(path)).status).toBe(302);
    expect((await replay.request(path)).status).toBe(400);
  });
});

describe('revokeSessionById with AUTH_DO', () => {
  it('ends a session through provider A; provider B (another isolate) refuses its token on the next request', async () => {
    const emulator = createCloudEmulator({ projectId: 'proj_do' });
    const kv = asKVStore(await authKv());
    const { store, feed } = durableObjectStores(await authDo(), { name: 'revoke-by-id' });
    const provider = () =>
      new MastraCloudAuthProvider({
        projectId: 'proj_do',
        cloudBaseUrl: 'https://cloud.test',
        fetch: emulator.fetcher,
        sessionSecret: 'durable-object-secret-0123456789-abcdef',
        kv,
        stores: { sessions: store, revocations: store, usedStates: store, revocationFeed: feed },
      });
    const [a, b] = [provider(), provider()];
    const token = emulator.issueToken(DEMO_USER.id);
    // The record a sign-in writes: Cloud's session id, its user, the hash of its token.
    const now = Date.now();
    await new SessionStore({ kv: store }).put({
      id: 'sess_do_1',
      userId: DEMO_USER.id,
      createdAt: new Date(now),
      expiresAt: new Date(now + 3_600_000),
      tokenHash: await hashToken(token),
    });
    const request = new Request('https://app.test/api/x');
    expect((await b.authenticateToken(token, request))?.id).toBe(DEMO_USER.id);
    expect((await b.authenticateToken(token, request))?.id).toBe(DEMO_USER.id); // from B's L1
    const results = await Promise.all([a.revokeSessionById('sess_do_1'), a.revokeSessionById('sess_do_1')]);
    expect(results).toContain(true); // concurrent revocations of one session: no error, revoked once or twice
    expect(await b.authenticateToken(token, request)).toBeNull();
    expect(await a.revokeSessionById('sess_do_1')).toBe(false); // the record is gone
  });
});

describe('AuthStoreObject input', () => {
  it('answers 400 to a malformed command, never a 500 or a stack trace', async () => {
    const namespace = await authDo();
    if (typeof namespace !== 'object' || namespace === null) throw new Error('no namespace');
    const ns = namespace as {
      idFromName(n: string): unknown;
      get(id: unknown): { fetch(url: string, init: RequestInit): Promise<Response> };
    };
    const stub = ns.get(ns.idFromName('bad-input'));
    const bodies = [
      'not json',
      '[]',
      '{"op":"get"}',
      '{"op":"get","key":""}',
      `{"op":"get","key":"${'k'.repeat(600)}"}`,
      '{"op":"put","key":"k","value":1}',
      '{"op":"put","key":"k","value":"v","ttl":-1}',
      '{"op":"poll","cursor":-1}',
      '{"op":"drop","key":"k"}',
    ];
    for (const body of bodies) {
      const response = await stub.fetch('https://auth-store.internal/', { method: 'POST', body });
      expect(response.status, body).toBe(400);
      expect(await response.text()).not.toMatch(/at \w+ \(/);
    }
  });
});

describe('gateway with a failing AUTH_DO', () => {
  it('answers 503, never admits, when the object fails', async () => {
    const [a] = await fleet();
    const browser = a.browser();
    expect((await browser.navigate('/agents')).response.status).toBe(200);
    const broken = createHarness(
      await authKv(),
      { AUTH_DO: failingNamespace('throw') },
      { emulator: a.emulator },
    );
    const response = await sameBrowserOn(broken, browser).request('/api/whoami');
    expect(response.status).toBe(503);
    expect(broken.received).toHaveLength(0);
  });

  it('answers 503 when the object hangs (every call has a deadline)', async () => {
    const [a] = await fleet();
    const browser = a.browser();
    expect((await browser.navigate('/agents')).response.status).toBe(200);
    const hung = createHarness(
      await authKv(),
      { AUTH_DO: failingNamespace('hang') },
      { emulator: a.emulator },
    );
    const response = await sameBrowserOn(hung, browser).request('/api/whoami');
    expect(response.status).toBe(503);
    expect(hung.received).toHaveLength(0);
  }, 10_000);
});

/** A namespace whose object is down: every call throws, or never answers. */
function failingNamespace(mode: 'throw' | 'hang') {
  return {
    idFromName: (name: string) => name,
    get: () => ({
      fetch: (): Promise<Response> =>
        mode === 'throw' ? Promise.reject(new Error('Durable Object reset')) : new Promise(() => {}),
    }),
  };
}
