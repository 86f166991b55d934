import { parseSetCookie } from 'cookie';
import { describe, expect, it } from 'vitest';
import type { ErrorReport } from '../../src/errors/index.js';
import { CloudApiError } from '../../src/errors/index.js';
import { ALICE, APP, cookiePair, harness, mastraLogin, mastraRequest } from './helpers.js';

function requestWith(cookie: string): Request {
  return new Request(`${APP}/api/auth/me`, { headers: { Cookie: cookie } });
}

describe('getSessionIdFromRequest', () => {
  it('returns the session cookie value by exact name, or null', async () => {
    const h = harness();
    const { sessionCookie } = await mastraLogin(h);
    const handle = sessionCookie.slice(sessionCookie.indexOf('=') + 1);
    expect(h.provider.getSessionIdFromRequest(requestWith(`x=1; ${sessionCookie}`))).toBe(handle);
    expect(h.provider.getSessionIdFromRequest(requestWith(`${sessionCookie}; ${sessionCookie}`))).toBeNull();
    expect(h.provider.getSessionIdFromRequest(requestWith('__Host-mastra_session="a b"'))).toBeNull();
    expect(h.provider.getSessionIdFromRequest(requestWith(`mastra_session=${handle}`))).toBeNull();
    expect(h.provider.getSessionIdFromRequest(new Request(APP))).toBeNull();
  });
});

describe('validateSession', () => {
  it("opens the handle and answers with Cloud's session id", async () => {
    const h = harness();
    const { sessionCookie, result } = await mastraLogin(h);
    const handle = h.provider.getSessionIdFromRequest(requestWith(sessionCookie))!;
    const session = await h.provider.validateSession(handle);
    expect(session).toMatchObject({ userId: ALICE.id });
    expect(session?.id).toMatch(/.+/);
    expect(session?.id).not.toBe(handle);
    expect(session?.expiresAt.getTime()).toBeLessThanOrEqual(result.tokens.expiresAt!.getTime());
    // Cloud's session id is an identifier, not a secret: it opens nothing.
    expect(await h.provider.validateSession(session!.id)).toBeNull();
  });

  it('refuses tampered handles, unknown ids and tokens Cloud revoked', async () => {
    const h = harness();
    const { sessionCookie, result } = await mastraLogin(h);
    const handle = h.provider.getSessionIdFromRequest(requestWith(sessionCookie))!;
    expect(await h.provider.validateSession(`${handle.slice(0, -2)}xx`)).toBeNull();
    expect(await h.provider.validateSession('sess_unknown')).toBeNull();
    expect(await h.provider.validateSession('')).toBeNull();
    h.cloud.revokeToken(result.tokens.accessToken);
    h.clock.advance(61_000);
    expect(await h.provider.validateSession(handle)).toBeNull();
  });
});

describe('sessionRefreshHandle', () => {
  it('names the handle once the cookie is past half its idle window, never for bearer tokens', async () => {
    const h = harness({ sessionMaxAgeSeconds: 600 });
    const { sessionCookie, result } = await mastraLogin(h);
    const handle = h.provider.getSessionIdFromRequest(requestWith(sessionCookie))!;
    const viaCookie = () => h.provider.authenticateToken('', mastraRequest({ Cookie: sessionCookie }));

    h.clock.advance(299_000);
    expect(h.provider.sessionRefreshHandle(await viaCookie())).toBeNull();
    h.clock.advance(2_000);
    expect(h.provider.sessionRefreshHandle(await viaCookie())).toBe(handle);
    const bearer = await h.provider.authenticateToken(result.tokens.accessToken, mastraRequest());
    expect(h.provider.sessionRefreshHandle(bearer)).toBeNull();
    expect(h.provider.sessionRefreshHandle({ id: 'stranger' })).toBeNull();
    expect(h.provider.sessionRefreshHandle(null)).toBeNull();

    // After the slide, the new cookie is fresh again: no refresh due.
    const refreshed = await h.provider.refreshSession(handle);
    const slid = h.provider.getSessionHeaders(refreshed!)['Set-Cookie']!;
    const user = await h.provider.authenticateToken(
      '',
      mastraRequest({ Cookie: slid.slice(0, slid.indexOf(';')) }),
    );
    expect(user?.id).toBe(ALICE.id);
    expect(h.provider.sessionRefreshHandle(user)).toBeNull();
  });
});

