/**
 * Storage: a KV-shaped store interface (Workers KV binding, in-memory for Node), the verify cache
 * (L1 -> KV -> loader), revocation marks and session records. Layouts: STORAGE.md.
 * Key derivation, limits and write guards are the room's own (`internal.ts`, for sibling rooms only).
 *
 * @module
 */
export { type Clock, systemClock } from './clock.js';
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
export { VerifyCache } from './verify-cache.js';
export type {
  Coalesce,
  GetOptions,
  LoadResult,
  VerifyCacheOptions,
  VerifyCacheStats,
} from './verify-cache-options.js';
