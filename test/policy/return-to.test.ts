import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSafeReturnTo, MAX_RETURN_TO_LENGTH, safeReturnTo } from '../../src/policy/return-to.js';

const ORIGIN = 'https://app.example';
const host = fc.domain();
const pathSegment = fc.stringMatching(/^[A-Za-z0-9\-._~]{0,12}$/);

describe('isSafeReturnTo', () => {
  it.each([
    '/',
    '/agents',
    '/agents/a-1?tab=runs&x=1#top',
    '/search?q=100%25',
    '/a%20b',
    '/login?next=%2Fagents',
    "/p/(x)!$&'*+,;=:@~",
  ])('accepts %j', (path) => {
    expect(isSafeReturnTo(path)).toBe(true);
    expect(safeReturnTo(path)).toBe(path);
  });

  it.each([
    ['protocol-relative', '//evil.example'],
    ['protocol-relative with path', '//evil.example/a'],
    ['backslash host', '/\\evil.example'],
    ['double backslash', '\\\\evil.example'],
    ['backslash inside', '/a\\b'],
    ['absolute URL', 'https://evil.example/'],
    ['scheme-relative http', 'http:evil.example'],
    ['javascript', 'javascript:alert(1)'],
    ['javascript after slash trick', '/\tjavascript:alert(1)'],
    ['data URL', 'data:text/html,x'],
    ['relative path', 'agents'],
    ['empty', ''],
    ['tab', '/\t/evil.example'],
    ['newline', '/a\nb'],
    ['NUL', '/a\u0000'],
    ['DEL', '/a\u007f'],
    ['space', '/a b'],
    ['encoded slash', '/%2F%2Fevil.example'],
    ['encoded slash, lower case', '/%2f/evil.example'],
    ['encoded backslash', '/%5Cevil.example'],
    ['double-encoded slash', '/%252F%252Fevil.example'],
    ['encoded tab', '/%09/evil.example'],
    ['encoded newline', '/a%0Ab'],
    ['encoded NUL', '/a%00'],
    ['malformed escape', '/a%E0%A4%A'],
    ['quadruple encoding', '/%25252525'],
    ['non-ASCII', '/café'],
    ['fullwidth solidus', '/／evil.example'],
    ['too long', `/${'a'.repeat(MAX_RETURN_TO_LENGTH)}`],
  ])('refuses %s (%j)', (_label, path) => {
    expect(isSafeReturnTo(path)).toBe(false);
    expect(safeReturnTo(path)).toBe('/');
    expect(safeReturnTo(path, '/home')).toBe('/home');
  });

  it('refuses non-strings', () => {
    for (const value of [undefined, null, 1, {}, ['/a'], new URL(`${ORIGIN}/a`)]) {
      expect(isSafeReturnTo(value)).toBe(false);
    }
  });

  it('refuses every off-origin form of any host', () => {
    fc.assert(
      fc.property(host, pathSegment, (h, p) => {
        for (const candidate of [
          `//${h}/${p}`,
          `/\\${h}/${p}`,
          `\\/${h}/${p}`,
          `https://${h}/${p}`,
          `http://${h}`,
          `/%2F${h}/${p}`,
          `/%5C${h}/${p}`,
          `/%252F${h}`,
          `//${h}@${h}`,
        ]) {
          expect(isSafeReturnTo(candidate)).toBe(false);
        }
      }),
    );
  });

  it('only ever accepts paths that resolve on the current origin', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.webPath(), fc.webUrl(), fc.constantFrom('/', '//', '/\\')),
        (value) => {
          if (!isSafeReturnTo(value)) return;
          expect(new URL(value, ORIGIN).origin).toBe(ORIGIN);
          expect(value.startsWith('/')).toBe(true);
          expect(value.startsWith('//')).toBe(false);
          expect(value).not.toContain('\\');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('accepts ordinary same-origin paths', () => {
    fc.assert(
      fc.property(fc.array(pathSegment, { minLength: 1, maxLength: 5 }), (segments) => {
        const path = `/${segments.filter((s) => s.length > 0).join('/')}`;
        fc.pre(!path.startsWith('//'));
        expect(isSafeReturnTo(path)).toBe(true);
      }),
    );
  });
});
