import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerEntries, mergeHeaderEntries } from '../../src/composite/header-record.js';

const cookieValue = fc.stringMatching(/^[a-z]{1,8}=[\x21-\x3A\x3C-\x7E]{0,12}(; Path=\/)?$/);

function appendAll(record: Record<string, string>): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(record)) headers.append(key, value);
  return headers;
}

describe('mergeHeaderEntries', () => {
  it('keeps every distinct Set-Cookie value, in order, through Headers.append', () => {
    fc.assert(
      fc.property(fc.array(cookieValue, { maxLength: 40 }), (cookies) => {
        const record = mergeHeaderEntries(cookies.map((value) => ['Set-Cookie', value] as const));
        expect(appendAll(record).getSetCookie()).toEqual([...new Set(cookies)]);
      }),
    );
  });

  it('keeps the first spelling of a name and the values of other headers', () => {
    const record = mergeHeaderEntries([
      ['Set-Cookie', 'a=1'],
      ['X-Other', 'x'],
      ['set-cookie', 'b=2'],
      ['SET-COOKIE', 'a=1'],
    ]);
    expect(Object.keys(record)[0]).toBe('Set-Cookie');
    expect(Object.values(record)).toEqual(['a=1', 'x', 'b=2']);
    expect(appendAll(record).getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('stores a header named __proto__ as data, not as a prototype', () => {
    const record = mergeHeaderEntries([['__proto__', 'v']]);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.entries(record)).toEqual([['__proto__', 'v']]);
  });
});

describe('headerEntries', () => {
  it('drops what Headers.append would refuse', () => {
    expect(
      headerEntries({ 'Set-Cookie': 'a=1', 'bad name': 'x', 'X-Split': 'a\r\nInjected: 1', 'X-Num': 5 }),
    ).toEqual([['Set-Cookie', 'a=1']]);
    expect(headerEntries(null)).toEqual([]);
    expect(headerEntries('Set-Cookie: a=1')).toEqual([]);
  });
});
