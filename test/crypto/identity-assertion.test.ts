import fc from 'fast-check';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  importSigningKey,
  importVerifyKey,
  parseIdentityKey,
  signIdentity,
  verifyIdentity,
} from '../../src/crypto/identity-assertion.js';

const SECRET = 'identity-secret-0123456789-abcdefghij';
const NOW = 1_800_000_000;
const expected = { issuer: 'https://gw.example', audience: 'runner', clockToleranceSeconds: 5 };

async function keys() {
  const material = parseIdentityKey(SECRET);
  return { sign: await importSigningKey(material), verify: await importVerifyKey(material) };
}

describe('identity assertion', () => {
  it('round-trips the user and is refused outside its lifetime (with the skew allowed)', async () => {
    const { sign, verify } = await keys();
    const user = { id: 'user_1', email: 'ada@example.com', name: 'Ada', role: 'owner' };
    const jwt = await signIdentity(sign, {
      issuer: expected.issuer,
      audience: 'runner',
      user,
      nowSeconds: NOW,
    });
    expect(await verifyIdentity(jwt, [verify], { ...expected, nowSeconds: NOW })).toEqual(user);
    expect(await verifyIdentity(jwt, [verify], { ...expected, nowSeconds: NOW + 64 })).toEqual(user);
    expect(await verifyIdentity(jwt, [verify], { ...expected, nowSeconds: NOW + 66 })).toBeNull();
    expect(await verifyIdentity(jwt, [verify], { ...expected, nowSeconds: NOW - 10 })).toBeNull(); // issued in the future
  });

  it('never signs for longer than 60 s', async () => {
    const { sign, verify } = await keys();
    const jwt = await signIdentity(sign, {
      ...expected,
      user: { id: 'u' },
      ttlSeconds: 3600,
      nowSeconds: NOW,
    });
    expect(await verifyIdentity(jwt, [verify], { ...expected, nowSeconds: NOW + 70 })).toBeNull();
  });

  it('refuses a token of another type, a longer lifetime, alg none, or another key', async () => {
    const { verify } = await keys();
    const secret = new TextEncoder().encode(SECRET);
    const base = () =>
      new SignJWT({})
        .setIssuer(expected.issuer)
        .setAudience('runner')
        .setSubject('u')
        .setJti('j')
        .setIssuedAt(NOW);
    const plainJwt = await base()
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(NOW + 30)
      .sign(secret);
    const long = await base()
      .setProtectedHeader({ alg: 'HS256', typ: 'mastra-identity+jwt' })
      .setExpirationTime(NOW + 600)
      .sign(secret);
    const none = `${btoa('{"alg":"none","typ":"mastra-identity+jwt"}')}.${btoa(`{"iss":"${expected.issuer}","aud":"runner","sub":"u","iat":${NOW},"exp":${NOW + 30},"jti":"j"}`)}.`;
    const other = await importSigningKey(parseIdentityKey('another-secret-0123456789-abcdefghijk'));
    const foreign = await signIdentity(other, { ...expected, user: { id: 'u' }, nowSeconds: NOW });
    for (const jwt of [plainJwt, long, none, foreign, '', 'a.b.c', 'x'.repeat(9000)]) {
      expect(await verifyIdentity(jwt, [verify], { ...expected, nowSeconds: NOW })).toBeNull();
    }
  });

  it('never throws and never accepts on arbitrary input', async () => {
    const { verify } = await keys();
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (text) => {
        expect(await verifyIdentity(text, [verify], { ...expected, nowSeconds: NOW })).toBeNull();
      }),
      { numRuns: 200 },
    );
  });

  it('checks key material without echoing it', () => {
    expect(() => parseIdentityKey('short')).toThrow(/at least 32 bytes/);
    expect(() => parseIdentityKey('{not json')).toThrow(/does not parse/);
    expect(() => parseIdentityKey({ kty: 'RSA', n: 'x', e: 'AQAB' })).toThrow(/Ed25519/);
    expect(() => parseIdentityKey({ kty: 'OKP', crv: 'Ed25519' })).toThrow(/"x"/);
  });
});
