import {
  KV_MIN_TTL_SECONDS,
  KV_PROPAGATION_WINDOW_MS,
  KV_TTL_MARGIN_SECONDS,
  KV_WRITE_INTERVAL_MS,
} from './limits.js';

/**
 * How soon a write is seen by every reader of a store.
 *
 * - `strong`: every read after a write returns it (one Durable Object, one Redis primary, one
 *   process's memory).
 * - `eventual`: readers elsewhere may see the old value for up to `propagationMs` (Workers KV).
 */
export type Consistency =
  | { readonly kind: 'strong' }
  | { readonly kind: 'eventual'; readonly propagationMs: number };

/**
 * What a store guarantees. Every rule that depends on the engine (clean-up TTLs, write spacing,
 * take-once claims, the revocation window) reads its number from here, never from a constant
 * about one engine.
 */
export interface StoreCapabilities {
  /** Human-readable engine name for reports (`workers-kv`, `memory`, `durable-object`, `redis`). */
  readonly engine: string;
  readonly consistency: Consistency;
  /** Shortest TTL the engine accepts, in seconds (0: any positive TTL). */
  readonly ttlFloorSeconds: number;
  /** Added to every clean-up TTL so the engine never drops a record before its logical expiry. */
  readonly ttlMarginSeconds: number;
  /** Least time between two writes of one key (0: no limit). */
  readonly writeIntervalMs: number;
  /** `putIfAbsent` is one atomic operation: two concurrent claims of a key never both win. */
  readonly atomicSetIfAbsent: boolean;
}

/** Workers KV: eventually consistent (~60 s), TTL floor 60 s, one write per key per second, no atomic claim. */
export const WORKERS_KV_CAPABILITIES: StoreCapabilities = Object.freeze({
  engine: 'workers-kv',
  consistency: Object.freeze({ kind: 'eventual', propagationMs: KV_PROPAGATION_WINDOW_MS }),
  ttlFloorSeconds: KV_MIN_TTL_SECONDS,
  ttlMarginSeconds: KV_TTL_MARGIN_SECONDS,
  writeIntervalMs: KV_WRITE_INTERVAL_MS,
  atomicSetIfAbsent: false,
});

/**
 * One authority answering every read with the last write (one process's memory, one Durable
 * Object, one Redis primary): no TTL floor (1 s margin for whole-second rounding), no per-key
 * write limit, atomic claims.
 */
export function strongCapabilities(engine: string): StoreCapabilities {
  return Object.freeze({
    engine,
    consistency: Object.freeze({ kind: 'strong' }),
    ttlFloorSeconds: 0,
    ttlMarginSeconds: 1,
    writeIntervalMs: 0,
    atomicSetIfAbsent: true,
  });
}

/** One process's memory: strong, any TTL, no write limit, atomic claims (single-threaded). */
export const MEMORY_CAPABILITIES: StoreCapabilities = strongCapabilities('memory');

/**
 * The capabilities a store declares, or Workers KV's when it declares none (a raw KV binding, or
 * an older custom store: assuming the weakest engine is the safe default).
 */
export function capabilitiesOf(store: object): StoreCapabilities {
  const declared: unknown = Reflect.get(store, 'capabilities');
  return isCapabilities(declared) ? declared : WORKERS_KV_CAPABILITIES;
}

/** True when `value` is a well-formed {@link StoreCapabilities}. */
export function isCapabilities(value: unknown): value is StoreCapabilities {
  if (typeof value !== 'object' || value === null) return false;
  const field = (name: string): unknown => Reflect.get(value, name);
  const consistency = field('consistency');
  if (typeof consistency !== 'object' || consistency === null) return false;
  const kind: unknown = Reflect.get(consistency, 'kind');
  const consistent =
    kind === 'strong' || (kind === 'eventual' && nonNegative(Reflect.get(consistency, 'propagationMs')));
  return (
    typeof field('engine') === 'string' &&
    consistent &&
    nonNegative(field('ttlFloorSeconds')) &&
    nonNegative(field('ttlMarginSeconds')) &&
    nonNegative(field('writeIntervalMs')) &&
    typeof field('atomicSetIfAbsent') === 'boolean'
  );
}

/** Worst-case time for a write to be seen by every reader of the store. */
export function propagationMs(capabilities: StoreCapabilities): number {
  return capabilities.consistency.kind === 'strong' ? 0 : capabilities.consistency.propagationMs;
}

/**
 * Clean-up TTL in seconds for a record whose logical life ends `remainingMs` from now: never
 * below the store's floor, always a margin past the logical expiry.
 */
export function cleanupTtlFor(capabilities: StoreCapabilities, remainingMs: number): number {
  const logical = Number.isFinite(remainingMs) ? Math.ceil(Math.max(0, remainingMs) / 1000) : 0;
  return Math.max(logical, capabilities.ttlFloorSeconds, 1) + capabilities.ttlMarginSeconds;
}

function nonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
