import type { ConfigError } from '../errors/index.js';
import { jsonResponse } from './responses.js';
import type { GatewayState } from './state.js';

/**
 * `GET /auth/health`: the gateway's own state, never a secret or a value that could be one.
 * 200 when the configuration is usable; 500 listing each misconfigured setting otherwise.
 * It does not call Cloud or the runner (a public endpoint must not amplify traffic).
 *
 * @param result - the isolate's state, or the configuration problems
 * @returns the response
 */
export function health(
  result: { ok: true; state: GatewayState } | { ok: false; problems: readonly ConfigError[] },
): Response {
  if (!result.ok) {
    return jsonResponse(500, {
      ok: false,
      error: 'misconfigured',
      problems: result.problems.map((problem) => ({ setting: problem.setting, message: problem.message })),
    });
  }
  const { config } = result.state;
  return jsonResponse(200, {
    ok: true,
    cloudAuth: config.cloud !== undefined,
    upstream: config.upstream.kind,
    kv: config.kv !== undefined,
    secureCookies: config.cookieSecure,
    publicPaths: config.publicPaths.length,
    publicOrigin: config.publicOrigin ?? null,
    identitySigning: config.identity?.material.alg ?? null,
    corsOrigins: config.corsOrigins.length,
  });
}
