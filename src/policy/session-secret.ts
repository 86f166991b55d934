/**
 * The rule for `SESSION_SECRET`, checked by the provider and by the gateway's config reader.
 *
 * @module
 */
import { ConfigError } from '../errors/index.js';

/** The minimum `SESSION_SECRET` length, in UTF-8 bytes (256 bits of key material at best). */
export const MIN_SESSION_SECRET_BYTES = 32;

/**
 * Checks a session secret and returns it.
 *
 * @param secret - the `SESSION_SECRET` value
 * @returns the secret, unchanged
 * @throws ConfigError (setting `SESSION_SECRET`) when it is missing, not a string or shorter than 32 bytes
 */
export function assertSessionSecret(secret: unknown): string {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new ConfigError('SESSION_SECRET', 'SESSION_SECRET is missing: set it to at least 32 random bytes');
  }
  if (new TextEncoder().encode(secret).byteLength < MIN_SESSION_SECRET_BYTES) {
    throw new ConfigError(
      'SESSION_SECRET',
      `SESSION_SECRET must be at least ${MIN_SESSION_SECRET_BYTES} bytes`,
    );
  }
  return secret;
}
