import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidCodeVerifier } from '../../src/policy/pkce.js';
import { computeS256Challenge, createPkcePair } from '../../src/provider/pkce.js';

describe('PKCE (RFC 7636)', () => {
  it('matches the RFC 7636 Appendix B vector', async () => {
    await expect(computeS256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).resolves.toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('creates a 43-character verifier whose challenge is its S256 hash', async () => {
    const pair = await createPkcePair();
    expect(pair.method).toBe('S256');
    expect(pair.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(isValidCodeVerifier(pair.verifier)).toBe(true);
    expect(pair.challenge).toBe(await computeS256Challenge(pair.verifier));
  });

  it('creates a different verifier each time', async () => {
    const verifiers = new Set<string>();
    for (let i = 0; i < 20; i++) verifiers.add((await createPkcePair()).verifier);
    expect(verifiers.size).toBe(20);
  });

  it('gives a 43-character unpadded base64url challenge for any valid verifier', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~'.split('');
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom(...alphabet), minLength: 43, maxLength: 128 }),
        async (v) => {
          expect(await computeS256Challenge(v)).toMatch(/^[A-Za-z0-9_-]{43}$/);
        },
      ),
    );
  });

  it.each([
    ['too short', 'a'.repeat(42)],
    ['too long', 'a'.repeat(129)],
    ['bad character', `${'a'.repeat(42)}+`],
    ['space', `${'a'.repeat(42)} `],
  ])('refuses a verifier that is %s', async (_label, verifier) => {
    await expect(computeS256Challenge(verifier)).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
    });
  });
});
