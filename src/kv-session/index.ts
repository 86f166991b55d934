/**
 * Storage: a KV-shaped store interface with declared capabilities (Workers KV binding, memory,
 * Durable Object, Redis), the verify cache (L1 -> shared tier -> loader), revocation marks and
 * their feeds, session records and used login states. Layouts and guarantees: STORAGE.md.
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
export { hashToken, isTokenHash, TOKEN_HASH_PATTERN } from './hash.js';
export { KEY_PREFIXES, type RecordKind, storageKey, storageKeyFor } from './keys.js';
export {
  cleanupTtlSeconds,
  DEFAULT_L1_MAX_ENTRIES,
  DEFAULT_L1_TTL_MS,
  DEFAULT_NEGATIVE_TTL_MS,
  DEFAULT_POSITIVE_TTL_MS,
  DEFAULT_REVOCATION_TTL_MS,
  KV_MIN_TTL_SECONDS,
  KV_PROPAGATION_WINDOW_MS,
  KV_TTL_MARGIN_SECONDS,
  KV_WRITE_INTERVAL_MS,
  MAX_POSITIVE_TTL_MS,
  MIN_REVOCATION_TTL_MS,
  REVOCATION_WINDOW_MS,
} from './limits.js';
export { LruMap } from './lru.js';
export { MemoryKVStore, type MemoryKVStoreOptions } from './memory-store.js';
export type { StorageErrorContext, StorageErrorHandler, StorageOp } from './report.js';
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
export { TOKEN_REVOKED_CODE } from './verify-answers.js';
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
