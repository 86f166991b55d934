import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRevocationMark,
  decodeSession,
  decodeVerifyEntry,
  encodeRevocationMark,
  encodeSession,
  encodeVerifyEntry,
} from '../../src/kv-session/codec.js';

const time = fc.integer({ min: 0, max: 8.64e15 });
const json = fc.jsonValue();

describe('codec: values read back from KV are untrusted', () => {
  it('property: decoding any string never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          json.map((v) => JSON.stringify({ v: 1, ...Object(v) })),
        ),
        (raw) => {
          expect(() => [decodeVerifyEntry(raw), decodeRevocationMark(raw), decodeSession(raw)]).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: verify entries round-trip', () => {
    const positive = fc.record(
      {
        kind: fc.constant('ok' as const),
        value: json,
        storedAt: time,
        expiresAt: time,
        tokenExpiresAt: time,
      },
      { requiredKeys: ['kind', 'value', 'storedAt', 'expiresAt'] },
    );
    const negative = fc.record(
      {
        kind: fc.constant('rejected' as const),
        status: fc.integer({ min: 400, max: 599 }),
        code: fc.stringMatching(/^[a-z_]{1,20}$/),
        storedAt: time,
        expiresAt: time,
      },
      { requiredKeys: ['kind', 'status', 'storedAt', 'expiresAt'] },
    );
    fc.assert(
      fc.property(fc.oneof(positive, negative), (entry) => {
        // JSON has no -0; compare after the same normalisation.
        expect(decodeVerifyEntry(encodeVerifyEntry(entry))).toEqual(JSON.parse(JSON.stringify(entry)));
      }),
    );
  });

  it('property: revocation marks and sessions round-trip', () => {
    fc.assert(
      fc.property(time, time, (revokedAt, until) => {
        expect(decodeRevocationMark(encodeRevocationMark({ revokedAt, until }))).toEqual({
          revokedAt,
          until,
        });
      }),
    );
    const session = fc.record(
      {
        userId: fc.string({ minLength: 1, maxLength: 50 }),
        createdAt: time,
        expiresAt: time,
        absoluteExpiresAt: time,
        tokenHash: fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        metadata: fc.dictionary(fc.string(), json),
      },
      { requiredKeys: ['userId', 'createdAt', 'expiresAt'] },
    );
    fc.assert(
      fc.property(session, (s) => {
        expect(decodeSession(encodeSession(s))).toEqual(JSON.parse(JSON.stringify(s)));
      }),
    );
  });

  it.each([
    ['fractional time', { v: 1, kind: 'ok', value: 1, storedAt: 1.5, expiresAt: 2 }],
    ['negative time', { v: 1, kind: 'ok', value: 1, storedAt: -1, expiresAt: 2 }],
    ['status out of range', { v: 1, kind: 'rejected', status: 200, storedAt: 1, expiresAt: 2 }],
    ['odd code', { v: 1, kind: 'rejected', status: 401, code: 'x y', storedAt: 1, expiresAt: 2 }],
    ['bad tokenExpiresAt', { v: 1, kind: 'ok', value: 1, storedAt: 1, expiresAt: 2, tokenExpiresAt: 'soon' }],
  ])('verify entry with %s is refused', (_name, value) => {
    expect(decodeVerifyEntry(JSON.stringify(value))).toBeNull();
  });

  it.each([
    ['empty userId', { v: 1, userId: '', createdAt: 1, expiresAt: 2 }],
    ['array metadata', { v: 1, userId: 'u', createdAt: 1, expiresAt: 2, metadata: [] }],
    ['raw token as tokenHash', { v: 1, userId: 'u', createdAt: 1, expiresAt: 2, tokenHash: 'eyJ.abc.def' }],
    ['missing expiresAt', { v: 1, userId: 'u', createdAt: 1 }],
  ])('session with %s is refused', (_name, value) => {
    expect(decodeSession(JSON.stringify(value))).toBeNull();
  });
});
