import fc from 'fast-check';
import { base64url as jose } from 'jose';
import { describe, expect, it } from 'vitest';
import { base64url, base64urlDecode, randomBase64url } from '../../src/crypto/base64url.js';
import { newStateId, STATE_ID_PATTERN } from '../../src/policy/login-state.js';

describe('base64url', () => {
  it('encodes as jose does and decodes back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = base64url(bytes);
        expect(text).toBe(jose.encode(bytes));
        expect(base64urlDecode(text)).toEqual(bytes);
      }),
    );
  });

  it.each(['a', 'ab=', 'a+b/', 'ab cd', 'é'])('refuses %j', (text) => {
    expect(base64urlDecode(text)).toBeNull();
  });

  it('makes random ids of the asked size, and state ids that match their pattern', () => {
    expect(randomBase64url(32)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const ids = new Set(Array.from({ length: 100 }, () => newStateId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(STATE_ID_PATTERN);
  });
});
