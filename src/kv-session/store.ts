import { StorageUnavailableError } from '../errors/index.js';
import { capabilitiesOf, type StoreCapabilities } from './capabilities.js';

/** Options of {@link KVStore.put}; the same shape Workers KV accepts. */
export interface KVPutOptions {
  /** Seconds until KV may delete the record. Workers KV rejects values under 60. */
  expirationTtl?: number;
}

/**
 * The storage primitive every record kind is kept in: the text subset of a Workers `KVNamespace`,
 * plus what the engine guarantees. A real KV binding satisfies it structurally (and is assumed to
 * have {@link WORKERS_KV_CAPABILITIES}); {@link MemoryKVStore}, the Durable Object store, the Redis
 * store and the KV test double implement it and declare their own `capabilities`.
 *
 * Nothing here relies on more than the store declares: with an `eventual` store, no request
 * depends on reading a record written elsewhere just before.
 */
export interface KVStore {
  get(key: string, type: 'text'): Promise<string | null>;
  put(key: string, value: string, options?: KVPutOptions): Promise<void>;
  delete(key: string): Promise<void>;
  /** What the engine guarantees; absent means Workers KV's (the weakest). */
  readonly capabilities?: StoreCapabilities;
  /**
   * Writes `value` only when `key` holds no live record. Atomic when `capabilities.atomicSetIfAbsent`.
   *
   * @returns `true` when this call wrote it, `false` when a record was already there
   */
  putIfAbsent?(key: string, value: string, options?: KVPutOptions): Promise<boolean>;
}

const wrappers = new WeakMap<object, KVStore>();

/**
 * Adapts a Workers KV binding (or any object with KV's `get`/`put`/`delete`) to {@link KVStore},
 * checking the shape at run time and the type of every value read back.
 *
 * Import from `mastra-edge-auth/kv-session`.
 *
 * @param binding - `env.AUTH_KV`, or another KV-shaped object.
 * @returns the same adapter for the same binding (so per-store state, like the write guard's, is shared).
 * @throws TypeError when `binding` lacks `get`, `put` or `delete` methods.
 * @example
 * ```ts
 * const kv = asKVStore(env.AUTH_KV);
 * const cache = new VerifyCache({ kv, validate: parseUser });
 * ```
 */
export function asKVStore(binding: unknown): KVStore {
  if (typeof binding !== 'object' || binding === null) throw new TypeError(SHAPE_MESSAGE);
  const existing = wrappers.get(binding);
  if (existing) return existing;
  const get = method(binding, 'get');
  const put = method(binding, 'put');
  const del = method(binding, 'delete');
  if (!get || !put || !del) throw new TypeError(SHAPE_MESSAGE);
  const ownPutIfAbsent = method(binding, 'putIfAbsent');
  const store: KVStore = {
    capabilities: capabilitiesOf(binding),
    async get(key) {
      const value = await get(key, 'text');
      if (value === null || value === undefined) return null;
      if (typeof value !== 'string')
        throw new StorageUnavailableError('KV returned a value that is not text');
      return value;
    },
    async put(key, value, options) {
      await (options === undefined ? put(key, value) : put(key, value, options));
    },
    async delete(key) {
      await del(key);
    },
    ...(ownPutIfAbsent && {
      async putIfAbsent(key: string, value: string, options?: KVPutOptions) {
        const wrote = await ownPutIfAbsent(key, value, options);
        if (typeof wrote !== 'boolean')
          throw new StorageUnavailableError('putIfAbsent did not answer a boolean');
        return wrote;
      },
    }),
  };
  wrappers.set(binding, store);
  return store;
}

const SHAPE_MESSAGE = 'kv must be a KVNamespace binding or an object with get, put and delete methods';

/** Binds `obj[name]` to `obj` (Workers bindings need their `this`), or `undefined` when it is not a method. */
function method(obj: object, name: string): ((...args: unknown[]) => Promise<unknown>) | undefined {
  const fn: unknown = Reflect.get(obj, name);
  if (typeof fn !== 'function') return undefined;
  return async (...args) => Reflect.apply(fn, obj, args);
}
