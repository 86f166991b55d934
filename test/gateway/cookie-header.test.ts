import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_COOKIE_HEADER_LENGTH,
  readOwnCookies,
  stripOwnCookies,
} from '../../src/gateway/cookie-header.js';
import { refusal } from './refusal.js';

const NAMES = ['__Host-mastra_session', '__Host-mastra_login'];

describe('readOwnCookies', () => {
  it('finds own cookies and ignores the app cookies, however odd', () => {
    const found = readOwnCookies('theme={"a": 1}; __Host-mastra_session=abc.def; x', NAMES);
    expect([...found]).toEqual([['__Host-mastra_session', 'abc.def']]);
    expect(readOwnCookies('__Host-mastra_login="q1"', NAMES).get('__Host-mastra_login')).toBe('q1');
    expect(readOwnCookies(null, NAMES).size).toBe(0);
  });

  it.each([
    ['duplicated', '__Host-mastra_session=a; __Host-mastra_session=b', 400],
    ['no value', '__Host-mastra_session', 400],
    ['empty value', '__Host-mastra_session=', 400],
    ['space inside', '__Host-mastra_session=a b', 400],
    ['comma inside', '__Host-mastra_session=a,b', 400],
    ['backslash', '__Host-mastra_session=a\\b', 400],
    ['non-ASCII', '__Host-mastra_session=é', 400],
    ['oversized value', `__Host-mastra_session=${'a'.repeat(4097)}`, 400],
    ['oversized header', `x=${'a'.repeat(MAX_COOKIE_HEADER_LENGTH)}`, 431],
  ])('refuses a %s own cookie', (_label, header, status) => {
    const error = refusal(() => readOwnCookies(header, NAMES));
    expect(error.code).toBe('invalid_cookie');
    expect(error.status).toBe(status);
  });
});

describe('stripOwnCookies', () => {
  it('removes own cookies and keeps the rest in order', () => {
    expect(stripOwnCookies('a=1; __Host-mastra_session=s; b=2;__Host-mastra_login=l', NAMES)).toBe(
      'a=1; b=2',
    );
    expect(stripOwnCookies('__Host-mastra_session=s', NAMES)).toBeNull();
    expect(stripOwnCookies(null, NAMES)).toBeNull();
  });

  it('never leaves an own cookie behind', () => {
    const pair = fc.oneof(
      fc.constantFrom(...NAMES).map((name) => `${name}=v`),
      fc.stringMatching(/^[a-z]{1,8}=[a-z0-9]{0,8}$/),
    );
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 8 }), fc.constantFrom(';', '; ', ' ; '), (pairs, sep) => {
        const out = stripOwnCookies(pairs.join(sep), NAMES) ?? '';
        for (const name of NAMES) expect(out).not.toContain(name);
      }),
    );
  });
});
