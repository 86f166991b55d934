/**
 * The storage conformance suite: every store adapter (memory, the Workers KV binding, the KV
 * double, the Durable Object, Redis) runs these tests against its declared capabilities. A store
 * passes by doing what it declares, no more is assumed: an `eventual` store is read from another
 * handle only after its propagation bound, an atomic one must let exactly one concurrent claim win.
 */
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../src/kv-session/hash.js';
import {
  type Clock,
  capabilitiesOf,
  cleanupTtlFor,
  isCapabilities,
  type KVStore,
  KvUsedStateLedger,
  propagationMs,
  RevocationList,
  SessionStore,
  systemClock,
} from '../../src/kv-session/index.js';
import { storageKey } from '../../src/kv-session/keys.js';

/** One adapter under test. */
export interface ConformanceSubject {
  /** The store a writer uses. */
  readonly store: KVStore;
  /** Another handle on the same data (another isolate, location or process). */
  readonly other: KVStore;
  readonly clock?: Clock;
  /** Lets `ms` pass (a manual clock's advance; real time otherwise). */
  elapse(ms: number): Promise<void>;
}

/**
 * Registers the suite for one adapter.
 *
 * @param name - the adapter's name in test titles.
 * @param subject - builds a fresh subject per test.
 */
export function storeConformance(name: string, subject: () => Promise<ConformanceSubject>): void {
  let seq = 0;
  const key = async (label: string) =>
    storageKey('session', await hashToken(`${name}-${label}-${Date.now()}-${seq++}`));

  /** Waits out the store's propagation bound, so the other handle must see the write. */
  const propagate = async (s: ConformanceSubject) => {
    const bound = propagationMs(capabilitiesOf(s.store));
    if (bound > 0) await s.elapse(bound);
  };

  describe(`store conformance: ${name}`, () => {
    it('declares well-formed capabilities', async () => {
      const s = await subject();
      expect(isCapabilities(s.store.capabilities ?? capabilitiesOf(s.store))).toBe(true);
      if (capabilitiesOf(s.store).atomicSetIfAbsent) expect(typeof s.store.putIfAbsent).toBe('function');
    });

    it('reads back what it wrote (text as is), null for a missing key, null after a delete', async () => {
      const s = await subject();
      const k = await key('roundtrip');
      const ttl = cleanupTtlFor(capabilitiesOf(s.store), 60_000);
      const value = `{"v":1,"name":"Zoë ✓","pad":"${'x'.repeat(16_000)}"}`;
      expect(await s.store.get(k, 'text')).toBeNull();
      await s.store.put(k, value, { expirationTtl: ttl });
      expect(await s.store.get(k, 'text')).toBe(value);
      await propagate(s);
      expect(await s.other.get(k, 'text')).toBe(value);
      await s.store.delete(k);
      expect(await s.store.get(k, 'text')).toBeNull();
    });

    it('accepts the TTL floor it declares and an overwrite replaces the value', async () => {
      const s = await subject();
      const caps = capabilitiesOf(s.store);
      const k = await key('overwrite');
      await s.store.put(k, 'one', { expirationTtl: cleanupTtlFor(caps, 0) });
      if (caps.writeIntervalMs > 0) await s.elapse(caps.writeIntervalMs);
      await s.store.put(k, 'two', { expirationTtl: cleanupTtlFor(caps, 0) });
      expect(await s.store.get(k, 'text')).toBe('two');
    });

    it('forgets a record once its TTL has passed', async () => {
      const s = await subject();
      const caps = capabilitiesOf(s.store);
      // A minute-long floor (Workers KV) is not waited out in real time: the KV double covers it.
      if (caps.ttlFloorSeconds > 5 && s.clock === undefined) {
        expect(caps.ttlFloorSeconds).toBe(60); // Workers KV's floor, the one store not waited out here
        return;
      }
      const k = await key('ttl');
      const ttl = Math.max(caps.ttlFloorSeconds, 1);
      await s.store.put(k, 'short', { expirationTtl: ttl });
      await s.elapse(ttl * 1000 + 1_000);
      expect(await s.store.get(k, 'text')).toBeNull();
    });

    it('set-if-absent: exactly one of concurrent claims wins when declared atomic', async () => {
      const s = await subject();
      const caps = capabilitiesOf(s.store);
      if (!caps.atomicSetIfAbsent) {
        expect(caps.consistency.kind).toBe('eventual'); // only KV-like stores may lack it
        return;
      }
      const putIfAbsent = s.store.putIfAbsent?.bind(s.store);
      const otherPut = s.other.putIfAbsent?.bind(s.other);
      if (!putIfAbsent || !otherPut) throw new Error('atomicSetIfAbsent declared without putIfAbsent');
      const k = await key('claim');
      const ttl = { expirationTtl: cleanupTtlFor(caps, 60_000) };
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? otherPut : putIfAbsent)(k, `claim-${i}`, ttl)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      const winner = claims.indexOf(true);
      expect(await s.other.get(k, 'text')).toBe(`claim-${winner}`);
      await s.store.delete(k);
      expect(await putIfAbsent(k, 'again', ttl)).toBe(true);
    });

    it('sessions: a record written through one handle is read through another, then deleted', async () => {
      const s = await subject();
      const clock = s.clock ?? systemClock;
      const writer = new SessionStore({ kv: s.store, clock });
      const reader = new SessionStore({ kv: s.other, clock });
      const id = `sess_${name}_${seq++}`;
      const now = clock.now();
      await writer.put({
        id,
        userId: 'user_1',
        createdAt: new Date(now),
        expiresAt: new Date(now + 3_600_000),
      });
      await propagate(s);
      expect((await reader.get(id))?.userId).toBe('user_1');
      await writer.delete(id);
      await propagate(s);
      expect(await reader.get(id)).toBeNull();
    });

    it('revocation marks: revoked through one handle, revoked for another within the propagation bound', async () => {
      const s = await subject();
      const clock = s.clock ?? systemClock;
      const hash = await hashToken(`${name}-revoked-${seq++}`);
      const here = new RevocationList({ kv: s.store, clock });
      const there = new RevocationList({ kv: s.other, clock });
      expect(await there.check(hash)).toBe('clear');
      await here.revokeHash(hash);
      expect(here.isRevokedLocally(hash)).toBe(true);
      await propagate(s);
      expect(await there.check(hash)).toBe('revoked');
      // Idempotent: revoking again (here or there) succeeds and keeps the mark.
      if (capabilitiesOf(s.store).writeIntervalMs > 0)
        await s.elapse(capabilitiesOf(s.store).writeIntervalMs);
      await Promise.all([here.revokeHash(hash), there.revokeHash(hash)]);
      expect(await new RevocationList({ kv: s.other, clock }).check(hash)).toBe('revoked');
    });

    it('used login states: a state claimed through one handle is refused through another', async () => {
      const s = await subject();
      const clock = s.clock ?? systemClock;
      const state = await hashToken(`${name}-state-${seq++}`);
      const until = clock.now() + 600_000;
      expect(await new KvUsedStateLedger(s.store, clock).claim(state, until)).toBe(true);
      await propagate(s);
      expect(await new KvUsedStateLedger(s.other, clock).claim(state, until)).toBe(false);
    });
  });
}
