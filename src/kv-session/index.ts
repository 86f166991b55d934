/**
 * Storage: a KV-shaped store interface with declared capabilities (Workers KV binding, memory,
 * Durable Object, Redis), the verify cache (L1 -> shared tier -> loader), revocation marks and
 * their feeds, session records and used login states. Layouts and guarantees: STORAGE.md.
 * Key derivation, limits and write guards are the room's own (`internal.ts`, for sibling rooms only).
 *
 * @module
 */
export {
  type Consistency,
  capabilitiesOf,
  cleanupTtlFor,
  isCapabilities,
  MEMORY_CAPABILITIES,
  propagationMs,
  type StoreCapabilities,
  strongCapabilities,
  WORKERS_KV_CAPABILITIES,
} from './capabilities.js';
export { type Clock, systemClock } from './clock.js';
export {
  DEFAULT_KV_READ_DEADLINE_MS,
  DEFAULT_KV_WRITE_DEADLINE_MS,
  type KVDeadlines,
  withKvDeadlines,
} from './deadline-store.js';
export {
  DEFAULT_DURABLE_OBJECT_TIMEOUT_MS,
  DURABLE_OBJECT_CAPABILITIES,
  type DurableObjectCommand,
  type DurableObjectNamespaceLike,
  type DurableObjectStoreOptions,
  type DurableObjectStores,
  durableObjectStores,
} from './durable-object-store.js';
export type { RecordKind } from './keys.js';
export { MemoryKVStore, type MemoryKVStoreOptions } from './memory-store.js';
export {
  RevocationList,
  type RevocationListOptions,
  type RevocationState,
  type RevokeOptions,
} from './revocation.js';
export { type SessionRecord, SessionStore, type SessionStoreOptions } from './session-store.js';
export { asKVStore, type KVPutOptions, type KVStore } from './store.js';
export {
  type AuthStores,
  marksCapabilities,
  type RevocationEvent,
  type RevocationFeed,
  type RevocationPoll,
  type RevocationWindowInput,
  revocationWindowMs,
  storesFromKv,
} from './stores.js';
export type { VerifiedAnswer } from './token-l1.js';
export { KvUsedStateLedger, MemoryUsedStateLedger, type UsedStateLedger } from './used-states.js';
export { VerifyCache } from './verify-cache.js';
export type {
  AnswerSource,
  Coalesce,
  GetOptions,
  LoadInfo,
  LoadResult,
  VerifyCacheOptions,
  VerifyCacheStats,
} from './verify-cache-options.js';
