import type { JWK } from 'jose';
import { type IdentityKey, importSigningKey, signIdentity } from '../crypto/identity-assertion.js';
import type { ForwardedUser } from './identity.js';
import type { IdentitySettings } from './trust-config.js';

/**
 * Signs `X-Mastra-Identity` assertions with the configured key, imported once per isolate (the
 * resolved key is kept, never a shared promise).
 */
export class IdentitySigner {
  readonly #settings: IdentitySettings;
  #key: IdentityKey | undefined;

  constructor(settings: IdentitySettings) {
    this.#settings = settings;
  }

  /**
   * @param user - the authenticated user
   * @param issuer - the gateway's public origin
   * @returns the compact JWT for `X-Mastra-Identity`
   */
  async sign(user: ForwardedUser, issuer: string): Promise<string> {
    const key = await this.#imported();
    return signIdentity(key, {
      issuer,
      audience: this.#settings.audience,
      user: { id: user.id, email: user.email, name: user.name, role: user.role },
    });
  }

  /** The public keys for `GET /auth/jwks`; empty for an HS256 secret (which is never published). */
  async publicKeys(): Promise<JWK[]> {
    const key = await this.#imported();
    return key.publicJwk === undefined ? [] : [key.publicJwk];
  }

  async #imported(): Promise<IdentityKey> {
    if (this.#key === undefined) this.#key = await importSigningKey(this.#settings.material);
    return this.#key;
  }
}
