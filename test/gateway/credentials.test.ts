import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors/index.js';
import { parseAuthorization, parsePlaygroundAccess, readCredential } from '../../src/gateway/credentials.js';
import { MAX_TOKEN_LENGTH } from '../../src/policy/limits.js';
import { refusal } from './refusal.js';

const b64token = fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,64}=*$/);
const COOKIES = ['mastra_session'];

describe('parseAuthorization', () => {
  it('returns null when absent', () => {
    expect(parseAuthorization(null)).toBeNull();
  });

  it('reads Bearer tokens with the scheme in any case (RFC 9110 section 11.1)', () => {
    fc.assert(
      fc.property(
        b64token,
        fc.constantFrom('Bearer', 'bearer', 'BEARER', 'bEaReR'),
        fc.integer({ min: 1, max: 3 }),
        (token, scheme, spaces) => {
          expect(parseAuthorization(`${scheme}${' '.repeat(spaces)}${token}`)).toBe(token);
        },
      ),
    );
  });

  it.each([
    ['scheme only', 'Bearer'],
    ['scheme and space', 'Bearer '],
    ['two credentials', 'Bearer a b'],
    ['repeated header (comma-joined)', 'Bearer a, Bearer b'],
    ['comma', 'Bearer a,b'],
    ['quote', 'Bearer "abc"'],
    ['tab separator', 'Bearer\tabc'],
    ['padding in the middle', 'Bearer ab=c'],
    ['non-ASCII', 'Bearer tökén'],
    ['auth-params', 'Bearer realm="x"'],
    ['over-long token', `Bearer ${'a'.repeat(MAX_TOKEN_LENGTH + 1)}`],
    ['over-long header', `Bearer ${'a'.repeat(20_000)}`],
    ['bad scheme chars', 'Bea(rer abc'],
    ['empty', ''],
  ])('refuses %s with 400 invalid_authorization', (_label, header) => {
    const error = refusal(() => parseAuthorization(header));
    expect(error.code).toBe('invalid_authorization');
    expect(error.status).toBe(400);
    expect(error.message).not.toContain('abc');
  });

  it.each(['Basic dXNlcjpwdw==', 'Token abc', 'Digest username="x"', 'Basic'])(
    'refuses the unsupported scheme %j with 401',
    (header) => {
      const error = refusal(() => parseAuthorization(header));
      expect(error.code).toBe('invalid_authorization');
      expect(error.status).toBe(401);
    },
  );

  it('never throws anything but InvalidRequestError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (header) => {
        try {
          const token = parseAuthorization(header);
          expect(token === null || /^[A-Za-z0-9\-._~+/]+=*$/.test(token)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidRequestError);
        }
      }),
    );
  });
});

describe('parsePlaygroundAccess', () => {
  it('reads one token68', () => {
    expect(parsePlaygroundAccess('abc.def-1')).toBe('abc.def-1');
    expect(parsePlaygroundAccess(null)).toBeNull();
  });

  it.each(['', 'a b', 'a,b', 'x'.repeat(MAX_TOKEN_LENGTH + 1)])('refuses %j', (value) => {
    expect(refusal(() => parsePlaygroundAccess(value)).status).toBe(400);
  });
});

describe('readCredential', () => {
  const request = (headers: Record<string, string>) => new Request('https://gw.example/api', { headers });

  it('prefers Authorization, then X-Playground-Access, then the session cookie', () => {
    expect(
      readCredential(request({ Authorization: 'Bearer t1', Cookie: 'mastra_session=s' }), COOKIES),
    ).toEqual({
      kind: 'token',
      token: 't1',
      source: 'authorization',
    });
    expect(readCredential(request({ 'X-Playground-Access': 'p1' }), COOKIES)).toEqual({
      kind: 'token',
      token: 'p1',
      source: 'playground',
    });
    expect(readCredential(request({ Cookie: 'a=1; mastra_session=s.1' }), COOKIES)).toEqual({
      kind: 'session',
      cookie: 's.1',
    });
    expect(readCredential(request({ Cookie: 'a=1' }), COOKIES)).toEqual({ kind: 'none' });
  });

  it('accepts the same token in both headers, refuses two different ones', () => {
    expect(
      readCredential(request({ Authorization: 'Bearer t', 'X-Playground-Access': 't' }), COOKIES),
    ).toMatchObject({
      token: 't',
    });
    const error = refusal(() =>
      readCredential(request({ Authorization: 'Bearer a', 'X-Playground-Access': 'b' }), COOKIES),
    );
    expect(error.code).toBe('invalid_authorization');
  });

  it('checks the session cookie even when a header token is present', () => {
    const error = refusal(() =>
      readCredential(
        request({ Authorization: 'Bearer t', Cookie: 'mastra_session=a; mastra_session=b' }),
        COOKIES,
      ),
    );
    expect(error.code).toBe('invalid_cookie');
  });

  it('never reads a token from the query string', () => {
    expect(readCredential(new Request('https://gw.example/api?apiKey=t&access_token=t'), COOKIES)).toEqual({
      kind: 'none',
    });
  });
});
