import { ConfigError } from '../errors/index.js';
import type { GatewayConfig } from './config.js';

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/**
 * The gateway's public origin for this request: `PUBLIC_ORIGIN` (or the callback URL's origin);
 * in local development (`AUTH_COOKIE_SECURE=false`) without it, the request's own origin, and
 * only when that is a loopback address. Never the `Host` header of a deployed gateway.
 *
 * @param config - the gateway configuration
 * @param url - the request URL
 * @returns the origin, or undefined when none is configured and none may be inferred
 */
export function publicOriginOf(config: GatewayConfig, url: URL): string | undefined {
  if (config.publicOrigin !== undefined) return config.publicOrigin;
  if (!config.cookieSecure && LOOPBACK_HOST.test(url.hostname)) return url.origin;
  return undefined;
}

/**
 * Like {@link publicOriginOf}, for the routes that cannot work without one (login, logout's
 * return URL, the identity assertion's issuer).
 *
 * @throws ConfigError `PUBLIC_ORIGIN` (answered 500 naming the setting)
 */
export function requirePublicOrigin(config: GatewayConfig, url: URL): string {
  const origin = publicOriginOf(config, url);
  if (origin === undefined) {
    throw new ConfigError(
      'PUBLIC_ORIGIN',
      'PUBLIC_ORIGIN is required (without it, only a loopback address works, in local development)',
    );
  }
  return origin;
}
