/** The conformance suite for the in-process adapters, in both runtimes. */
import { MemoryKVStore } from '../../src/kv-session/index.js';
import { KVDouble, ManualClock } from '../../src/testing/index.js';
import { storeConformance } from './conformance.js';

storeConformance('memory', async () => {
  const clock = new ManualClock();
  const store = new MemoryKVStore({ clock });
  return { store, other: store, clock, elapse: async (ms) => clock.advance(ms) };
});

storeConformance('KV double (two locations, 60 s lag)', async () => {
  const kv = new KVDouble({ locations: ['ams', 'sfo'], replicationLagMs: 60_000 });
  return {
    store: kv.location('ams'),
    other: kv.location('sfo'),
    clock: kv.clock,
    elapse: async (ms) => kv.advance(ms),
  };
});
