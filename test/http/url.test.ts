import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHttpUrl } from '../../src/http/url.js';

describe('parseHttpUrl', () => {
  it.each([
    ['https://cloud.mastra.ai', 'https://cloud.mastra.ai'],
    ['http://127.0.0.1:8787/x?y=1', 'http://127.0.0.1:8787'],
  ])('accepts %s', (value, origin) => {
    expect(parseHttpUrl(value)?.origin).toBe(origin);
  });

  it.each(['', '/auth/callback', 'cloud.mastra.ai', 'ftp://x', 'javascript:alert(1)', 'https://'])(
    'refuses %j',
    (value) => {
      expect(parseHttpUrl(value)).toBeNull();
    },
  );

  it('never throws and only ever yields http(s) URLs', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const url = parseHttpUrl(value);
        expect([null, 'http:', 'https:']).toContain(url === null ? null : url.protocol);
      }),
    );
  });
});
