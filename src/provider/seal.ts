import { EncryptJWT, jwtDecrypt } from 'jose';
import { MAX_COOKIE_BYTES } from '../policy/limits.js';
import { assertSessionSecret } from '../policy/session-secret.js';

/**
 * What a sealed value is for. Each purpose has its own derived key (HKDF `info`) and is also
 * named inside the payload, so a login-flow cookie never opens as a session cookie.
 */
export type SealPurpose = 'login-flow' | 'session' | 'service-session';

/** A payload as it comes out of {@link Sealer.open}: unvalidated claims, to be checked by the caller. */
export type OpenedPayload = Readonly<Record<string, unknown>>;

/** Bounds the per-isolate key cache: a handful of secrets (rotation, tests) times two purposes. */
const MAX_CACHED_KEYS = 16;

const HKDF_SALT = new TextEncoder().encode('mastra-edge-auth/seal/v1');
const ALGORITHMS = { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] };

// Keys are derived once per isolate and per (secret, purpose). Only resolved CryptoKeys are kept,
// never a pending promise: in workerd a promise created by another request must not be awaited.
const keyCache = new Map<string, CryptoKey>();

/**
 * Seals and opens small JSON payloads (compact JWE, `dir` + `A256GCM`) with a key derived from
 * the session secret by HKDF-SHA-256, one key per purpose.
 *
 * @example
 * const sealer = new Sealer(env.SESSION_SECRET);
 * const value = await sealer.seal('session', { sid: 's1' }, Math.floor(Date.now() / 1000) + 3600);
 * const payload = await sealer.open('session', value); // { sid: 's1', ... } or null
 */
export class Sealer {
  readonly #secret: string;

  /**
   * @param secret - the session secret (at least 32 bytes)
   * @throws ConfigError (setting `SESSION_SECRET`) when the secret is missing or short
   */
  constructor(secret: string) {
    this.#secret = assertSessionSecret(secret);
  }

  /**
   * Encrypts and authenticates `payload`, with `exp` and the purpose inside.
   *
   * @param purpose - which key to use
   * @param payload - JSON claims (`exp` and `pur` are set by this method)
   * @param expiresAt - expiry in seconds since the epoch
   * @returns the compact JWE (base64url segments joined by `.`: safe as a cookie value)
   * @throws TypeError when `expiresAt` is not a positive integer
   */
  async seal(purpose: SealPurpose, payload: Record<string, unknown>, expiresAt: number): Promise<string> {
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= 0) {
      throw new TypeError('expiresAt must be a positive integer number of seconds');
    }
    const key = await this.#key(purpose);
    return new EncryptJWT({ ...payload, pur: purpose })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setExpirationTime(expiresAt)
      .encrypt(key);
  }

  /**
   * Opens a sealed value. Never throws: a tampered, forged, truncated, expired or other-purpose
   * value (or one sealed with another secret) gives `null`.
   *
   * @param purpose - the purpose the value must have been sealed for
   * @param value - the sealed value (untrusted)
   * @param now - the current time (injectable clock)
   * @returns the payload's claims (to be validated by the caller), or `null`
   */
  async open(purpose: SealPurpose, value: unknown, now: Date = new Date()): Promise<OpenedPayload | null> {
    // Longer than any cookie can be: refused unopened.
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_COOKIE_BYTES) return null;
    try {
      const key = await this.#key(purpose);
      const { payload } = await jwtDecrypt(value, key, {
        ...ALGORITHMS,
        currentDate: now,
        requiredClaims: ['exp', 'pur'],
      });
      return payload.pur === purpose ? payload : null;
    } catch {
      return null;
    }
  }

  async #key(purpose: SealPurpose): Promise<CryptoKey> {
    const cacheKey = `${purpose}\u0000${this.#secret}`;
    const cached = keyCache.get(cacheKey);
    if (cached !== undefined) return cached;
    const encoder = new TextEncoder();
    const base = await crypto.subtle.importKey('raw', encoder.encode(this.#secret), 'HKDF', false, [
      'deriveKey',
    ]);
    const key = await crypto.subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: HKDF_SALT, info: encoder.encode(`mastra-edge-auth:${purpose}`) },
      base,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
    if (keyCache.size >= MAX_CACHED_KEYS) {
      const oldest = keyCache.keys().next();
      if (!oldest.done) keyCache.delete(oldest.value);
    }
    keyCache.set(cacheKey, key);
    return key;
  }
}
