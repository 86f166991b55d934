/**
 * The settings of the gateway's trust boundary: its public origin (never the `Host` header),
 * the identity-assertion key, what credentials reach the runner, and the CORS allow-list.
 *
 * @module
 */
import { type IdentityKeyMaterial, parseIdentityKey } from '../crypto/identity-assertion.js';
import { ConfigError } from '../errors/index.js';
import { parseHttpUrl } from '../http/url.js';

/** How the gateway signs `X-Mastra-Identity`. */
export interface IdentitySettings {
  readonly material: IdentityKeyMaterial;
  /** The `aud` claim: `IDENTITY_AUDIENCE`, default the `UPSTREAM_URL` origin. */
  readonly audience: string;
}

const MAX_CORS_ORIGINS = 32;

/**
 * The public origin: `PUBLIC_ORIGIN`, else the origin of `MASTRA_CLOUD_CALLBACK_URL`. Required
 * when Cloud sign-in or identity signing is on, unless cookies are in local-development mode
 * (`AUTH_COOKIE_SECURE=false`), where a loopback request's own origin is used.
 *
 * @param raw - `PUBLIC_ORIGIN` (trimmed; undefined when unset)
 * @param callbackUrl - `MASTRA_CLOUD_CALLBACK_URL`, already checked
 * @param needed - whether something (Cloud sign-in, identity signing) needs the origin
 * @param localDevelopment - `AUTH_COOKIE_SECURE=false`
 * @returns the origin, or undefined (local development, or nothing needs it)
 * @throws ConfigError `PUBLIC_ORIGIN` (missing, not an origin) or `MASTRA_CLOUD_CALLBACK_URL` (on another origin)
 */
export function parsePublicOrigin(
  raw: string | undefined,
  callbackUrl: string | undefined,
  needed: boolean,
  localDevelopment: boolean,
): string | undefined {
  const callbackOrigin = callbackUrl === undefined ? undefined : new URL(callbackUrl).origin;
  if (raw !== undefined) {
    const origin = exactOrigin(raw);
    if (origin === undefined) {
      throw new ConfigError(
        'PUBLIC_ORIGIN',
        'PUBLIC_ORIGIN must be an origin like https://app.example (no path)',
      );
    }
    if (callbackOrigin !== undefined && callbackOrigin !== origin) {
      throw new ConfigError(
        'MASTRA_CLOUD_CALLBACK_URL',
        'MASTRA_CLOUD_CALLBACK_URL must be on PUBLIC_ORIGIN',
      );
    }
    return origin;
  }
  if (callbackOrigin !== undefined) return callbackOrigin;
  if (needed && !localDevelopment) {
    throw new ConfigError(
      'PUBLIC_ORIGIN',
      'PUBLIC_ORIGIN (or MASTRA_CLOUD_CALLBACK_URL) is required: the Host header is never trusted for redirects',
    );
  }
  return undefined;
}

/**
 * `IDENTITY_SIGNING_KEY` (+ `IDENTITY_AUDIENCE`): absent means no `X-Mastra-Identity` is sent.
 *
 * @param key - the secret (HS256 text, or an Ed25519 private JWK as JSON)
 * @param audience - `IDENTITY_AUDIENCE`, trimmed
 * @param upstreamOrigin - the `UPSTREAM_URL` origin, the default audience
 * @param sessionSecret - `SESSION_SECRET`: the runner holds an HS256 identity key, so it must
 *   never be the secret that seals the gateway's cookies
 * @returns the settings, or undefined when no key is set
 * @throws ConfigError naming `IDENTITY_SIGNING_KEY` or `IDENTITY_AUDIENCE`
 */
export function parseIdentitySettings(
  key: string | undefined,
  audience: string | undefined,
  upstreamOrigin: string | undefined,
  sessionSecret?: string | undefined,
): IdentitySettings | undefined {
  if (key === undefined) {
    if (audience !== undefined) {
      throw new ConfigError(
        'IDENTITY_SIGNING_KEY',
        'IDENTITY_AUDIENCE is set but IDENTITY_SIGNING_KEY is not',
      );
    }
    return undefined;
  }
  if (sessionSecret !== undefined && key === sessionSecret.trim()) {
    throw new ConfigError(
      'IDENTITY_SIGNING_KEY',
      'IDENTITY_SIGNING_KEY must not be SESSION_SECRET (the runner holds it; it would open session cookies)',
    );
  }
  let material: IdentityKeyMaterial;
  try {
    material = parseIdentityKey(key);
  } catch (error) {
    throw new ConfigError(
      'IDENTITY_SIGNING_KEY',
      `IDENTITY_SIGNING_KEY: ${error instanceof Error ? error.message : 'invalid'}`,
    );
  }
  if (material.alg === 'EdDSA' && !material.private) {
    throw new ConfigError('IDENTITY_SIGNING_KEY', 'IDENTITY_SIGNING_KEY: an Ed25519 JWK must include "d"');
  }
  const aud = audience ?? upstreamOrigin;
  if (aud === undefined) {
    throw new ConfigError(
      'IDENTITY_AUDIENCE',
      'IDENTITY_AUDIENCE is required with a service binding UPSTREAM',
    );
  }
  return { material, audience: aud };
}

/**
 * `CORS_ORIGINS`: comma-separated exact origins allowed to call with credentials. `*` (or any
 * pattern) is refused: credentials and wildcards do not mix.
 *
 * @param raw - the variable, trimmed (undefined when unset)
 * @returns the origins (empty: no CORS)
 * @throws ConfigError `CORS_ORIGINS`
 */
export function parseCorsOrigins(raw: string | undefined): readonly string[] {
  if (raw === undefined) return [];
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length > MAX_CORS_ORIGINS) {
    throw new ConfigError('CORS_ORIGINS', `CORS_ORIGINS has more than ${MAX_CORS_ORIGINS} entries`);
  }
  return entries.map((entry) => {
    const origin = exactOrigin(entry);
    if (origin === undefined) {
      throw new ConfigError(
        'CORS_ORIGINS',
        'CORS_ORIGINS entries must be exact origins like https://app.example (no "*", no path)',
      );
    }
    return origin;
  });
}

/** The origin of an http(s) URL written as a bare origin (a trailing `/` allowed), else undefined. */
function exactOrigin(raw: string): string | undefined {
  const url = parseHttpUrl(raw);
  if (url === null || url.username !== '' || url.password !== '') return undefined;
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') return undefined;
  const written = raw.replace(/\/$/, '').toLowerCase();
  return written === url.origin ? url.origin : undefined;
}
