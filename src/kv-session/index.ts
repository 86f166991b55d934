/**
 * Storage: a KV-shaped store interface (Workers KV binding, in-memory for Node), the verify cache
 * (L1 -> KV -> loader), revocation marks and session records. Layouts: STORAGE.md.
 *
 * @module
 */
export { type Clock, systemClock } from './clock.js';
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
export type { VerifiedAnswer } from './token-l1.js';
export { TOKEN_REVOKED_CODE } from './verify-answers.js';
export { VerifyCache } from './verify-cache.js';
export type {
  Coalesce,
  GetOptions,
  LoadResult,
  VerifyCacheOptions,
  VerifyCacheStats,
} from './verify-cache-options.js';
