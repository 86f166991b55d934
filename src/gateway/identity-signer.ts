import type { JWK } from 'jose';
import {
  IDENTITY_MAX_TTL_SECONDS,
  type IdentityKey,
  importSigningKey,
  signIdentity,
} from '../crypto/identity-assertion.js';
import type { ForwardedUser } from './identity.js';
import type { IdentitySettings } from './trust-config.js';

/** An assertion is re-signed once it has less than this left (so the runner gets >= 30 s). */
const REUSE_SECONDS = 30;
/** Assertions kept per isolate (one per user seen recently); the oldest go first. */
const MAX_CACHED = 1024;

/**
 * Signs `X-Mastra-Identity` assertions with the configured key, imported once per isolate (the
 * resolved key is kept, never a shared promise). Signing costs about 0.1 ms, so an assertion is
 * reused for the same user for up to 30 s of its 60 s life: every request still carries one that
 * is valid for at least 30 s, and it is only ever sent after that request was authenticated.
 */
export class IdentitySigner {
  readonly #settings: IdentitySettings;
  readonly #now: () => number;
  readonly #recent = new Map<string, { readonly jwt: string; readonly renewAt: number }>();
  #key: IdentityKey | undefined;

  constructor(settings: IdentitySettings, now: () => number = Date.now) {
    this.#settings = settings;
    this.#now = now;
  }

  /**
   * @param user - the authenticated user
   * @param issuer - the gateway's public origin
   * @returns the compact JWT for `X-Mastra-Identity`
   */
  async sign(user: ForwardedUser, issuer: string): Promise<string> {
    const now = Math.floor(this.#now() / 1000);
    const cacheKey = JSON.stringify([issuer, user.id, user.email, user.name, user.role]);
    const cached = this.#recent.get(cacheKey);
    if (cached !== undefined && now < cached.renewAt) return cached.jwt;
    if (this.#key === undefined) this.#key = await importSigningKey(this.#settings.material);
    const jwt = await signIdentity(this.#key, {
      issuer,
      audience: this.#settings.audience,
      user: { id: user.id, email: user.email, name: user.name, role: user.role },
      nowSeconds: now,
    });
    this.#recent.delete(cacheKey);
    if (this.#recent.size >= MAX_CACHED) {
      const oldest = this.#recent.keys().next();
      if (oldest.done !== true) this.#recent.delete(oldest.value);
    }
    this.#recent.set(cacheKey, { jwt, renewAt: now + IDENTITY_MAX_TTL_SECONDS - REUSE_SECONDS });
    return jwt;
  }

  /** The public keys for `GET /auth/jwks`; empty for an HS256 secret (which is never published). */
  async publicKeys(): Promise<JWK[]> {
    if (this.#key === undefined) this.#key = await importSigningKey(this.#settings.material);
    return this.#key.publicJwk === undefined ? [] : [this.#key.publicJwk];
  }
}
