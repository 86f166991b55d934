import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBearerToken, parseAuthorizationHeader } from '../../src/http/authorization.js';

const b64char = fc.constantFrom(...'ABCXYZabcxyz0189-._~+/'.split(''));
const b64token = fc
  .tuple(fc.array(b64char, { minLength: 1, maxLength: 64 }), fc.nat({ max: 2 }))
  .map(([chars, pad]) => chars.join('') + '='.repeat(pad));

describe('parseAuthorizationHeader', () => {
  it.each([
    ['Bearer abc.def', { kind: 'bearer', token: 'abc.def' }],
    ['bearer   abc', { kind: 'bearer', token: 'abc' }],
    ['  BEARER x=  ', { kind: 'bearer', token: 'x=' }],
    ['Basic dXNlcg==', { kind: 'other_scheme' }],
    ['Digest', { kind: 'other_scheme' }],
    ['Bearer', { kind: 'malformed', reason: 'no_token' }],
    ['Bearer    ', { kind: 'malformed', reason: 'no_token' }],
    ['Bearer a b', { kind: 'malformed', reason: 'bad_token' }],
    ['Bearer a, Bearer b', { kind: 'malformed', reason: 'bad_token' }],
    ['Bearer a=b', { kind: 'malformed', reason: 'bad_token' }],
    ['Bearer tök', { kind: 'malformed', reason: 'bad_token' }],
    ['', { kind: 'malformed', reason: 'bad_scheme' }],
    ['Bé abc', { kind: 'malformed', reason: 'bad_scheme' }],
  ])('%j -> %j', (header, expected) => {
    expect(parseAuthorizationHeader(header)).toEqual(expected);
  });

  it('reads back any b64token under any casing of the scheme', () => {
    fc.assert(
      fc.property(b64token, fc.constantFrom('Bearer', 'bearer', 'BEARER', 'bEaReR'), (token, scheme) => {
        expect(parseAuthorizationHeader(`${scheme} ${token}`)).toEqual({ kind: 'bearer', token });
        expect(isBearerToken(token)).toBe(true);
      }),
    );
  });

  it('reads the canonical form and its spaced or padded variants alike', () => {
    fc.assert(
      fc.property(b64token, (token) => {
        for (const header of [
          `Bearer ${token}`,
          `Bearer  ${token}`,
          ` Bearer ${token} `,
          `Bearer ${token}\t`,
        ]) {
          expect(parseAuthorizationHeader(header)).toEqual({ kind: 'bearer', token });
        }
        expect(parseAuthorizationHeader(`Bearer ${token} x`).kind).toBe('malformed');
        expect(parseAuthorizationHeader(`Bearer ${token},Bearer x`).kind).toBe('malformed');
      }),
    );
  });

  it('never yields a bearer token that is not a b64token', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (header) => {
        const parsed = parseAuthorizationHeader(header);
        expect(parsed.kind !== 'bearer' || isBearerToken(parsed.token)).toBe(true);
      }),
    );
  });
});