describe('refreshSession and getSessionHeaders', () => {
  it('slides the expiry within Cloud session expiry and hands the new cookie over once', async () => {
    const h = harness({ sessionMaxAgeSeconds: 600 });
    const { sessionCookie } = await mastraLogin(h);
    const handle = h.provider.getSessionIdFromRequest(requestWith(sessionCookie))!;
    const first = await h.provider.validateSession(handle);
    expect(first!.expiresAt.getTime()).toBe(h.clock.now() + 600_000);
    h.clock.advance(300_000);
    const refreshed = await h.provider.refreshSession(handle);
    expect(refreshed!.expiresAt.getTime()).toBe(h.clock.now() + 600_000);
    expect(h.cloud.calls('session.validate')).toBe(1);
    const headers = h.provider.getSessionHeaders(refreshed!);
    expect(Object.keys(headers)).toEqual(['Set-Cookie']);
    expect(parseSetCookie(headers['Set-Cookie']!)).toMatchObject({
      name: '__Host-mastra_session',
      maxAge: 600,
    });
    expect(h.provider.getSessionHeaders(refreshed!)).toEqual({});
    const user = await h.provider.authenticateToken(
      '',
      mastraRequest({ Cookie: cookiePair(headers['Set-Cookie']!) }),
    );
    expect(user?.id).toBe(ALICE.id);
  });

  it("never slides past Cloud's session expiry", async () => {
    const h = harness({ sessionMaxAgeSeconds: 7200 });
    const { sessionCookie, result } = await mastraLogin(h);
    const end = Math.floor(result.tokens.expiresAt!.getTime() / 1000) * 1000;
    const handle = h.provider.getSessionIdFromRequest(requestWith(sessionCookie))!;
    expect((await h.provider.validateSession(handle))!.expiresAt.getTime()).toBe(end);
    h.clock.advance(1_800_000);
    const refreshed = await h.provider.refreshSession(handle);
    expect(refreshed!.expiresAt.getTime()).toBe(end);
    const setCookie = h.provider.getSessionHeaders(refreshed!)['Set-Cookie']!;
    expect(parseSetCookie(setCookie).maxAge).toBe((end - h.clock.now()) / 1000);
  });

  it('returns null once Cloud no longer knows the session', async () => {
    const h = harness();
    const { sessionCookie, result } = await mastraLogin(h);
    const handle = h.provider.getSessionIdFromRequest(requestWith(sessionCookie))!;
    h.cloud.revokeToken(result.tokens.accessToken);
    h.clock.advance(61_000);
    expect(await h.provider.refreshSession(handle)).toBeNull();
  });

  it('returns {} for a session it did not just produce', () => {
    const h = harness();
    expect(
      h.provider.getSessionHeaders({ id: 'x', userId: 'u', createdAt: new Date(), expiresAt: new Date() }),
    ).toEqual({});
  });
});

