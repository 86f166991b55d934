/**
 * The cookie `SimpleAuth.signIn` sets: a sealed JWE naming the service token by its SHA-256
 * digest, never the token itself (core's SimpleAuth puts the token in the cookie in clear).
 *
 * @see CONTRACT.md section 4b
 * @module
 */
import { base64url, base64urlDecode } from '../crypto/base64url.js';
import { sha256 } from '../crypto/constant-time.js';
import { LruMap } from '../kv-session/internal.js';
import { Sealer, serializeCookie } from '../provider/internal.js';
import { TOKEN_COOKIE } from './token-candidates.js';

/** Lifetime of a sign-in cookie (core's SimpleAuth uses the same day). */
export const SERVICE_SESSION_SECONDS = 86_400;

/** Opened cookies kept per instance, so a signed-in browser costs one decryption, not one per request. */
const MAX_OPENED = 256;

/** What {@link ServiceSessions} needs. */
export interface ServiceSessionOptions {
  /** Key material (at least 32 bytes); without it the key is derived from the configured tokens. */
  sessionSecret: string | undefined;
  /** The configured tokens (for the derived key). */
  tokens: readonly string[];
  /** `false` only for plain-http development: no `Secure` attribute. */
  secure: boolean;
}

/**
 * Seals and opens sign-in cookies. Without a `sessionSecret` the key is derived from all the
 * configured tokens: forging a cookie then needs every token, which is more than signing in
 * with one; rotating any token ends every sign-in cookie.
 */
export class ServiceSessions {
  readonly #options: ServiceSessionOptions;
  /** Built on first use (deriving needs `crypto.subtle`); a resolved object, never a shared promise. */
  #sealer: Sealer | undefined;
  /** Cookie value -> its token digest, until the cookie's own expiry. */
  readonly #opened = new LruMap<string, { digest: Uint8Array; untilMs: number }>(MAX_OPENED);

  /** @throws ConfigError (setting `SESSION_SECRET`) when `sessionSecret` is given and shorter than 32 bytes */
  constructor(options: ServiceSessionOptions) {
    this.#options = options;
    if (options.sessionSecret !== undefined) this.#sealer = new Sealer(options.sessionSecret);
  }

  /** A `Set-Cookie` value holding `digest` (the SHA-256 of the signed-in token), sealed. */
  async cookie(digest: Uint8Array, now: Date = new Date()): Promise<string> {
    const expiresAt = Math.floor(now.getTime() / 1000) + SERVICE_SESSION_SECONDS;
    const sealed = await (await this.#sealerInUse()).seal(
      'service-session',
      { tid: base64url(digest) },
      expiresAt,
    );
    return serializeCookie(TOKEN_COOKIE, sealed, {
      secure: this.#options.secure,
      path: '/',
      maxAge: SERVICE_SESSION_SECONDS,
    });
  }

  /** The token digest inside a sign-in cookie value, or `null` (not one of ours, tampered, expired). */
  async open(value: string, now: Date = new Date()): Promise<Uint8Array | null> {
    const cached = this.#opened.get(value);
    if (cached !== undefined && cached.untilMs > now.getTime()) return cached.digest;
    // Compact JWE: five base64url segments; anything else is not worth a decryption.
    if (value.split('.').length !== 5) return null;
    const payload = await (await this.#sealerInUse()).open('service-session', value, now);
    const tid = payload?.tid;
    const exp = payload?.exp;
    if (typeof tid !== 'string' || typeof exp !== 'number') return null;
    const digest = base64urlDecode(tid);
    if (digest === null || digest.length !== 32) return null;
    this.#opened.set(value, { digest, untilMs: exp * 1000 });
    return digest;
  }

  /** The `Set-Cookie` value deleting the sign-in cookie. */
  clearCookie(): string {
    return serializeCookie(TOKEN_COOKIE, '', { secure: this.#options.secure, path: '/', maxAge: 0 });
  }

  async #sealerInUse(): Promise<Sealer> {
    if (this.#sealer !== undefined) return this.#sealer;
    const material = await sha256(
      `mastra-edge-auth/service-session\u0000${JSON.stringify([...this.#options.tokens].sort())}`,
    );
    this.#sealer = new Sealer(base64url(material));
    return this.#sealer;
  }
}
