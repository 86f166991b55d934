/**
 * The storage codec of cached user profiles (the verify cache's values in KV). Its own layout with
 * a version field, not any Cloud wire shape: an entry written while one wire profile was spoken
 * reads back the same after a switch, and an entry this release does not understand (an older
 * layout it cannot read, a newer version, garbage) is a cache miss, never a crash.
 *
 * Layout `v: 1`: `{ v, id, email?, name?, avatarUrl?, role?, createdAt? (epoch ms), metadata? }`.
 * Also read: the layout of 0.1 (`{ user: UserWire }`, v1's wire shape, no `v`).
 *
 * @see STORAGE.md
 * @module
 */
import { type CloudUserProfile, parseUserData } from '../cloud-fetch/index.js';
import { parseHttpUrl } from '../http/url.js';

const VERSION = 1;
const MAX_FIELD_CHARS = 2048;

/** Profile -> the JSON value stored in KV. */
export function encodeProfile(profile: CloudUserProfile): unknown {
  return {
    v: VERSION,
    id: profile.id,
    ...(profile.email !== undefined && { email: profile.email }),
    ...(profile.name !== undefined && { name: profile.name }),
    ...(profile.avatarUrl !== undefined && { avatarUrl: profile.avatarUrl }),
    ...(profile.role !== undefined && { role: profile.role }),
    ...(profile.createdAt !== undefined && { createdAt: profile.createdAt.getTime() }),
    ...(profile.metadata !== undefined && { metadata: profile.metadata }),
  };
}

/**
 * A value read back from KV (untrusted) -> profile, or `null` (a miss) for anything else.
 * Never throws.
 */
export function decodeProfile(value: unknown): CloudUserProfile | null {
  if (!isRecord(value)) return null;
  if (!Object.hasOwn(value, 'v')) return decodeLegacy(value);
  if (value.v !== VERSION) return null;
  const { id, email, name, avatarUrl, role, createdAt, metadata } = value;
  if (!isText(id) || id.length === 0) return null;
  const profile: CloudUserProfile = { id };
  if (email !== undefined) {
    if (!isText(email)) return null;
    profile.email = email;
  }
  if (name !== undefined) {
    if (!isText(name)) return null;
    profile.name = name;
  }
  if (avatarUrl !== undefined) {
    if (!isText(avatarUrl) || parseHttpUrl(avatarUrl) === null) return null;
    profile.avatarUrl = avatarUrl;
  }
  if (role !== undefined) {
    if (!isText(role)) return null;
    profile.role = role;
  }
  if (createdAt !== undefined) {
    if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt) || Math.abs(createdAt) > 8.64e15)
      return null;
    profile.createdAt = new Date(createdAt);
  }
  if (metadata !== undefined) {
    if (!isRecord(metadata)) return null;
    profile.metadata = { ...metadata };
  }
  return profile;
}

/** 0.1 stored v1's wire shape (`{ user: UserWire }`); read it so a rollout does not empty the cache. */
function decodeLegacy(value: Record<string, unknown>): CloudUserProfile | null {
  try {
    return parseUserData(value);
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_FIELD_CHARS;
}
