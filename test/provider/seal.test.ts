import fc from 'fast-check';
import { EncryptJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { assertSessionSecret } from '../../src/policy/session-secret.js';
import { Sealer } from '../../src/provider/seal.js';

const SECRET = 'seal-test-secret-0123456789abcdefghij';
const NOW = new Date('2030-01-01T00:00:00Z');
const nowSeconds = Math.floor(NOW.getTime() / 1000);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Sealer', () => {
  it('round-trips a payload and puts exp and the purpose inside', async () => {
    const sealer = new Sealer(SECRET);
    // A marker long enough that random ciphertext never contains it by chance (a 2-char one did).
    const sid = 'plaintext-session-id-marker';
    const value = await sealer.seal('session', { sid, n: 3 }, nowSeconds + 60);
    expect(value).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(value).not.toContain(sid);
    await expect(sealer.open('session', value, NOW)).resolves.toEqual({
      sid,
      n: 3,
      pur: 'session',
      exp: nowSeconds + 60,
    });
  });

  it('refuses an expired value', async () => {
    const sealer = new Sealer(SECRET);
    const value = await sealer.seal('session', { sid: 's1' }, nowSeconds + 60);
    await expect(sealer.open('session', value, new Date((nowSeconds + 59) * 1000))).resolves.not.toBeNull();
    await expect(sealer.open('session', value, new Date((nowSeconds + 60) * 1000))).resolves.toBeNull();
  });

  it('refuses a value sealed for another purpose', async () => {
    const sealer = new Sealer(SECRET);
    const flow = await sealer.seal('login-flow', { state: 'x' }, nowSeconds + 60);
    const session = await sealer.seal('session', { sid: 's' }, nowSeconds + 60);
    await expect(sealer.open('session', flow, NOW)).resolves.toBeNull();
    await expect(sealer.open('login-flow', session, NOW)).resolves.toBeNull();
  });

  it('refuses a value sealed with another secret', async () => {
    const value = await new Sealer(`${SECRET}-other`).seal('session', { sid: 's' }, nowSeconds + 60);
    await expect(new Sealer(SECRET).open('session', value, NOW)).resolves.toBeNull();
  });

  it('refuses a tampered ciphertext', async () => {
    const sealer = new Sealer(SECRET);
    const value = await sealer.seal('session', { sid: 's1' }, nowSeconds + 60);
    const parts = value.split('.');
    const cipher = parts[3]!;
    const flipped = cipher[1] === 'A' ? 'B' : 'A';
    parts[3] = cipher[0] + flipped + cipher.slice(2);
    await expect(sealer.open('session', parts.join('.'), NOW)).resolves.toBeNull();
  });

  it('never opens a modified value to a different payload', async () => {
    const sealer = new Sealer(SECRET);
    const value = await sealer.seal('session', { sid: 's1' }, nowSeconds + 60);
    const original = await sealer.open('session', value, NOW);
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: value.length - 1 }),
        fc.constantFrom(...'ABCxyz019-_.'.split('')),
        async (index, char) => {
          fc.pre(value[index] !== char);
          const modified = value.slice(0, index) + char + value.slice(index + 1);
          const opened = await sealer.open('session', modified, NOW);
          // A base64url character's unused low bits may change without changing the bytes.
          expect([null, original]).toContainEqual(opened);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses forged values: plain JWTs, another algorithm, junk and non-strings', async () => {
    const sealer = new Sealer(SECRET);
    const unsecured = 'eyJhbGciOiJub25lIn0.eyJwdXIiOiJzZXNzaW9uIiwiZXhwIjo5OTk5OTk5OTk5fQ.';
    await expect(sealer.open('session', unsecured, NOW)).resolves.toBeNull();
    const otherKey = crypto.getRandomValues(new Uint8Array(32));
    const forged = await new EncryptJWT({ pur: 'session' })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setExpirationTime(nowSeconds + 60)
      .encrypt(otherKey);
    await expect(sealer.open('session', forged, NOW)).resolves.toBeNull();
    for (const junk of [undefined, null, 42, {}, '', '....', 'a'.repeat(5000)]) {
      await expect(sealer.open('session', junk, NOW)).resolves.toBeNull();
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (s) => {
        expect(await sealer.open('session', s, NOW)).toBeNull();
      }),
      { numRuns: 100 },
    );
  });

  it('derives each key once per isolate, not once per call', async () => {
    const spy = vi.spyOn(crypto.subtle, 'deriveKey');
    const sealer = new Sealer('derive-once-secret-0123456789abcdefgh');
    const value = await sealer.seal('session', { a: 1 }, nowSeconds + 60);
    for (let i = 0; i < 5; i++) await sealer.open('session', value, NOW);
    await new Sealer('derive-once-secret-0123456789abcdefgh').open('session', value, NOW);
    expect(spy).toHaveBeenCalledTimes(1);
    await sealer.seal('login-flow', { a: 1 }, nowSeconds + 60);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('refuses a non-integer expiry', async () => {
    await expect(new Sealer(SECRET).seal('session', {}, 1.5)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('assertSessionSecret', () => {
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not a string', 12345],
    ['31 bytes', 'a'.repeat(31)],
  ])('refuses a secret that is %s with a ConfigError naming SESSION_SECRET', (_label, secret) => {
    let error: unknown;
    try {
      assertSessionSecret(secret);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ setting: 'SESSION_SECRET', family: 'misconfigured', status: 500 });
    if (typeof secret === 'string' && secret.length > 0)
      expect(String((error as Error).message)).not.toContain(secret);
  });

  it('counts bytes, not characters', () => {
    expect(assertSessionSecret('é'.repeat(16))).toBe('é'.repeat(16));
    expect(() => new Sealer('é'.repeat(15))).toThrow(ConfigError);
  });
});