describe('destroySession', () => {
  it('refuses the session at once in this isolate, deletes its record and tells Cloud', async () => {
    const h = harness();
    const { sessionCookie, result } = await mastraLogin(h);
    const request = mastraRequest({ Cookie: sessionCookie });
    const user = await h.provider.authenticateToken('', request);
    const handle = h.provider.getSessionIdFromRequest(requestWith(sessionCookie))!;
    const session = await h.provider.validateSession(handle);
    await h.provider.destroySession(handle);
    expect(h.cloud.calls('session.destroy')).toBe(1);
    const verifies = h.cloud.calls('verify');
    expect(await h.provider.authenticateToken('', request)).toBeNull();
    expect(await h.provider.authenticateToken(result.tokens.accessToken, mastraRequest())).toBeNull();
    expect(h.provider.authorizeUser(user!, request)).toBe(false);
    expect(await h.provider.validateSession(handle)).toBeNull();
    expect(await h.provider.validateSession(session!.id)).toBeNull();
    expect(h.kv.records().some((r) => r.key.startsWith('session:'))).toBe(false);
    expect(h.cloud.calls('verify')).toBe(verifies);
  });

  it('is refused in another location within the documented window (KV lag 60 s + L1 5 s)', async () => {
    const h = harness({}, { locations: ['main', 'other'], replicationLagMs: 60_000 });
    const { sessionCookie } = await mastraLogin(h);
    const request = mastraRequest({ Cookie: sessionCookie });
    const elsewhere = h.other();
    expect((await elsewhere.authenticateToken('', request))?.id).toBe(ALICE.id);
    await h.provider.destroySession(h.provider.getSessionIdFromRequest(requestWith(sessionCookie))!);
    expect(await h.provider.authenticateToken('', request)).toBeNull();
    // Inside the window the other isolate may still admit it from its own tiers...
    expect((await elsewhere.authenticateToken('', request))?.id).toBe(ALICE.id);
    // ...and no later than the window's end it refuses it.
    h.clock.advance(65_000);
    expect(await elsewhere.authenticateToken('', request)).toBeNull();
  });

  it('still logs out when Cloud is down: revoked here, reported, no throw', async () => {
    const reports: Array<{ error: unknown; context: ErrorReport }> = [];
    const h = harness({ onError: (context, error) => reports.push({ error, context }) });
    const { sessionCookie } = await mastraLogin(h);
    const request = mastraRequest({ Cookie: sessionCookie });
    await h.provider.authenticateToken('', request);
    h.cloud.injectFault({ route: 'session.destroy', kind: 'http_error', status: 503 });
    await expect(
      h.provider.destroySession(h.provider.getSessionIdFromRequest(requestWith(sessionCookie))!),
    ).resolves.toBeUndefined();
    expect(await h.provider.authenticateToken('', request)).toBeNull();
    expect(reports).toHaveLength(1);
    expect(reports[0]?.context).toMatchObject({
      source: 'provider',
      operation: 'destroySession',
      code: 'cloud_unavailable',
    });
    expect(reports[0]?.error).toBeInstanceOf(CloudApiError);
  });

  it('still logs out when KV refuses the revocation mark: revoked here, reported', async () => {
    const reports: ErrorReport[] = [];
    const h = harness({ onError: (report) => reports.push(report) });
    const { sessionCookie } = await mastraLogin(h);
    const request = mastraRequest({ Cookie: sessionCookie });
    h.kv.failAlways('put');
    h.kv.failAlways('delete');
    await h.provider.destroySession(h.provider.getSessionIdFromRequest(requestWith(sessionCookie))!);
    expect(await h.provider.authenticateToken('', request)).toBeNull();
    expect(reports).toContainEqual(
      expect.objectContaining({ source: 'provider', operation: 'destroySession' }),
    );
  });

  // Regression: destroySession used to accept a bare Cloud session id (the value of a session
  // cookie, so any client could send one) and revoke that session: anyone knowing the id could
  // log its owner out.
  it('does not end a session from its Cloud session id (not a secret, and client-supplied here)', async () => {
    const h = harness();
    const { sessionCookie, result } = await mastraLogin(h);
    const session = await h.provider.validateSession(
      h.provider.getSessionIdFromRequest(requestWith(sessionCookie))!,
    );
    await h.provider.destroySession(session!.id);
    expect(await h.provider.authenticateToken(result.tokens.accessToken, mastraRequest())).not.toBeNull();
    expect(await h.provider.authenticateToken('', mastraRequest({ Cookie: sessionCookie }))).not.toBeNull();
  });

  it("revokeSessionById (server-side) revokes by Cloud's session id through the KV record", async () => {
    const h = harness();
    const { sessionCookie, result } = await mastraLogin(h);
    const session = await h.provider.validateSession(
      h.provider.getSessionIdFromRequest(requestWith(sessionCookie))!,
    );
    expect(await h.provider.revokeSessionById(session!.id)).toBe(true);
    expect(await h.provider.authenticateToken(result.tokens.accessToken, mastraRequest())).toBeNull();
    expect(await h.provider.authenticateToken('', mastraRequest({ Cookie: sessionCookie }))).toBeNull();
    expect(await h.provider.revokeSessionById(session!.id)).toBe(false);
    expect(await h.provider.revokeSessionById('sess_unknown')).toBe(false);
  });

  it('ignores handles it cannot open', async () => {
    const h = harness();
    await expect(h.provider.destroySession('garbage')).resolves.toBeUndefined();
    expect(h.cloud.calls('session.destroy')).toBe(0);
  });
});

describe('createSession and getClearSessionHeaders', () => {
  it('refuses createSession with 501 not_implemented pointing at SSO', async () => {
    const h = harness();
    const error = await h.provider.createSession(ALICE.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudApiError);
    expect(error).toMatchObject({ status: 501, code: 'not_implemented', family: 'rejected' });
    expect((error as Error).message).toMatch(/SSO/);
  });

  it('clears the session cookie with one Set-Cookie', () => {
    const h = harness();
    const headers = h.provider.getClearSessionHeaders();
    expect(Object.keys(headers)).toEqual(['Set-Cookie']);
    expect(parseSetCookie(headers['Set-Cookie']!)).toMatchObject({
      name: '__Host-mastra_session',
      value: '',
      maxAge: 0,
      secure: true,
      httpOnly: true,
    });
  });
});
