/**
 * What other rooms of this package use from kv-session beyond its public API: not a subpath of
 * the package (`exports` maps only `index.ts`), so it can change without a major version.
 * Cross-room imports go through a room's `index.ts` or `internal.ts` only (test/package/imports.node.test.ts).
 *
 * @module
 */
export { sleepOn } from './clock.js';
export { guardedPut } from './guarded-put.js';
export { hashToken } from './hash.js';
export { KEY_PREFIXES, storageKey } from './keys.js';
export { DEFAULT_POSITIVE_TTL_MS } from './limits.js';
export { LruMap } from './lru.js';
export { ManualClock } from './manual-clock.js';
export { report } from './report.js';
