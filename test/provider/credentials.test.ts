import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readProviderCredential } from '../../src/provider/credentials.js';

const NAME = '__Host-mastra_session';
const req = (headers: Record<string, string>) => new Request('https://app.test/', { headers });

describe('readProviderCredential', () => {
  it('prefers the token argument, then Authorization, then the cookie', () => {
    const cookie = `${NAME}=sealed.handle`;
    expect(
      readProviderCredential('tok', req({ Authorization: 'Bearer other', Cookie: cookie }), NAME),
    ).toEqual({
      kind: 'bearer',
      token: 'tok',
    });
    expect(readProviderCredential('', req({ Authorization: 'bearer  hdr', Cookie: cookie }), NAME)).toEqual({
      kind: 'bearer',
      token: 'hdr',
    });
    expect(readProviderCredential('', req({ Cookie: cookie }), NAME)).toEqual({
      kind: 'session',
      handle: 'sealed.handle',
    });
    expect(readProviderCredential(undefined, req({}), NAME)).toEqual({ kind: 'none' });
  });

  it('recognises its own cookie value passed as the token', () => {
    expect(readProviderCredential('sealed.handle', req({ Cookie: `${NAME}=sealed.handle` }), NAME)).toEqual({
      kind: 'session',
      handle: 'sealed.handle',
    });
  });

  it.each([
    'Basic abc',
    'Bearer',
    'Bearer ',
    'Bearer a b',
    'Bearer a,b',
    'Token abc',
    `Bearer ${'a'.repeat(4097)}`,
  ])('treats Authorization %j as malformed, whatever else the request has', (authorization) => {
    const request = req({ Authorization: authorization, Cookie: `${NAME}=sealed.handle` });
    expect(readProviderCredential('', request, NAME)).toEqual({ kind: 'malformed' });
    expect(readProviderCredential('sealed.handle', request, NAME)).toEqual({ kind: 'malformed' });
  });

  it('treats a token argument that is not a b64token as malformed', () => {
    expect(readProviderCredential('Basic abc', req({ Cookie: `${NAME}=x` }), NAME)).toEqual({
      kind: 'malformed',
    });
    expect(readProviderCredential('a b', req({}), NAME)).toEqual({ kind: 'malformed' });
  });

  it('never throws and only ever yields a b64token as a bearer token', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (token, authorization, cookie) => {
        const headers: Record<string, string> = {};
        try {
          new Headers({ a: authorization, c: cookie });
          headers.Authorization = authorization;
          headers.Cookie = cookie;
        } catch {
          // Not a valid header value: leave the request without it.
        }
        const credential = readProviderCredential(token, { headers }, NAME);
        expect(credential.kind !== 'bearer' || /^[A-Za-z0-9\-._~+/]+=*$/.test(credential.token)).toBe(true);
      }),
    );
  });
});
