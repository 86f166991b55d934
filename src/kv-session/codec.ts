import { isTokenHash } from './hash.js';
import { MAX_ENTRY_CHARS } from './limits.js';

/**
 * Encoders and validators of every record this room stores. Values read back from KV are
 * untrusted: each decoder parses, checks every field, and returns `null` for anything malformed,
 * so a corrupt entry is a miss, never a crash. All times are integer milliseconds since the epoch.
 * Layouts are documented in STORAGE.md; `v` is the layout version.
 */

/** A cached positive answer. `value` is the caller's encoded value, validated by the caller. */
export interface PositiveEntry {
  kind: 'ok';
  value: unknown;
  storedAt: number;
  /** Logical expiry: min(policy, token expiry). */
  expiresAt: number;
  /** The token's own expiry, when known; bounds the grace window too. */
  tokenExpiresAt?: number;
}

/** A cached definitive "no": the status and code of the rejection, nothing else. */
export interface NegativeEntry {
  kind: 'rejected';
  status: number;
  code?: string;
  storedAt: number;
  expiresAt: number;
}

export type VerifyEntry = PositiveEntry | NegativeEntry;

/** A revocation mark: the token is refused until `until`. */
export interface RevocationMark {
  revokedAt: number;
  until: number;
}

/** A session record as stored (the session id itself is only in the key, hashed). */
export interface StoredSession {
  userId: string;
  createdAt: number;
  expiresAt: number;
  absoluteExpiresAt?: number;
  tokenHash?: string;
  metadata?: Record<string, unknown>;
}

const VERSION = 1;
const CODE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAX_ID_CHARS = 1024;

export function encodeVerifyEntry(entry: VerifyEntry): string {
  return JSON.stringify({ v: VERSION, ...entry });
}

export function decodeVerifyEntry(raw: string): VerifyEntry | null {
  const o = parseObject(raw);
  if (!o || !isTime(o.storedAt) || !isTime(o.expiresAt)) return null;
  if (o.kind === 'ok') {
    if (!('value' in o)) return null;
    const entry: PositiveEntry = { kind: 'ok', value: o.value, storedAt: o.storedAt, expiresAt: o.expiresAt };
    if (o.tokenExpiresAt !== undefined) {
      if (!isTime(o.tokenExpiresAt)) return null;
      entry.tokenExpiresAt = o.tokenExpiresAt;
    }
    return entry;
  }
  if (o.kind === 'rejected') {
    if (!Number.isInteger(o.status) || typeof o.status !== 'number' || o.status < 400 || o.status > 599) {
      return null;
    }
    const entry: NegativeEntry = {
      kind: 'rejected',
      status: o.status,
      storedAt: o.storedAt,
      expiresAt: o.expiresAt,
    };
    if (o.code !== undefined) {
      if (!isErrorCode(o.code)) return null;
      entry.code = o.code;
    }
    return entry;
  }
  return null;
}

export function encodeRevocationMark(mark: RevocationMark): string {
  return JSON.stringify({ v: VERSION, ...mark });
}

export function decodeRevocationMark(raw: string): RevocationMark | null {
  const o = parseObject(raw);
  if (!o || !isTime(o.revokedAt) || !isTime(o.until)) return null;
  return { revokedAt: o.revokedAt, until: o.until };
}

export function encodeSession(session: StoredSession): string {
  return JSON.stringify({ v: VERSION, ...session });
}

export function decodeSession(raw: string): StoredSession | null {
  const o = parseObject(raw);
  if (!o || !isId(o.userId) || !isTime(o.createdAt) || !isTime(o.expiresAt)) return null;
  const session: StoredSession = { userId: o.userId, createdAt: o.createdAt, expiresAt: o.expiresAt };
  if (o.absoluteExpiresAt !== undefined) {
    if (!isTime(o.absoluteExpiresAt)) return null;
    session.absoluteExpiresAt = o.absoluteExpiresAt;
  }
  if (o.tokenHash !== undefined) {
    if (!isTokenHash(o.tokenHash)) return null;
    session.tokenHash = o.tokenHash;
  }
  if (o.metadata !== undefined) {
    if (!isPlainRecord(o.metadata)) return null;
    session.metadata = o.metadata;
  }
  return session;
}

/** True for an error code we are willing to store and re-raise (Cloud's `error.code` style). */
export function isErrorCode(value: unknown): value is string {
  return typeof value === 'string' && CODE_PATTERN.test(value);
}

/** True for a non-empty identifier of reasonable length. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_CHARS;
}

/** True for a plain (non-array, non-null) object. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for an integer millisecond timestamp within the range a `Date` can hold. */
export function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 8.64e15;
}

function parseObject(raw: string): (Record<string, unknown> & { v: 1 }) | null {
  if (typeof raw !== 'string' || raw.length > MAX_ENTRY_CHARS) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isPlainRecord(parsed) || parsed.v !== VERSION) return null;
  return { ...parsed, v: VERSION };
}
