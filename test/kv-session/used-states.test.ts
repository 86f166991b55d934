import { describe, expect, it } from 'vitest';
import { hashToken } from '../../src/kv-session/hash.js';
import { KvUsedStateLedger, MemoryKVStore, MemoryUsedStateLedger } from '../../src/kv-session/index.js';
import { KEY_PREFIXES } from '../../src/kv-session/keys.js';
import { KVDouble, ManualClock } from '../../src/testing/index.js';

describe('MemoryUsedStateLedger', () => {
  it('lets a state be claimed once while it lives', async () => {
    const clock = new ManualClock();
    const ledger = new MemoryUsedStateLedger(clock);
    const until = clock.now() + 600_000;
    const claims = await Promise.all([
      ledger.claim('h1', until),
      ledger.claim('h1', until),
      ledger.claim('h2', until),
    ]);
    expect(claims).toEqual([true, false, true]);
    clock.advance(600_000);
    expect(await ledger.claim('h1', clock.now() + 1)).toBe(true);
  });
});

describe('KvUsedStateLedger', () => {
  it('refuses a state already claimed by another isolate of the same location', async () => {
    const kv = new KVDouble();
    const state = await hashToken('state-1');
    const until = kv.clock.now() + 600_000;
    const a = new KvUsedStateLedger(kv.location('main'), kv.clock);
    const b = new KvUsedStateLedger(kv.location('main'), kv.clock);
    expect(await a.claim(state, until)).toBe(true);
    expect(await b.claim(state, until)).toBe(false);
    expect(await a.claim(state, until)).toBe(false);
    expect(kv.records().map((r) => r.key)).toEqual([`${KEY_PREFIXES['used-state']}${state}`]);
  });

  it('elsewhere, refuses once KV has propagated (about 60 s): the documented window', async () => {
    const kv = new KVDouble({ locations: ['ams', 'sfo'], replicationLagMs: 60_000 });
    const state = await hashToken('state-2');
    const until = kv.clock.now() + 600_000;
    expect(await new KvUsedStateLedger(kv.location('ams'), kv.clock).claim(state, until)).toBe(true);
    kv.advance(60_000);
    expect(await new KvUsedStateLedger(kv.location('sfo'), kv.clock).claim(state, until)).toBe(false);
  });

  it('reports a KV failure and keeps the local claim (Cloud still has to accept the code)', async () => {
    const kv = new KVDouble();
    const errors: unknown[] = [];
    const ledger = new KvUsedStateLedger(kv.location('main'), kv.clock, (error) => errors.push(error));
    kv.failAlways('get');
    const state = await hashToken('state-3');
    expect(await ledger.claim(state, kv.clock.now() + 600_000)).toBe(true);
    expect(await ledger.claim(state, kv.clock.now() + 600_000)).toBe(false);
    expect(errors).toHaveLength(1);
  });
});

describe('KvUsedStateLedger over an atomic store', () => {
  it('lets exactly one of many concurrent claims from separate isolates win (set-if-absent)', async () => {
    const clock = new ManualClock();
    const store = new MemoryKVStore({ clock });
    const state = await hashToken('state-4');
    const until = clock.now() + 600_000;
    const ledgers = Array.from({ length: 8 }, () => new KvUsedStateLedger(store, clock));
    const claims = await Promise.all(ledgers.map((ledger) => ledger.claim(state, until)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('is an outage when the atomic store fails, never a pass', async () => {
    const clock = new ManualClock();
    const store = new MemoryKVStore({ clock });
    store.putIfAbsent = async () => {
      throw new Error('down');
    };
    const ledger = new KvUsedStateLedger(store, clock);
    await expect(ledger.claim(await hashToken('state-5'), clock.now() + 600_000)).rejects.toMatchObject({
      name: 'StorageUnavailableError',
    });
  });
});
