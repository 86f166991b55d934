import { StorageUnavailableError } from '../errors/index.js';
import { type StoreCapabilities, strongCapabilities } from './capabilities.js';
import { storageDeadline } from './deadline-store.js';
import type { KVPutOptions, KVStore } from './store.js';
import type { RevocationEvent, RevocationFeed, RevocationPoll } from './stores.js';

/**
 * A Durable Object namespace binding, as much of it as this store uses (`env.AUTH_DO`). A real
 * `DurableObjectNamespace` satisfies it structurally.
 */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(request: Request): Promise<Response> };
}

/** One Durable Object: strong, any TTL, no per-key write limit, atomic claims (single-threaded). */
export const DURABLE_OBJECT_CAPABILITIES: StoreCapabilities = strongCapabilities('durable-object');

/** Default deadline of one call to the object: a hang is an outage, never a wait. */
export const DEFAULT_DURABLE_OBJECT_TIMEOUT_MS = 2_000;

/** The request body the object accepts (see `AuthStoreObject` in `mastra-edge-auth/gateway`). */
export type DurableObjectCommand =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'put'; readonly key: string; readonly value: string; readonly ttl?: number }
  | { readonly op: 'putIfAbsent'; readonly key: string; readonly value: string; readonly ttl?: number }
  | { readonly op: 'delete'; readonly key: string }
  | { readonly op: 'poll'; readonly cursor?: number };

/** Options of {@link durableObjectStores}. */
export interface DurableObjectStoreOptions {
  /** Name of the one object holding the state. Default `auth-store`. */
  name?: string;
  /** Deadline of each call, in ms. Default 2 000. */
  timeoutMs?: number;
}

/** The store and the revocation feed over one Durable Object. */
export interface DurableObjectStores {
  readonly store: KVStore;
  readonly feed: RevocationFeed;
}

/**
 * Revocation marks, sessions and used login states in one Durable Object (strong consistency),
 * with a polled revocation feed: every mark written through the object advances its revocation
 * version, so an isolate polling it learns of a logout made anywhere on its next request.
 * Every call has a deadline; a failure or timeout is a `StorageUnavailableError` (an outage,
 * never an admit).
 *
 * Import from `mastra-edge-auth/kv-session`.
 *
 * @param namespace - the Durable Object binding (`env.AUTH_DO`) of the `AuthStoreObject` class.
 * @throws TypeError when `namespace` is not a Durable Object namespace or an option is invalid.
 * @example
 * ```ts
 * const { store, feed } = durableObjectStores(env.AUTH_DO);
 * new MastraCloudAuthProvider({ ..., kv: env.AUTH_KV, stores: { sessions: store, revocations: store, usedStates: store, revocationFeed: feed } });
 * ```
 */
export function durableObjectStores(
  namespace: unknown,
  options: DurableObjectStoreOptions = {},
): DurableObjectStores {
  if (!isNamespace(namespace)) throw new TypeError('AUTH_DO must be a Durable Object namespace binding');
  const name = options.name ?? 'auth-store';
  if (typeof name !== 'string' || name === '') throw new TypeError('name must be a non-empty string');
  const timeoutMs = options.timeoutMs ?? DEFAULT_DURABLE_OBJECT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new TypeError('timeoutMs must be a positive integer');
  // The stub is fetched per call: a stub whose object broke stays broken, a new one reconnects.
  const call = (command: DurableObjectCommand) =>
    send(() => namespace.get(namespace.idFromName(name)), command, timeoutMs);
  const store: KVStore = {
    capabilities: DURABLE_OBJECT_CAPABILITIES,
    async get(key) {
      const answer = await call({ op: 'get', key });
      const value: unknown = Reflect.get(answer, 'value');
      if (value !== null && typeof value !== 'string') throw invalidAnswer();
      return value;
    },
    async put(key, value, putOptions) {
      await call({ op: 'put', key, value, ...ttlOf(putOptions) });
    },
    async delete(key) {
      await call({ op: 'delete', key });
    },
    async putIfAbsent(key, value, putOptions) {
      const answer = await call({ op: 'putIfAbsent', key, value, ...ttlOf(putOptions) });
      const wrote: unknown = Reflect.get(answer, 'wrote');
      if (typeof wrote !== 'boolean') throw invalidAnswer();
      return wrote;
    },
  };
  const feed: RevocationFeed = {
    async poll(cursor) {
      return parsePoll(await call({ op: 'poll', ...(cursor !== undefined && { cursor }) }));
    },
  };
  return { store, feed };
}

function ttlOf(options: KVPutOptions | undefined): { ttl?: number } {
  return options?.expirationTtl === undefined ? {} : { ttl: options.expirationTtl };
}

async function send(
  stub: () => { fetch(request: Request): Promise<Response> },
  command: DurableObjectCommand,
  timeoutMs: number,
): Promise<object> {
  const exchange = async (): Promise<object> => {
    const response = await stub().fetch(
      new Request('https://auth-store.internal/', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(command),
      }),
    );
    if (!response.ok) {
      await response.body?.cancel();
      throw new StorageUnavailableError(`The Durable Object store answered ${response.status}`);
    }
    const body: unknown = await response.json();
    if (typeof body !== 'object' || body === null) throw invalidAnswer();
    return body;
  };
  try {
    return await storageDeadline(
      exchange(),
      timeoutMs,
      () => `The Durable Object store did not answer within ${timeoutMs} ms`,
    );
  } catch (error) {
    if (error instanceof StorageUnavailableError) throw error;
    throw new StorageUnavailableError('The Durable Object store could not be reached', { cause: error });
  }
}

function parsePoll(answer: object): RevocationPoll {
  const cursor: unknown = Reflect.get(answer, 'cursor');
  if (typeof cursor !== 'number' || !Number.isInteger(cursor) || cursor < 0) throw invalidAnswer();
  if (Reflect.get(answer, 'reset') === true) return { cursor, events: [{ kind: 'reset' }] };
  const revoked: unknown = Reflect.get(answer, 'revoked');
  if (!Array.isArray(revoked)) throw invalidAnswer();
  const events: RevocationEvent[] = [];
  for (const tokenHash of revoked) {
    if (typeof tokenHash !== 'string') throw invalidAnswer();
    events.push({ kind: 'revoked', tokenHash });
  }
  return { cursor, events };
}

function invalidAnswer(): StorageUnavailableError {
  return new StorageUnavailableError('The Durable Object store gave an invalid answer');
}

function isNamespace(value: unknown): value is DurableObjectNamespaceLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof Reflect.get(value, 'idFromName') === 'function' &&
    typeof Reflect.get(value, 'get') === 'function'
  );
}
