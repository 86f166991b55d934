import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashToken, isTokenHash, TOKEN_HASH_PATTERN } from '../../src/kv-session/hash.js';
import { KEY_PREFIXES, storageKey, storageKeyFor } from '../../src/kv-session/keys.js';

describe('hashToken', () => {
  it('is base64url(SHA-256) without padding (known vectors)', async () => {
    expect(await hashToken('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(await hashToken('é')).toBe(await hashToken('\u00e9'));
  });

  it('property: 43 url-safe characters, deterministic, different inputs give different hashes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), async (a, b) => {
        const ha = await hashToken(a);
        expect(ha).toMatch(TOKEN_HASH_PATTERN);
        expect(isTokenHash(ha)).toBe(true);
        expect(await hashToken(a)).toBe(ha);
        if (a !== b) expect(await hashToken(b)).not.toBe(ha);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects an empty or non-string token', async () => {
    await expect(hashToken('')).rejects.toThrow(TypeError);
    // @ts-expect-error wrong type on purpose
    await expect(hashToken(undefined)).rejects.toThrow(/token/);
  });
});

describe('storage keys', () => {
  it('keeps the documented prefixes (stable across versions, see STORAGE.md)', () => {
    expect(KEY_PREFIXES).toEqual({
      verify: 'verify:',
      perm: 'perm:',
      revoked: 'revoked:',
      session: 'session:',
      'used-state': 'used-state:',
    });
  });

  it('builds <prefix><hash> and never accepts a raw token as the hash', async () => {
    const hash = await hashToken('token');
    expect(storageKey('revoked', hash)).toBe(`revoked:${hash}`);
    expect(await storageKeyFor('session', 'token')).toBe(`session:${hash}`);
    expect(() => storageKey('verify', 'eyJhbGciOiJIUzI1NiJ9.e30.sig')).toThrow(TypeError);
    expect(() => storageKey('verify', `${hash}x`)).toThrow(TypeError);
  });

  it('property: a key never contains the secret it was built from', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 8 }),
        fc.constantFrom(...Object.keys(KEY_PREFIXES)),
        async (secret, kind) => {
          const key = await storageKeyFor(kind as keyof typeof KEY_PREFIXES, secret);
          expect(key.includes(secret)).toBe(false);
          expect(key).toMatch(/^(verify|perm|revoked|session|used-state):[A-Za-z0-9_-]{43}$/);
        },
      ),
      { numRuns: 100 },
    );
  });
});
