/**
 * A Mastra auth provider for a runner that sits behind the mastra-edge-auth gateway: it trusts
 * the identity the gateway forwards (`X-Mastra-User-Id`, `X-Mastra-User`). The gateway deletes
 * any client-sent copies of those headers, so this is safe only when the runner cannot be
 * reached except through the gateway (bind it to 127.0.0.1 or a private network).
 *
 * @module
 */

const USER_ID_HEADER = 'x-mastra-user-id';
const USER_HEADER = 'x-mastra-user';

/** Reads one header from whatever request shape the Mastra server hands a provider. */
function header(request, name) {
  if (request instanceof Request) return request.headers.get(name);
  if (typeof request?.header === 'function') return request.header(name) ?? null;
  if (request?.raw instanceof Request) return request.raw.headers.get(name);
  return null;
}

/**
 * Decodes `X-Mastra-User` (base64url JSON).
 *
 * @param {string | null} value
 * @returns {Record<string, unknown> | null}
 */
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

/**
 * The user the gateway forwarded with a request, or null.
 *
 * @param {Request | { header?(name: string): string | undefined; raw?: Request }} request
 */
export function forwardedUser(request) {
  const id = header(request, USER_ID_HEADER);
  if (id === null || id === '') return null;
  const user = decodeForwardedUser(header(request, USER_HEADER));
  if (user === null || user.id !== id) return null;
  return user;
}

/** `server.auth` for the demo runner: the gateway already authenticated the request. */
export const gatewayAuth = {
  name: 'gateway-headers',
  async authenticateToken(_token, request) {
    return forwardedUser(request);
  },
  authorizeUser(user) {
    return typeof user?.id === 'string';
  },
};
