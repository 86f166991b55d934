/** SimpleAuth's credentials sign-in (CONTRACT 4b): a service token as the password, a sealed cookie. */
import { describe, expect, it } from 'vitest';
import { SimpleAuth } from '../../src/composite/index.js';
import { SERVICE_SESSION_SECONDS, ServiceSessions } from '../../src/composite/service-session.js';
import { ConfigError, InvalidRequestError } from '../../src/errors/index.js';
import { mastraRequest } from './fakes.js';

const TOKEN = 'svc-token-0123456789abcdef';
const OTHER = 'svc-other-0123456789abcdef';
const SECRET = 'simple-auth-test-secret-0123456789abcdef';
const alice = { id: 'svc-alice', role: 'api' };
const bob = { id: 'svc-bob', role: 'api' };

const signInRequest = () =>
  new Request('https://runner.example/api/auth/credentials/sign-in', { method: 'POST' });
/** The `name=value` part of a Set-Cookie line, as a browser would send it back. */
const sentBack = (setCookie: string) => setCookie.split(';')[0] ?? '';

describe('SimpleAuth.signIn', () => {
  for (const sessionSecret of [SECRET, undefined]) {
    const label = sessionSecret === undefined ? 'a key derived from the tokens' : 'sessionSecret';
    it(`returns the user and a cookie that opens the session, with ${label}`, async () => {
      const auth = new SimpleAuth({
        tokens: { [TOKEN]: alice, [OTHER]: bob },
        ...(sessionSecret && { sessionSecret }),
      });
      const result = await auth.signIn('ignored@example.com', OTHER, signInRequest());
      expect(result.user).toBe(bob);
      expect(result.token).toBeUndefined();
      expect(result.cookies).toHaveLength(1);
      const cookie = result.cookies?.[0] ?? '';
      expect(cookie).toMatch(
        /^mastra-token=[\w-]+(\.[\w-]*){4}; Max-Age=86400; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      );
      expect(cookie).not.toContain(OTHER);
      expect(cookie).not.toContain(encodeURIComponent(OTHER));

      const withCookie = mastraRequest({ cookie: `theme=dark; ${sentBack(cookie)}` });
      expect(await auth.authenticateToken('', withCookie)).toBe(bob);
      expect(auth.authorizeUser(bob)).toBe(true);
      const browser = new Request('https://runner.example/api/auth/me', {
        headers: { cookie: sentBack(cookie) },
      });
      expect(await auth.getCurrentUser(browser)).toBe(bob);
    });
  }

  it('refuses a password that is not a configured token, with a 401 that names no token', async () => {
    const auth = new SimpleAuth({ tokens: { [TOKEN]: alice } });
    for (const password of ['wrong', '', `${TOKEN}x`, 'x'.repeat(9000), 42 as unknown as string]) {
      const error = await auth.signIn('a@example.com', password, signInRequest()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error).toMatchObject({ status: 401, message: 'Invalid token' });
    }
  });

  it('a cookie from another key, a tampered one, or one for a removed token opens nothing', async () => {
    const auth = new SimpleAuth({ tokens: { [TOKEN]: alice }, sessionSecret: SECRET });
    const cookie = sentBack((await auth.signIn('', TOKEN, signInRequest())).cookies?.[0] ?? '');
    const value = cookie.slice('mastra-token='.length);

    const otherKey = new SimpleAuth({ tokens: { [TOKEN]: alice }, sessionSecret: `${SECRET}-rotated` });
    expect(await otherKey.authenticateToken('', mastraRequest({ cookie }))).toBeNull();
    const tokenRemoved = new SimpleAuth({ tokens: { [OTHER]: bob }, sessionSecret: SECRET });
    expect(await tokenRemoved.authenticateToken('', mastraRequest({ cookie }))).toBeNull();
    const derived = new SimpleAuth({ tokens: { [TOKEN]: alice } });
    expect(await derived.authenticateToken('', mastraRequest({ cookie }))).toBeNull();

    const flipped = `${value.slice(0, -2)}${value.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await auth.authenticateToken('', mastraRequest({ cookie: `mastra-token=${flipped}` }))).toBeNull();
    expect(await auth.authenticateToken('', mastraRequest({ cookie: 'mastra-token=a.b.c.d.e' }))).toBeNull();
    expect(await auth.authenticateToken('', mastraRequest({ cookie: 'mastra-token=' }))).toBeNull();
    // The sealed value is a cookie, not a token: as Bearer it authenticates nobody.
    expect(await auth.authenticateToken(value, mastraRequest())).toBeNull();
  });

  it('still accepts the raw token in the mastra-token cookie (core’s format)', async () => {
    const auth = new SimpleAuth({ tokens: { [TOKEN]: alice } });
    expect(await auth.authenticateToken('', mastraRequest({ cookie: `mastra-token=${TOKEN}` }))).toBe(alice);
  });

  it('signUp refuses, isSignUpEnabled is false, logout clears the cookie', async () => {
    const auth = new SimpleAuth({ tokens: { [TOKEN]: alice }, cookies: { secure: false } });
    await expect(auth.signUp()).rejects.toBeInstanceOf(InvalidRequestError);
    expect(auth.isSignUpEnabled()).toBe(false);
    expect(auth.getClearSessionHeaders()).toEqual({
      'Set-Cookie':
        'mastra-token=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax',
    });
    const dev = (await auth.signIn('', TOKEN, signInRequest())).cookies?.[0] ?? '';
    expect(dev).not.toMatch(/Secure/);
  });

  it('checks sessionSecret at construction', () => {
    expect(() => new SimpleAuth({ tokens: {}, sessionSecret: 'short' })).toThrow(ConfigError);
    expect(() => new SimpleAuth({ tokens: {}, sessionSecret: 42 as unknown as string })).toThrow(TypeError);
  });
});

describe('ServiceSessions (the sign-in cookie)', () => {
  it('opens its own cookie until the cookie expires, cached or not', async () => {
    const sessions = new ServiceSessions({ sessionSecret: SECRET, tokens: [TOKEN], secure: true });
    const digest = new Uint8Array(32).fill(7);
    const issued = new Date('2026-01-01T00:00:00Z');
    const value = sentBack(await sessions.cookie(digest, issued)).slice('mastra-token='.length);
    expect(await sessions.open(value, issued)).toEqual(digest);
    // A second look is answered from the per-instance cache, with the same expiry.
    expect(await sessions.open(value, new Date(issued.getTime() + 3_600_000))).toEqual(digest);
    const expired = new Date(issued.getTime() + (SERVICE_SESSION_SECONDS + 1) * 1000);
    expect(await sessions.open(value, expired)).toBeNull();
    const fresh = new ServiceSessions({ sessionSecret: SECRET, tokens: [TOKEN], secure: true });
    expect(await fresh.open(value, expired)).toBeNull();
  });
});
