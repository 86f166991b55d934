/**
 * Shared state for a Node fleet (several runner or gateway processes behind a load balancer) in
 * Redis: the verify cache's shared tier, sessions, revocation marks and used login states, with
 * real key TTLs, `SET NX` for take-once claims, and pub/sub so a revocation drops the answer from
 * every process's L1 at once. Works with any client that has ioredis's `call` and a subscriber
 * connection with `subscribe` and `on('message')` (ioredis is the tested one: an optional peer
 * dependency).
 *
 * @module
 */
import { StorageUnavailableError } from '../errors/index.js';
import {
  type AuthStores,
  type KVPutOptions,
  type KVStore,
  type RevocationEvent,
  type RevocationFeed,
  type StoreCapabilities,
  strongCapabilities,
} from '../kv-session/index.js';
import { KEY_PREFIXES } from '../kv-session/internal.js';

/** A Redis connection for commands (an ioredis `Redis` satisfies it). */
export interface RedisCommandClient {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/**
 * A second Redis connection in subscriber mode (ioredis: `client.duplicate()`). `on('ready')`
 * after a drop tells the feed it may have missed messages.
 */
export interface RedisSubscriberClient {
  subscribe(channel: string): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** One Redis primary: strong, any TTL, no per-key write limit, atomic `SET NX`. */
export const REDIS_CAPABILITIES: StoreCapabilities = strongCapabilities('redis');

/** Default deadline of one Redis command: a hang is an outage, never a wait. */
export const DEFAULT_REDIS_TIMEOUT_MS = 1_000;

/** Options of {@link redisStores}. */
export interface RedisStoresOptions {
  /** The command connection. */
  client: RedisCommandClient;
  /** A subscriber connection for fleet-wide L1 invalidation. Without it, L1 lives its TTL. */
  subscriber?: RedisSubscriberClient;
  /** Prefix of every key and of the channel, to share a Redis with other apps. Default `mea:`. */
  prefix?: string;
  /** Deadline of each command in ms. Default 1 000. */
  timeoutMs?: number;
}

/** Every role in Redis, and the pushed revocation feed. */
export interface RedisStores extends AuthStores {
  readonly store: KVStore;
  readonly cache: KVStore;
  readonly sessions: KVStore;
  readonly revocations: KVStore;
  readonly usedStates: KVStore;
  readonly revocationFeed: RevocationFeed;
}

// SET with a TTL and PUBLISH in one atomic round trip: no process learns of a mark before it exists.
const SET_AND_PUBLISH =
  "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]); return redis.call('PUBLISH', ARGV[3], ARGV[4])";

/**
 * Builds the stores of a Node fleet over Redis. Pass the result as the provider's `stores` (or
 * the gateway's `stores` option); every role (cache, sessions, revocations, usedStates) is in
 * Redis and revocations are pushed to every process.
 *
 * Import from `mastra-edge-auth/node`.
 *
 * @throws TypeError for a bad option.
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * const client = new Redis(process.env.REDIS_URL, { commandTimeout: 1000 });
 * const stores = redisStores({ client, subscriber: client.duplicate() });
 * const auth = createCloudAuth(process.env, { cloudOptions: { stores } });
 * ```
 */
export function redisStores(options: RedisStoresOptions): RedisStores {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { client, subscriber } = options;
  if (typeof client?.call !== 'function') throw new TypeError('client must be a Redis client with call()');
  if (
    subscriber !== undefined &&
    (typeof subscriber?.subscribe !== 'function' || typeof subscriber?.on !== 'function')
  ) {
    throw new TypeError('subscriber must be a Redis client with subscribe() and on()');
  }
  const prefix = options.prefix ?? 'mea:';
  if (typeof prefix !== 'string') throw new TypeError('prefix must be a string');
  const timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new TypeError('timeoutMs must be a positive integer');
  const channel = `${prefix}revocations`;
  const run = (command: string, ...args: (string | number)[]) =>
    withDeadline(client.call(command, ...args), timeoutMs);

  const store: KVStore = {
    capabilities: REDIS_CAPABILITIES,
    async get(key) {
      const value = await run('GET', prefix + key);
      if (value === null) return null;
      if (typeof value !== 'string') throw invalidReply();
      return value;
    },
    async put(key, value, putOptions) {
      const ttlMs = ttlMsOf(putOptions);
      if (key.startsWith(KEY_PREFIXES.revoked) && ttlMs !== undefined) {
        await run(
          'EVAL',
          SET_AND_PUBLISH,
          1,
          prefix + key,
          value,
          ttlMs,
          channel,
          key.slice(KEY_PREFIXES.revoked.length),
        );
        return;
      }
      await run('SET', prefix + key, value, ...(ttlMs === undefined ? [] : ['PX', ttlMs]));
    },
    async delete(key) {
      await run('DEL', prefix + key);
    },
    async putIfAbsent(key, value, putOptions) {
      const ttlMs = ttlMsOf(putOptions);
      const reply = await run(
        'SET',
        prefix + key,
        value,
        'NX',
        ...(ttlMs === undefined ? [] : ['PX', ttlMs]),
      );
      if (reply !== null && reply !== 'OK') throw invalidReply();
      return reply === 'OK';
    },
  };

  const listeners = new Set<(event: RevocationEvent) => void>();
  const emit = (event: RevocationEvent) => {
    for (const listener of listeners) listener(event);
  };
  if (subscriber !== undefined) {
    let dropped = false;
    subscriber.on('message', (from, message) => {
      if (from === channel && typeof message === 'string') emit({ kind: 'revoked', tokenHash: message });
    });
    // Messages published while the subscription was down are lost: drop every L1 entry on the
    // drop (answers held may be revoked meanwhile) and again once it is back.
    subscriber.on('close', () => {
      dropped = true;
      emit({ kind: 'reset' });
    });
    subscriber.on('ready', () => {
      if (!dropped) return;
      dropped = false;
      emit({ kind: 'reset' });
    });
    void subscriber.subscribe(channel).catch(() => emit({ kind: 'reset' }));
  }
  const revocationFeed: RevocationFeed = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    store,
    cache: store,
    sessions: store,
    revocations: store,
    usedStates: store,
    revocationFeed,
  };
}

function ttlMsOf(options: KVPutOptions | undefined): number | undefined {
  const ttl = options?.expirationTtl;
  if (ttl === undefined) return undefined;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) {
    throw new TypeError('expirationTtl must be a positive number of seconds');
  }
  return Math.ceil(ttl * 1000);
}

async function withDeadline<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StorageUnavailableError(`Redis did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, deadline]);
  } catch (error) {
    if (error instanceof StorageUnavailableError) throw error;
    throw new StorageUnavailableError('Redis could not be reached', { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

function invalidReply(): StorageUnavailableError {
  return new StorageUnavailableError('Redis gave an unexpected reply');
}
