import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  constantTimeEqual,
  constantTimeIndexOf,
  constantTimeStringIndexOf,
  secretCodeUnits,
  sha256,
} from '../../src/crypto/constant-time.js';

describe('constantTimeEqual', () => {
  it('agrees with byte-wise equality', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        const same = a.length === b.length && a.every((byte, i) => byte === b[i]);
        expect(constantTimeEqual(a, b)).toBe(same ? 1 : 0);
        expect(constantTimeEqual(a, a.slice())).toBe(1);
      }),
    );
  });

  it('tells a prefix from the whole', () => {
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(0);
  });
});

describe('constantTimeIndexOf', () => {
  it('finds the index of the matching digest, -1 when none', async () => {
    const digests = await Promise.all(['alpha', 'beta', 'gamma'].map(sha256));
    expect(constantTimeIndexOf(await sha256('beta'), digests)).toBe(1);
    expect(constantTimeIndexOf(await sha256('gamma'), digests)).toBe(2);
    expect(constantTimeIndexOf(await sha256('alpha'), digests)).toBe(0);
    expect(constantTimeIndexOf(await sha256('delta'), digests)).toBe(-1);
    expect(constantTimeIndexOf(await sha256('alpha'), [])).toBe(-1);
  });

  it('hashes with SHA-256', async () => {
    const digest = await sha256('abc');
    expect(Array.from(digest.slice(0, 4), (b) => b.toString(16).padStart(2, '0')).join('')).toBe('ba7816bf');
  });
});

describe('constantTimeStringIndexOf', () => {
  it('agrees with string equality against every secret', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 24, unit: 'binary' }), { maxLength: 4 }),
        fc.string({ maxLength: 30, unit: 'binary' }),
        fc.nat(),
        (secrets, other, pick) => {
          const units = secrets.map(secretCodeUnits);
          const candidate = secrets.length > 0 && pick % 2 === 0 ? secrets[pick % secrets.length]! : other;
          expect(constantTimeStringIndexOf(candidate, units)).toBe(secrets.indexOf(candidate));
        },
      ),
    );
  });

  it('tells prefixes, extensions, repetitions and lone surrogates apart', () => {
    const units = ['abc', '\uD800x'].map(secretCodeUnits);
    for (const candidate of ['', 'ab', 'abcd', 'abcabc', 'a', 'ABC', '\uDC00x', '\uFFFDx']) {
      expect(constantTimeStringIndexOf(candidate, units)).toBe(-1);
    }
    expect(constantTimeStringIndexOf('\uD800x', units)).toBe(1);
    expect(constantTimeStringIndexOf('abc', [])).toBe(-1);
  });
});
