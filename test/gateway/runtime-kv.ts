/** `AUTH_KV` for tests that run in both runtimes: the Miniflare binding in workerd, memory in Node. */
import { MemoryKVStore } from '../../src/kv-session/index.js';
import { authKv } from './workers-env.js';

export async function runtimeKv(): Promise<unknown> {
  try {
    return await authKv();
  } catch {
    return new MemoryKVStore();
  }
}
