import { parseSetCookie } from 'cookie';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cookieName } from '../../src/policy/cookie-names.js';
import { MAX_COOKIE_BYTES } from '../../src/policy/limits.js';
import {
  clearProviderCookie,
  providerCookie,
  readCookie,
  serializeCookie,
} from '../../src/provider/cookies.js';

const octet = fc.constantFrom(
  ..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'()*+-./:<=>?@[]^_`{|}~".split(''),
);
const cookieValue = fc.string({ unit: octet, minLength: 1, maxLength: 200 });

describe('cookie names', () => {
  it('uses __Host- names in production and bare names in dev mode', () => {
    expect(cookieName('session', true)).toBe('__Host-mastra_session');
    expect(cookieName('login', true)).toBe('__Host-mastra_login');
    expect(cookieName('session', false)).toBe('mastra_session');
    expect(cookieName('login', false)).toBe('mastra_login');
  });
});

describe('providerCookie', () => {
  it('sets HttpOnly, Secure, SameSite=Lax and Path=/ in production', () => {
    const header = providerCookie('session', 'abc.def', 3600, true);
    expect(header).toBe(
      '__Host-mastra_session=abc.def; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
    expect(header).not.toMatch(/Domain/i);
  });

  it('drops Secure and the prefix in dev mode', () => {
    const header = providerCookie('login', 'v', 600, false);
    expect(header).toBe('mastra_login=v; Max-Age=600; Path=/; HttpOnly; SameSite=Lax');
  });

  it('clears with an empty value, Max-Age=0 and the same attributes', () => {
    const parsed = parseSetCookie(clearProviderCookie('session', true));
    expect(parsed).toMatchObject({
      name: '__Host-mastra_session',
      value: '',
      maxAge: 0,
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
    });
    expect(parsed.expires?.getTime()).toBe(0);
    expect(clearProviderCookie('login', false)).toMatch(/^mastra_login=; Max-Age=0; /);
  });

  it('refuses a cookie over 4 KB', () => {
    const name = '__Host-mastra_session';
    const fits = 'a'.repeat(MAX_COOKIE_BYTES - name.length - 1);
    expect(() => providerCookie('session', fits, 60, true)).not.toThrow();
    expect(() => providerCookie('session', `${fits}a`, 60, true)).toThrow(RangeError);
  });
});

describe('serializeCookie', () => {
  it('enforces __Host- rules at runtime as well as in the types', () => {
    // @ts-expect-error -- a __Host- cookie must be Secure
    expect(() => serializeCookie('__Host-x', 'v', { secure: false, path: '/' })).toThrow(TypeError);
    // @ts-expect-error -- a __Host- cookie must have Path=/
    expect(() => serializeCookie('__Host-x', 'v', { secure: true, path: '/app' })).toThrow(TypeError);
    const withDomain = { secure: true, path: '/', domain: 'example.com' } as const;
    // @ts-expect-error -- a __Host- cookie has no Domain
    expect(() => serializeCookie('__Host-x', 'v', withDomain)).toThrow(TypeError);
    // @ts-expect-error -- a __Secure- cookie must be Secure
    expect(() => serializeCookie('__Secure-x', 'v', { secure: false })).toThrow(TypeError);
    expect(serializeCookie('__Secure-x', 'v', { secure: true, path: '/a' })).toContain('Path=/a');
  });

  it.each([['a;b'], ['a b'], ['a,b'], ['a\r\nSet-Cookie: x=1'], ['"a"'], ['a\\b'], ['é']])(
    'refuses the value %j',
    (value) => {
      expect(() => serializeCookie('c', value, { secure: true })).toThrow(TypeError);
    },
  );

  it.each([[-1], [1.5], [401 * 24 * 3600]])('refuses maxAge %d', (maxAge) => {
    expect(() => serializeCookie('c', 'v', { secure: true, maxAge })).toThrow(RangeError);
  });
});

describe('readCookie', () => {
  const name = '__Host-mastra_session';

  it('reads a cookie by its exact name', () => {
    expect(readCookie(`a=1; ${name}=abc.def; b=2`, name)).toBe('abc.def');
    expect(readCookie(`${name}=abc`, name)).toBe('abc');
    expect(readCookie(`a=1;${name}=abc`, name)).toBe('abc');
  });

  it('does not match on case, prefixes or suffixes of the name', () => {
    expect(readCookie('__host-mastra_session=abc', name)).toBeNull();
    expect(readCookie('mastra_session=abc', name)).toBeNull();
    expect(readCookie(`${name}x=abc`, name)).toBeNull();
    expect(readCookie(`x${name}=abc`, name)).toBeNull();
  });

  it.each([
    ['duplicated', `${name}=a; ${name}=b`],
    ['duplicated with the same value', `${name}=a; ${name}=a`],
    ['empty', `${name}=`],
    ['quoted', `${name}="abc"`],
    ['with a space inside', `${name}=a b`],
    ['with a backslash', `${name}=a\\b`],
    ['too large', `${name}=${'a'.repeat(MAX_COOKIE_BYTES)}`],
    ['missing', 'a=1'],
    ['an empty header', ''],
  ])('treats a cookie that is %s as absent', (_label, header) => {
    expect(readCookie(header, name)).toBeNull();
  });

  it('accepts null and undefined headers', () => {
    expect(readCookie(null, name)).toBeNull();
    expect(readCookie(undefined, name)).toBeNull();
  });

  it('reads back what serializeCookie wrote, among other cookies', () => {
    fc.assert(
      fc.property(
        cookieValue,
        fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), cookieValue), { maxLength: 5 }),
        fc.nat(),
        (value, others, at) => {
          const pair = serializeCookie(name, value, { secure: true, path: '/' }).split(';')[0]!;
          const pairs = others.map(([n, v]) => `${n}=${v}`);
          pairs.splice(at % (pairs.length + 1), 0, pair);
          expect(readCookie(pairs.join('; '), name)).toBe(value);
        },
      ),
    );
  });

  it('never throws on arbitrary headers', () => {
    fc.assert(
      fc.property(fc.string(), (header) => {
        const value = readCookie(header, name);
        expect(value === null || typeof value === 'string').toBe(true);
      }),
    );
  });
});
