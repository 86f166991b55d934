import { capabilitiesOf, propagationMs, type StoreCapabilities } from './capabilities.js';
import type { KVStore } from './store.js';

/**
 * A revocation made elsewhere, as a feed announces it: one token hash, or `reset` when the feed
 * cannot tell what was missed (a reconnect, a gap longer than its log): drop every L1 entry.
 */
export type RevocationEvent =
  | { readonly kind: 'revoked'; readonly tokenHash: string }
  | { readonly kind: 'reset' };

/** What {@link RevocationFeed.poll} answers: the events since the cursor, and the new cursor. */
export interface RevocationPoll {
  readonly cursor: number;
  readonly events: readonly RevocationEvent[];
}

/**
 * Tells this process or isolate about revocations made elsewhere, so an answer held in memory
 * (the verify cache's L1) is refused at once instead of when it expires. A store that holds the
 * revocation marks offers one when it can: Redis pushes (pub/sub), a Durable Object is polled
 * (its revocation version).
 */
export interface RevocationFeed {
  /** Push: calls `listener` as revocations happen. Returns the unsubscribe. */
  subscribe?(listener: (event: RevocationEvent) => void): () => void;
  /**
   * Pull: the revocations after `cursor` (`undefined`: none yet seen; answer the current cursor
   * and no events). Rejects when the authority cannot answer; callers treat that as an outage.
   */
  poll?(cursor: number | undefined): Promise<RevocationPoll>;
}

/**
 * Where each kind of shared state lives. One KV namespace can hold all four (the default
 * `{ kv }` of the provider); a deployment that needs strong revocation keeps marks, sessions and
 * used login states in a Durable Object or Redis and the verify cache in KV (or Redis too).
 * Each store declares its {@link StoreCapabilities}; the rules and windows follow from them.
 */
export interface AuthStores {
  /** The verify and permission caches' shared tier (`verify:`, `perm:`). */
  readonly cache?: KVStore;
  /** Server-side session records (`session:`). */
  readonly sessions?: KVStore;
  /** Revocation marks (`revoked:`). */
  readonly revocations?: KVStore;
  /** Login states already redeemed (`used-state:`), claimed once. */
  readonly usedStates?: KVStore;
  /** Announces revocations made elsewhere (see {@link RevocationFeed}). */
  readonly revocationFeed?: RevocationFeed;
  /**
   * With a polled feed: least time between two polls in one isolate, in ms. 0 (default): every
   * verification asks (one call per request, also on an L1 hit).
   */
  readonly feedPollMs?: number;
}

/** Every record kind in one store (what `{ kv }` means). */
export function storesFromKv(kv: KVStore): AuthStores {
  return { cache: kv, sessions: kv, revocations: kv, usedStates: kv };
}

/** The settings the revocation window depends on. */
export interface RevocationWindowInput {
  /** Capabilities of the store holding revocation marks (none: marks are per isolate only). */
  readonly marks: StoreCapabilities | undefined;
  /** The verify cache's L1 lifetime. */
  readonly l1TtlMs: number;
  /** `push`, `poll` (with `feedPollMs`) or none. */
  readonly feed?: 'push' | 'poll' | undefined;
  readonly feedPollMs?: number | undefined;
}

/**
 * The worst case, in ms, between a logout through one isolate and the moment every other isolate
 * refuses the token, not counting one round trip to the store: STORAGE.md's table is this
 * function applied to each configuration, and `npm run revocation-window` measures it.
 *
 * - no shared marks: never (`Infinity`) until the cached answers expire;
 * - eventual store: propagation + one L1 lifetime (an answer read just before the mark arrived);
 * - strong store, pushed feed: 0 (the push itself);
 * - strong store, polled feed: the poll interval;
 * - strong store, no feed: one L1 lifetime.
 */
export function revocationWindowMs(input: RevocationWindowInput): number {
  if (input.marks === undefined) return Number.POSITIVE_INFINITY;
  if (input.marks.consistency.kind === 'eventual') return propagationMs(input.marks) + input.l1TtlMs;
  if (input.feed === 'push') return 0;
  if (input.feed === 'poll') return Math.min(input.feedPollMs ?? 0, input.l1TtlMs);
  return input.l1TtlMs;
}

/** The capabilities of the marks store of `stores` (KV's when it declares none). */
export function marksCapabilities(stores: AuthStores): StoreCapabilities | undefined {
  return stores.revocations === undefined ? undefined : capabilitiesOf(stores.revocations);
}
