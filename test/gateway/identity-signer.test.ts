import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseIdentityKey } from '../../src/crypto/identity-assertion.js';
import { IdentitySigner } from '../../src/gateway/identity-signer.js';

const settings = { material: parseIdentityKey('identity-secret-0123456789-abcdefghij'), audience: 'runner' };
const ada = { id: 'user_1', email: 'ada@example.com' };

describe('IdentitySigner', () => {
  it('reuses an assertion for one user while it has at least 30 s left, then signs a new one', async () => {
    let now = 1_800_000_000_000;
    const signer = new IdentitySigner(settings, () => now);
    const first = await signer.sign(ada, 'https://gw.example');
    now += 29_000;
    expect(await signer.sign(ada, 'https://gw.example')).toBe(first);
    now += 2_000;
    const renewed = await signer.sign(ada, 'https://gw.example');
    expect(renewed).not.toBe(first);
    const claims = decodeJwt(renewed);
    expect((claims.exp ?? 0) - now / 1000).toBeGreaterThanOrEqual(30);
  });

  it("never hands one user another user's assertion, nor one issuer another's", async () => {
    const signer = new IdentitySigner(settings);
    const a = decodeJwt(await signer.sign(ada, 'https://gw.example'));
    const b = decodeJwt(await signer.sign({ id: 'user_2' }, 'https://gw.example'));
    const c = decodeJwt(await signer.sign({ ...ada, role: 'admin' }, 'https://gw.example'));
    const d = decodeJwt(await signer.sign(ada, 'https://other.example'));
    expect([a.sub, b.sub, c.role, d.iss]).toEqual(['user_1', 'user_2', 'admin', 'https://other.example']);
  });
});
