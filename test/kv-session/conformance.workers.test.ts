/**
 * The conformance suite against the real Workers bindings in workerd: the KV namespace (Miniflare's
 * KV is strongly consistent, so its 60 s bound is not waited for here; the KV double covers the lag)
 * and the Durable Object store (the AuthStoreObject class exported by worker.ts).
 */
import { asKVStore, durableObjectStores } from '../../src/kv-session/index.js';
import { authDo, authKv } from '../gateway/workers-env.js';
import { storeConformance } from './conformance.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

storeConformance('Workers KV binding', async () => {
  const store = asKVStore(await authKv());
  return { store, other: store, elapse: async () => {} };
});

storeConformance('Durable Object (AUTH_DO)', async () => {
  const namespace = await authDo();
  // Two clients of one object: two isolates.
  const { store } = durableObjectStores(namespace, { name: 'conformance' });
  const { store: other } = durableObjectStores(namespace, { name: 'conformance' });
  return { store, other, elapse: sleep };
});
