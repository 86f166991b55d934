import { parseSetCookie } from 'cookie';
import { describe, expect, it } from 'vitest';
import { CloudApiError, InvalidRequestError } from '../../src/errors/index.js';
import { MastraCloudAuthProvider } from '../../src/provider/index.js';
import {
  ALICE,
  BOB,
  CALLBACK,
  CLOUD,
  cookiePair,
  harness,
  mastraLogin,
  mastraRequest,
  mastraState,
  PROJECT,
  SECRET,
  signInAtCloud,
  startMastraLogin,
} from './helpers.js';

describe('SSO login as a Mastra server drives it', () => {
  it('signs in end to end and returns [flow cookie cleared, session cookie]', async () => {
    const h = harness();
    const { result, sessionSetCookie, sessionCookie } = await mastraLogin(h, '/agents');
    expect(result.user).toMatchObject({ id: ALICE.id, email: ALICE.email, name: 'Alice', role: 'admin' });
    expect(result.tokens.accessToken).toBe(result.user.sessionToken);
    expect(result.tokens.expiresAt).toBeInstanceOf(Date);
    expect(result.cookies).toHaveLength(2);
    const cleared = parseSetCookie(result.cookies?.[0] ?? '');
    expect(cleared).toMatchObject({ name: '__Host-mastra_login', value: '', maxAge: 0 });
    const session = parseSetCookie(sessionSetCookie);
    expect(session).toMatchObject({
      name: '__Host-mastra_session',
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
      path: '/',
    });
    expect(session.domain).toBeUndefined();
    expect(session.value).not.toContain(result.tokens.accessToken);
    expect(h.cloud.calls('callback')).toBe(1);

    // The session cookie authenticates the next request.
    const user = await h.provider.authenticateToken('', mastraRequest({ Cookie: sessionCookie }));
    expect(user?.id).toBe(ALICE.id);
    expect(h.provider.authorizeUser(user!, mastraRequest())).toBe(true);
  });

  it('builds the Cloud login URL with PKCE S256 and the full state', async () => {
    const h = harness();
    const state = mastraState('/x');
    const url = new URL(await h.provider.getLoginUrl(CALLBACK, state));
    expect(`${url.origin}${url.pathname}`).toBe(`${CLOUD}/auth/oss`);
    expect(url.searchParams.get('project_id')).toBe(PROJECT);
    expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(url.searchParams.get('state')).toBe(state);
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.search).not.toContain('verifier');
  });

  it('hands the login cookie over once, for the same arguments only', async () => {
    const h = harness();
    const state = mastraState();
    await h.provider.getLoginUrl(CALLBACK, state);
    expect(h.provider.getLoginCookies('https://elsewhere.test/cb', state)).toBeUndefined();
    const h2 = harness();
    const state2 = mastraState();
    await h2.provider.getLoginUrl(CALLBACK, state2);
    const cookies = h2.provider.getLoginCookies(CALLBACK, state2);
    expect(cookies).toHaveLength(1);
    expect(parseSetCookie(cookies?.[0] ?? '')).toMatchObject({ name: '__Host-mastra_login', maxAge: 600 });
    expect(h2.provider.getLoginCookies(CALLBACK, state2)).toBeUndefined();
  });

  it('completes two interleaved logins (different browsers, different users)', async () => {
    const h = harness();
    h.cloud.setLoginUser(ALICE.id);
    const first = await startMastraLogin(h);
    h.cloud.setLoginUser(BOB.id);
    const second = await startMastraLogin(h);
    // Both callbacks arrive in the same tick, in the opposite order.
    h.provider.setCallbackCookieHeader(second.flowCookie);
    const secondDone = h.provider.handleCallback(second.code, second.stateId);
    h.provider.setCallbackCookieHeader(first.flowCookie);
    const firstDone = h.provider.handleCallback(first.code, first.stateId);
    const [a, b] = await Promise.all([firstDone, secondDone]);
    expect(a.user.id).toBe(ALICE.id);
    expect(b.user.id).toBe(BOB.id);
  });

  it('accepts the whole state and an explicit cookie header (gateway style)', async () => {
    const h = harness();
    const started = await startMastraLogin(h);
    const result = await h.provider.handleCallback(started.code, started.state, started.flowCookie);
    expect(result.user.id).toBe(ALICE.id);
  });

  it('refuses a replayed callback', async () => {
    const h = harness();
    const started = await startMastraLogin(h);
    await h.provider.handleCallback(started.code, started.stateId, started.flowCookie);
    const replay = h.provider.handleCallback(started.code, started.stateId, started.flowCookie);
    await expect(replay).rejects.toMatchObject({
      name: 'InvalidRequestError',
      code: 'invalid_state',
      status: 400,
    });
    expect(h.cloud.calls('callback')).toBe(1);
  });

  it('refuses a callback without the flow cookie, or whose state belongs to another flow', async () => {
    const h = harness();
    const first = await startMastraLogin(h);
    const second = await startMastraLogin(h);
    await expect(h.provider.handleCallback(first.code, first.stateId)).rejects.toMatchObject({
      code: 'invalid_cookie',
      status: 400,
    });
    await expect(
      h.provider.handleCallback(first.code, first.stateId, second.flowCookie),
    ).rejects.toMatchObject({
      code: 'invalid_state',
    });
    expect(h.cloud.calls('callback')).toBe(0);
  });

  it('turns a refused code into a rejected CloudApiError with a fixed, token-free message', async () => {
    const h = harness();
    const started = await startMastraLogin(h);
    const error = await h.provider
      .handleCallback('not-the-code', started.stateId, started.flowCookie)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudApiError);
    expect(error).toMatchObject({ family: 'rejected', status: 400, code: 'invalid_grant' });
    expect((error as Error).message).toBe('Mastra Cloud refused the sign-in; sign in again');
  });

  it('turns an outage during the exchange into an unavailable CloudApiError', async () => {
    const h = harness();
    const started = await startMastraLogin(h);
    h.cloud.injectFault({ route: 'callback', kind: 'http_error', status: 503 });
    const error = await h.provider
      .handleCallback(started.code, started.stateId, started.flowCookie)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudApiError);
    expect(error).toMatchObject({ family: 'unavailable', status: 503 });
  });

  it('uses the configured callbackUrl instead of the one derived from request headers', async () => {
    const h = harness({ callbackUrl: 'https://pinned.test/auth/callback' });
    const state = mastraState();
    const url = new URL(await h.provider.getLoginUrl('https://spoofed.test/api/auth/sso/callback', state));
    expect(url.searchParams.get('redirect_uri')).toBe('https://pinned.test/auth/callback');
    const [cookie] = h.provider.getLoginCookies('https://spoofed.test/api/auth/sso/callback', state) ?? [];
    const back = await signInAtCloud(h.cloud, url.href);
    const result = await h.provider.handleCallback(back.code, back.state, cookiePair(cookie ?? ''));
    expect(result.user.id).toBe(ALICE.id);
  });

  it('uses bare cookie names without Secure in dev mode', async () => {
    const h = harness({ cookies: { secure: false } });
    const { result } = await mastraLogin(h);
    for (const setCookie of result.cookies ?? []) {
      expect(setCookie).not.toContain('Secure');
      expect(setCookie).not.toContain('__Host-');
    }
  });

  it('refuses a malformed state when starting a login', async () => {
    const h = harness();
    await expect(h.provider.getLoginUrl(CALLBACK, 'short')).rejects.toBeInstanceOf(TypeError);
    await expect(h.provider.getLoginUrl('not a url', mastraState())).rejects.toBeInstanceOf(TypeError);
  });

  it('has the SSO button config and the Cloud logout URL', async () => {
    const provider = new MastraCloudAuthProvider({
      projectId: PROJECT,
      cloudBaseUrl: CLOUD,
      sessionSecret: SECRET,
    });
    expect(provider.getLoginButtonConfig()).toEqual({
      provider: 'mastra-cloud',
      text: 'Sign in with Mastra Cloud',
    });
    expect(await provider.getLogoutUrl('https://app.test/')).toBe(
      `${CLOUD}/auth/logout?redirect_uri=${encodeURIComponent('https://app.test/')}`,
    );
    expect(await provider.getLogoutUrl('javascript:alert(1)')).toBeNull();
    expect(provider.name).toBe('mastra-cloud');
    expect(provider.isMastraCloudAuth).toBe(true);
  });

  it('keeps InvalidRequestError messages free of the state and code', async () => {
    const h = harness();
    const started = await startMastraLogin(h);
    const error = await h.provider.handleCallback(started.code, started.stateId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).not.toContain(started.stateId);
    expect((error as Error).message).not.toContain(started.code);
  });
});
