import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { CompositeAuth, createGatewayIdentityAuth, SimpleAuth } from '../../src/composite/index.js';
import { importSigningKey, parseIdentityKey, signIdentity } from '../../src/crypto/identity-assertion.js';
import { encodeUserHeader } from '../../src/gateway/identity.js';

const SECRET = 'identity-secret-0123456789-abcdefghij';
const ISSUER = 'https://gw.example';
const options = { key: SECRET, issuer: ISSUER, audience: 'runner' };
const user = { id: 'user_1', email: 'ada@example.com', name: 'Ada', role: 'owner' };

async function assertionFor(key: unknown = SECRET, who: { id: string } = user) {
  return signIdentity(await importSigningKey(parseIdentityKey(key)), {
    issuer: ISSUER,
    audience: 'runner',
    user: who,
  });
}
const request = (headers: Record<string, string>) => new Request('http://runner/api/agents', { headers });

describe('createGatewayIdentityAuth', () => {
  it('accepts a valid assertion as its user and admits only users it returned', async () => {
    const auth = createGatewayIdentityAuth(options);
    const got = await auth.authenticateToken('', request({ 'X-Mastra-Identity': await assertionFor() }));
    expect(got).toEqual(user);
    expect(auth.authorizeUser(got ?? { id: '' })).toBe(true);
    expect(auth.authorizeUser({ ...user })).toBe(false);
  });

  it('refuses the plain X-Mastra-User headers on their own, and a disagreeing X-Mastra-User-Id', async () => {
    const auth = createGatewayIdentityAuth(options);
    const plain = { 'X-Mastra-User-Id': user.id, 'X-Mastra-User': encodeUserHeader(user) };
    expect(await auth.authenticateToken('', request(plain))).toBeNull();
    expect(await auth.authenticateToken('anything', request({}))).toBeNull();
    const mixed = { 'X-Mastra-Identity': await assertionFor(), 'X-Mastra-User-Id': 'someone_else' };
    expect(await auth.authenticateToken('', request(mixed))).toBeNull();
  });

  it('verifies Ed25519 assertions with a public JWK or a JWKS, never with the secret of another kind', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const publicJwk = await exportJWK(publicKey);
    const assertion = await assertionFor(privateJwk);
    for (const key of [publicJwk, JSON.stringify({ keys: [publicJwk] }), privateJwk]) {
      const auth = createGatewayIdentityAuth({ ...options, key });
      expect(await auth.authenticateToken('', request({ 'X-Mastra-Identity': assertion }))).toMatchObject({
        id: user.id,
      });
    }
    const hs = createGatewayIdentityAuth(options);
    expect(await hs.authenticateToken('', request({ 'X-Mastra-Identity': assertion }))).toBeNull();
  });

  it('works inside CompositeAuth, after a service-token provider', async () => {
    const composite = new CompositeAuth([
      new SimpleAuth({ tokens: { svc: { id: 'svc' } } }),
      createGatewayIdentityAuth(options),
    ]);
    const mastraShaped = (headers: Record<string, string>) => {
      const raw = request(headers);
      return { raw, headers: raw.headers, header: (name: string) => raw.headers.get(name) ?? undefined };
    };
    const got = await composite.authenticateToken(
      '',
      mastraShaped({ 'X-Mastra-Identity': await assertionFor() }),
    );
    expect(got).toMatchObject({ id: user.id });
    expect(await composite.authorizeUser(got, mastraShaped({}))).toBe(true);
    expect(await composite.authenticateToken('', mastraShaped({ 'X-Mastra-User-Id': user.id }))).toBeNull();
  });

  it('refuses bad options, naming the option and never the key', () => {
    expect(() => createGatewayIdentityAuth({ ...options, key: 'short' })).toThrow(/options\.key.*32 bytes/);
    expect(() => createGatewayIdentityAuth({ ...options, issuer: '' })).toThrow(/options\.issuer/);
    expect(() => createGatewayIdentityAuth({ ...options, audience: ' ' })).toThrow(/options\.audience/);
    expect(() => createGatewayIdentityAuth({ ...options, clockToleranceSeconds: 600 })).toThrow(
      /clockTolerance/,
    );
    expect(() => createGatewayIdentityAuth({ ...options, key: { keys: [] } })).toThrow(/no keys/);
  });
});
