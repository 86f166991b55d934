import { base64urlDecode } from '../crypto/base64url.js';

/** The header carrying the authenticated user's id to the runner. */
export const USER_ID_HEADER = 'X-Mastra-User-Id';
/** The header carrying the authenticated user (base64url JSON, no tokens) to the runner. */
export const USER_HEADER = 'X-Mastra-User';

/** The user as the runner sees it: an allow-list of fields, so no token can ride along. */
export interface ForwardedUser {
  id: string;
  email?: string;
  name?: string;
  avatarUrl?: string;
  role?: string;
  createdAt?: string;
  metadata?: Record<string, unknown>;
}

/** Longest user id forwarded; ids are header values, so printable ASCII only. */
const MAX_ID_LENGTH = 256;
const MAX_FIELD_LENGTH = 1024;
/** Above this, `metadata` is left out of `X-Mastra-User` (proxies commonly cap a header near 8 KiB). */
const MAX_USER_HEADER_LENGTH = 4096;
const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;
// Belt and braces: metadata is profile data, but a key that names a secret is never forwarded.
const SECRET_LIKE_KEY = /token|secret|password|credential/i;

/**
 * Projects an authenticated user onto the fields the runner may see. Unknown fields, and with
 * them every token (`sessionToken`, access tokens), are dropped.
 *
 * @param user - the user a provider returned (any shape)
 * @returns the forwarded user
 * @throws TypeError when the user has no usable `id` (a provider bug: the gateway answers 500)
 */
export function toForwardedUser(user: unknown): ForwardedUser {
  if (typeof user !== 'object' || user === null) throw new TypeError('authenticated user is not an object');
  const id = Reflect.get(user, 'id');
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH || !PRINTABLE_ASCII.test(id)) {
    throw new TypeError('authenticated user has no usable id');
  }
  const out: ForwardedUser = { id };
  for (const field of ['email', 'name', 'avatarUrl', 'role'] as const) {
    const value = Reflect.get(user, field);
    if (typeof value === 'string' && value.length <= MAX_FIELD_LENGTH) out[field] = value;
  }
  const createdAt = Reflect.get(user, 'createdAt');
  if (createdAt instanceof Date && !Number.isNaN(createdAt.getTime()))
    out.createdAt = createdAt.toISOString();
  else if (typeof createdAt === 'string' && createdAt.length <= 64) out.createdAt = createdAt;
  const metadata = Reflect.get(user, 'metadata');
  if (isPlainRecord(metadata)) {
    out.metadata = Object.fromEntries(Object.entries(metadata).filter(([key]) => !SECRET_LIKE_KEY.test(key)));
  }
  return out;
}

/**
 * Encodes a forwarded user for `X-Mastra-User`: base64url (no padding) of its UTF-8 JSON.
 * `metadata` is dropped when it would make the header too large.
 *
 * @param user - from {@link toForwardedUser}
 * @returns the header value
 * @example
 * decodeUserHeader(encodeUserHeader({ id: 'u1' })); // { id: 'u1' }
 */
export function encodeUserHeader(user: ForwardedUser): string {
  // A forwarded user is never changed once built, and the gateway reuses the one of a cached
  // identity (see `forwardedUser` in authenticate.ts): its header is encoded once.
  let encoded = encodedHeaders.get(user);
  if (encoded === undefined) {
    encoded = encodeOnce(user);
    encodedHeaders.set(user, encoded);
  }
  return encoded;
}

const encodedHeaders = new WeakMap<ForwardedUser, string>();

function encodeOnce(user: ForwardedUser): string {
  const { metadata, ...rest } = user;
  if (metadata !== undefined) {
    try {
      const full = base64url(JSON.stringify(user));
      if (full.length <= MAX_USER_HEADER_LENGTH) return full;
    } catch {
      // Metadata that cannot be serialized (cycles, BigInt) is left out, like oversized metadata.
    }
  }
  return base64url(JSON.stringify(rest));
}

/**
 * Decodes `X-Mastra-User` (for runners and tests).
 *
 * @param value - the header value
 * @returns the parsed JSON, or null when it is not base64url JSON
 */
export function decodeUserHeader(value: string): unknown {
  const bytes = base64urlDecode(value);
  if (bytes === null) return null;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
}

function base64url(text: string): string {
  // JSON in printable ASCII is its own UTF-8 "binary string"; anything else goes through the bytes.
  let binary = text;
  if (!PRINTABLE_ASCII.test(text)) {
    binary = '';
    for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
