/**
 * How the demo runner knows who is calling: it verifies the `X-Mastra-Identity` assertion the
 * mastra-edge-auth gateway signs for every authenticated request (`createGatewayIdentityAuth`).
 * The plain `X-Mastra-User-Id` / `X-Mastra-User` headers are shown for information only and are
 * never trusted on their own, so a request that reaches the runner without the gateway is refused.
 *
 * @module
 */
import { createGatewayIdentityAuth } from 'mastra-edge-auth/composite';

/**
 * Reads the runner's identity settings from the environment.
 *
 * @param {Record<string, string | undefined>} env - `IDENTITY_SIGNING_KEY` (the gateway's key: the
 *   HS256 secret, or an Ed25519 public JWK / JWKS as JSON), `GATEWAY_ORIGIN` (the gateway's
 *   `PUBLIC_ORIGIN`: the `iss`), `IDENTITY_AUDIENCE` (the gateway's `IDENTITY_AUDIENCE`: the `aud`)
 * @returns {{ key: string, issuer: string, audience: string }}
 */
export function identitySettings(env) {
  const missing = ['IDENTITY_SIGNING_KEY', 'GATEWAY_ORIGIN', 'IDENTITY_AUDIENCE'].filter(
    (name) => (env[name] ?? '').trim() === '',
  );
  if (missing.length > 0)
    throw new Error(`demo runner: set ${missing.join(', ')} (see examples/demo-runner/README.md)`);
  return { key: env.IDENTITY_SIGNING_KEY, issuer: env.GATEWAY_ORIGIN, audience: env.IDENTITY_AUDIENCE };
}

/**
 * `server.auth` for the demo runner.
 *
 * @param {{ key: string | object, issuer: string, audience: string }} settings
 */
export function gatewayAuth(settings) {
  return createGatewayIdentityAuth(settings);
}

/** Decodes `X-Mastra-User` (base64url JSON), for display only. */
export function decodeForwardedUser(value) {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  try {
    const binary = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
    const parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}
