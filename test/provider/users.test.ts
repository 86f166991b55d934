import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../wire.js';
import { ALICE, BOB, harness, mastraLogin, mastraRequest } from './helpers.js';

describe('users', () => {
  it('getCurrentUser reads the request; getUser answers from recent authentications only', async () => {
    const h = harness();
    const { sessionCookie } = await mastraLogin(h);
    const current = await h.provider.getCurrentUser(
      new Request('https://app.test/', { headers: { Cookie: sessionCookie } }),
    );
    expect(current?.id).toBe(ALICE.id);
    expect(await h.provider.getCurrentUser(new Request('https://app.test/'))).toBeNull();
    expect((await h.provider.getUser(ALICE.id))?.email).toBe(ALICE.email);
    expect(await h.provider.getUser(BOB.id)).toBeNull();
    expect((await h.provider.getUsers([BOB.id, ALICE.id])).map((u) => u?.id ?? null)).toEqual([
      null,
      ALICE.id,
    ]);
    h.clock.advance(60_001);
    expect(await h.provider.getUser(ALICE.id)).toBeNull();
    expect(h.cloud.calls('users.get')).toBe(0);
  });

  it('getCurrentUser reports an outage instead of "signed out"', async () => {
    const h = harness();
    const { sessionCookie } = await mastraLogin(h);
    h.clock.advance(61_000);
    h.cloud.injectFault({ route: 'verify', kind: 'http_error', status: 502 });
    const error = await h.provider
      .getCurrentUser(new Request('https://app.test/', { headers: { Cookie: sessionCookie } }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CloudApiError', family: 'unavailable' });
  });
});

describe('RBAC', () => {
  it('gives roles from the user and permissions from Cloud (or its role), cached, with wildcards', async () => {
    const h = harness();
    const token = h.cloud.issueToken(ALICE.id);
    const user = (await h.provider.authenticateToken(token, mastraRequest()))!;
    expect(await h.provider.getRoles(user)).toEqual(['admin']);
    expect(await h.provider.hasRole(user, 'admin')).toBe(true);
    expect(await h.provider.hasRole(user, 'owner')).toBe(false);
    expect(await h.provider.getPermissions(user)).toEqual(['*:read', '*:write', '*:execute']);
    expect(await h.provider.hasPermission(user, 'agents:read')).toBe(true);
    expect(await h.provider.hasPermission(user, 'agents:delete')).toBe(false);
    expect(await h.provider.hasAllPermissions(user, ['agents:read', 'workflows:execute'])).toBe(true);
    expect(await h.provider.hasAllPermissions(user, ['agents:read', 'agents:delete'])).toBe(false);
    expect(await h.provider.hasAnyPermission(user, ['agents:delete', 'tools:write'])).toBe(true);
    // A Cloud with a permissions endpoint is asked once (then the cache answers); one without
    // is never asked: the role maps to permissions.
    const asked = CAPABILITIES.hasUsersEndpoint;
    expect(h.cloud.calls('users.permissions')).toBe(asked ? 1 : 0);
    expect(h.kv.records().some((r) => /^perm:[A-Za-z0-9_-]{43}$/.test(r.key))).toBe(asked);
  });

  it('maps each role to the default permissions when Cloud has no permissions endpoint', async () => {
    const h = harness();
    const bob = (await h.provider.authenticateToken(h.cloud.issueToken(BOB.id), mastraRequest()))!;
    // BOB is a viewer in both Clouds: Cloud's own list and the default mapping agree.
    expect(await h.provider.getPermissions(bob)).toEqual(['*:read']);
    expect(await h.provider.hasPermission(bob, 'agents:execute')).toBe(false);
  });

  it('gives no permissions to a user it did not produce, without asking Cloud', async () => {
    const h = harness();
    const token = h.cloud.issueToken(ALICE.id);
    const forged = { id: ALICE.id, email: ALICE.email, createdAt: new Date(), sessionToken: token };
    expect(await h.provider.getPermissions(forged)).toEqual([]);
    expect(await h.provider.hasPermission(forged, 'agents:read')).toBe(false);
    expect(h.cloud.calls('users.permissions')).toBe(0);
  });

  it.runIf(CAPABILITIES.hasUsersEndpoint)('reports a permissions outage as unavailable', async () => {
    const h = harness();
    const user = (await h.provider.authenticateToken(h.cloud.issueToken(BOB.id), mastraRequest()))!;
    h.cloud.injectFault({ route: 'users.permissions', kind: 'http_error', status: 500 });
    await expect(h.provider.getPermissions(user)).rejects.toMatchObject({ family: 'unavailable' });
  });
});
