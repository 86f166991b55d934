import { describe, expect, it } from 'vitest';
import { hashToken } from '../../src/kv-session/hash.js';
import { RevocationList } from '../../src/kv-session/index.js';
import { storageKeyFor } from '../../src/kv-session/keys.js';
import {
  DEFAULT_REVOCATION_TTL_MS,
  KV_PROPAGATION_WINDOW_MS,
  MIN_REVOCATION_TTL_MS,
} from '../../src/kv-session/limits.js';
import { KVDouble } from '../../src/testing/index.js';
import { rejectionOf, TOKEN } from './helpers.js';

function list(kv: KVDouble, location?: string, errors: string[] = []) {
  return new RevocationList({
    kv: kv.location(location),
    clock: kv.clock,
    onError: ({ operation, record }) => errors.push(`${operation}:${record}`),
  });
}

describe('RevocationList', () => {
  it('marks locally at once and stores a mark that lives the default TTL', async () => {
    const kv = new KVDouble();
    const revocations = list(kv);
    await revocations.revoke(TOKEN);
    expect(revocations.isRevokedLocally(await hashToken(TOKEN))).toBe(true);
    const [record] = kv.records();
    expect(record?.key).toBe(await storageKeyFor('revoked', TOKEN));
    expect(JSON.parse(record?.value ?? '')).toEqual({
      v: 1,
      revokedAt: kv.clock.now(),
      until: kv.clock.now() + DEFAULT_REVOCATION_TTL_MS,
    });
    expect(record?.expiresAt).toBeGreaterThan(kv.clock.now() + DEFAULT_REVOCATION_TTL_MS);
  });

  it('honours until, but never shorter than the minimum mark lifetime', async () => {
    const kv = new KVDouble();
    const revocations = list(kv);
    await revocations.revoke(TOKEN, { until: new Date(kv.clock.now() + 1_000) });
    kv.advance(MIN_REVOCATION_TTL_MS - 1);
    expect(await revocations.isRevoked(TOKEN)).toBe(true);
    kv.advance(1);
    expect(await revocations.isRevoked(TOKEN)).toBe(false);
  });

  it('other isolates see the mark through KV, other locations after propagation', async () => {
    const kv = new KVDouble({ locations: ['a', 'b'], replicationLagMs: KV_PROPAGATION_WINDOW_MS });
    await list(kv, 'a').revoke(TOKEN);
    const hash = await hashToken(TOKEN);
    expect(await list(kv, 'a').check(hash)).toBe('revoked');
    const far = list(kv, 'b');
    expect(await far.check(hash)).toBe('clear');
    kv.advance(KV_PROPAGATION_WINDOW_MS);
    expect(await far.check(hash)).toBe('revoked');
    // Remembered locally from then on, even if KV fails.
    kv.failAlways('get');
    expect(await far.check(hash)).toBe('revoked');
  });

  it('a KV read failure or a corrupt mark is unknown (reported), and isRevoked throws unavailable', async () => {
    const kv = new KVDouble();
    const errors: string[] = [];
    const revocations = list(kv, undefined, errors);
    const hash = await hashToken(TOKEN);
    kv.failNext('get');
    expect(await revocations.check(hash)).toBe('unknown');
    await kv.location().put(await storageKeyFor('revoked', TOKEN), '{"v":1,"until":"later"}');
    expect(await revocations.check(hash)).toBe('unknown');
    expect(errors).toEqual(['get:revoked', 'decode:revoked']);
    expect(await rejectionOf(revocations.isRevoked(TOKEN))).toMatchObject({
      name: 'StorageUnavailableError',
      family: 'unavailable',
      status: 503,
    });
  });

  it('two isolates revoking one token within a second both succeed (the second waits out the 429)', async () => {
    const kv = new KVDouble();
    await Promise.all([list(kv).revoke(TOKEN), list(kv).revoke(TOKEN)]);
    const puts = kv.log.filter((e) => e.op === 'put');
    expect(puts.map((p) => p.error)).toEqual([undefined, 'KV PUT failed: 429 Too Many Requests', undefined]);
    expect((puts[2]?.at ?? 0) - (puts[1]?.at ?? 0)).toBe(1_000);
  });

  it('a failed mark write throws StorageUnavailableError but the local mark holds', async () => {
    const kv = new KVDouble();
    const revocations = list(kv);
    kv.failAlways('put');
    expect(await rejectionOf(revocations.revoke(TOKEN))).toMatchObject({
      name: 'StorageUnavailableError',
      status: 503,
    });
    expect(revocations.isRevokedLocally(await hashToken(TOKEN))).toBe(true);
  });

  it('works without KV (local only) and checks its arguments', async () => {
    const revocations = new RevocationList();
    await revocations.revoke(TOKEN);
    expect(await revocations.isRevoked(TOKEN)).toBe(true);
    expect(await revocations.isRevoked('other')).toBe(false);
    await expect(revocations.revokeHash('not-a-hash')).rejects.toThrow(/tokenHash/);
    // @ts-expect-error bad until on purpose
    await expect(revocations.revoke(TOKEN, { until: '2030-01-01' })).rejects.toThrow(/until/);
    await expect(revocations.revoke(TOKEN, { until: new Date(Number.NaN) })).rejects.toThrow(/until/);
    expect(() => new RevocationList({ defaultTtlMs: 1_000 })).toThrow(/defaultTtlMs/);
    expect(() => new RevocationList({ maxLocalEntries: 0 })).toThrow(/maxLocalEntries/);
  });
});
