import type { RouteContext } from './context.js';
import { notFoundResponse } from './error-response.js';
import { jsonResponse } from './responses.js';

/**
 * `GET /auth/jwks`: the public key(s) the runner verifies `X-Mastra-Identity` with, as a JWKS
 * (RFC 7517). Only for an Ed25519 `IDENTITY_SIGNING_KEY`; an HS256 secret is never published
 * (404), nor is anything when no key is configured.
 *
 * @param context - the route context
 * @returns 200 `{ keys: [...] }` (cacheable for 5 minutes), or 404
 */
export async function jwks(context: RouteContext): Promise<Response> {
  const signer = context.state.signer;
  const keys = signer === undefined ? [] : await signer.publicKeys();
  if (keys.length === 0) return notFoundResponse('No public identity key is configured.');
  return jsonResponse(200, { keys }, { set: { 'Cache-Control': 'public, max-age=300' } });
}
