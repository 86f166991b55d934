import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { isPublicPath, parsePublicPaths } from '../../src/gateway/public-paths.js';

describe('parsePublicPaths', () => {
  it('parses exact and prefix entries, ignoring blanks', () => {
    expect(parsePublicPaths(' /health ,, /static/* ,')).toEqual([
      { path: '/health', prefix: false },
      { path: '/static/', prefix: true },
    ]);
    expect(parsePublicPaths(undefined)).toEqual([]);
    expect(parsePublicPaths('')).toEqual([]);
  });

  it.each(['health', '/a*b', '/*', '/a?x=1', '/a#b', '/a b', '/a\\b', '/%2e%2e', 'https://x/'])(
    'refuses %j with a ConfigError naming PUBLIC_PATHS',
    (value) => {
      try {
        parsePublicPaths(value);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect(error).toMatchObject({ setting: 'PUBLIC_PATHS' });
      }
    },
  );
});

describe('isPublicPath', () => {
  const rules = parsePublicPaths('/health,/static/*');

  it.each([
    ['/health', true],
    ['/health/', false],
    ['/healthz', false],
    ['/static/', true],
    ['/static/app.js', true],
    ['/static', false],
    ['/api/agents', false],
    ['/static/..%2Fapi', false],
    ['/static/%5C..%5Capi', false],
  ])('%s -> %s', (path, expected) => {
    expect(isPublicPath(rules, path)).toBe(expected);
  });

  it('matches only what URL normalization leaves (dot segments cannot escape a prefix)', () => {
    expect(isPublicPath(rules, new URL('https://x/static/../api/agents').pathname)).toBe(false);
    expect(isPublicPath(rules, new URL('https://x/static/%2e%2e/api').pathname)).toBe(false);
  });

  it('never makes a path public that is outside every rule, or carries an encoded separator', () => {
    const segment = fc.stringMatching(/^[a-z0-9.%]{1,6}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
        const path = `/${segments.join('/')}`;
        const inside = path === '/health' || path.startsWith('/static/');
        expect(isPublicPath(rules, path)).toBe(inside && !/%2f|%5c/i.test(path));
      }),
    );
    expect(isPublicPath(rules, '/static/%2F')).toBe(false);
  });
});
