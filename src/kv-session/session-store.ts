import { StorageUnavailableError } from '../errors/index.js';
import { type Clock, systemClock } from './clock.js';
import { decodeSession, encodeSession, isId, isPlainRecord, type StoredSession } from './codec.js';
import { guardedDelete, guardedPut } from './guarded-put.js';
import { isTokenHash } from './hash.js';
import { storageKeyFor } from './keys.js';
import { report, type StorageErrorHandler } from './report.js';
import type { KVStore } from './store.js';

/**
 * A server-side session (the Mastra `Session` shape plus what logout needs). Store no raw token
 * here: `tokenHash` is the {@link hashToken} of the session's Cloud token, enough to revoke it.
 */
export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: Date;
  /** Sliding expiry; decides validity (KV's TTL is clean-up only). */
  expiresAt: Date;
  /** Hard cap no refresh may pass. */
  absoluteExpiresAt?: Date;
  tokenHash?: string;
  /** JSON-safe data; never tokens. */
  metadata?: Record<string, unknown>;
}

/** Options of {@link SessionStore}. */
export interface SessionStoreOptions {
  kv: KVStore;
  clock?: Clock;
  /** Receives corrupt records read back (they read as "no session"). */
  onError?: StorageErrorHandler;
}

/**
 * Session records in KV, keyed by the hash of the session id (the id is never stored in clear).
 * A record is valid until its stored `expiresAt` (and `absoluteExpiresAt`), whatever KV's TTL.
 * KV is eventually consistent: a record written in one location may be missing elsewhere for up
 * to about 60 s, so do not make a request depend on reading a session written just before.
 *
 * Import from `mastra-edge-auth/kv-session`.
 *
 * @example
 * ```ts
 * const sessions = new SessionStore({ kv: asKVStore(env.AUTH_KV) });
 * await sessions.put({ id, userId, createdAt: new Date(), expiresAt, tokenHash: await hashToken(jwt) });
 * const session = await sessions.get(id); // null when unknown, expired or corrupt
 * ```
 */
export class SessionStore {
  readonly #kv: KVStore;
  readonly #clock: Clock;
  readonly #onError: StorageErrorHandler | undefined;

  /** @throws TypeError when `kv` is missing. */
  constructor(options: SessionStoreOptions) {
    const kv = options?.kv;
    if (typeof kv !== 'object' || kv === null || typeof kv.get !== 'function') {
      throw new TypeError('kv must be a KVStore (get, put, delete)');
    }
    this.#kv = kv;
    this.#clock = options.clock ?? systemClock;
    this.#onError = options.onError;
  }

  /**
   * Writes (creates or replaces) a record. Two writes of one session within a second are spaced
   * out (KV allows one write per key per second), so this may wait up to a second.
   *
   * @throws TypeError naming the invalid field; StorageUnavailableError when KV refused the write.
   */
  async put(record: SessionRecord): Promise<void> {
    const stored = toStored(record);
    const now = this.#clock.now();
    const remaining = Math.min(stored.expiresAt, stored.absoluteExpiresAt ?? Number.POSITIVE_INFINITY) - now;
    if (remaining <= 0) throw new TypeError('record.expiresAt must be in the future');
    const key = await storageKeyFor('session', record.id);
    const outcome = await guardedPut(this.#kv, key, encodeSession(stored), remaining, this.#guard());
    if (outcome !== 'written') throw new StorageUnavailableError('The session record could not be stored');
  }

  /**
   * Reads a record.
   *
   * @returns the record, or `null` when there is none, it has expired (by its stored times) or it is corrupt.
   * @throws StorageUnavailableError when KV could not be read (not the same as "no session").
   */
  async get(sessionId: string): Promise<SessionRecord | null> {
    if (!isId(sessionId)) return null;
    let raw: string | null;
    try {
      raw = await this.#kv.get(await storageKeyFor('session', sessionId), 'text');
    } catch (error) {
      throw new StorageUnavailableError('The session store could not be read', { cause: error });
    }
    if (raw === null) return null;
    const stored = decodeSession(raw);
    if (!stored) {
      report(this.#onError, new TypeError('corrupt session record'), { op: 'decode', record: 'session' });
      return null;
    }
    const now = this.#clock.now();
    if (
      stored.expiresAt <= now ||
      (stored.absoluteExpiresAt !== undefined && stored.absoluteExpiresAt <= now)
    ) {
      return null;
    }
    return toRecord(sessionId, stored);
  }

  /**
   * Deletes a record (no error when there is none).
   *
   * @throws StorageUnavailableError when KV refused the delete.
   */
  async delete(sessionId: string): Promise<void> {
    if (!isId(sessionId)) return;
    const outcome = await guardedDelete(this.#kv, await storageKeyFor('session', sessionId), this.#guard());
    if (outcome !== 'written') throw new StorageUnavailableError('The session record could not be deleted');
  }

  #guard() {
    return { record: 'session' as const, clock: this.#clock, mode: 'wait' as const, onError: this.#onError };
  }
}

function toStored(record: SessionRecord): StoredSession {
  if (typeof record !== 'object' || record === null) throw new TypeError('record must be an object');
  if (!isId(record.id)) throw new TypeError('record.id must be a non-empty string');
  if (!isId(record.userId)) throw new TypeError('record.userId must be a non-empty string');
  const stored: StoredSession = {
    userId: record.userId,
    createdAt: time('record.createdAt', record.createdAt),
    expiresAt: time('record.expiresAt', record.expiresAt),
  };
  if (record.absoluteExpiresAt !== undefined) {
    stored.absoluteExpiresAt = time('record.absoluteExpiresAt', record.absoluteExpiresAt);
  }
  if (record.tokenHash !== undefined) {
    if (!isTokenHash(record.tokenHash)) throw new TypeError('record.tokenHash must be a hashToken() result');
    stored.tokenHash = record.tokenHash;
  }
  if (record.metadata !== undefined) {
    if (!isPlainRecord(record.metadata)) throw new TypeError('record.metadata must be a plain object');
    try {
      JSON.stringify(record.metadata);
    } catch {
      throw new TypeError('record.metadata must be JSON-serializable');
    }
    stored.metadata = record.metadata;
  }
  return stored;
}

function toRecord(id: string, stored: StoredSession): SessionRecord {
  const record: SessionRecord = {
    id,
    userId: stored.userId,
    createdAt: new Date(stored.createdAt),
    expiresAt: new Date(stored.expiresAt),
  };
  if (stored.absoluteExpiresAt !== undefined) record.absoluteExpiresAt = new Date(stored.absoluteExpiresAt);
  if (stored.tokenHash !== undefined) record.tokenHash = stored.tokenHash;
  if (stored.metadata !== undefined) record.metadata = stored.metadata;
  return record;
}

function time(name: string, value: unknown): number {
  if (!(value instanceof Date) || !Number.isFinite(value.getTime()) || value.getTime() < 0) {
    throw new TypeError(`${name} must be a valid Date after 1970`);
  }
  return value.getTime();
}
