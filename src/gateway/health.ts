import type { ConfigError } from '../errors/index.js';
import { jsonResponse } from './responses.js';
import type { GatewayState } from './state.js';

/** How long a deep health answer is reused in an isolate: a public route must not amplify traffic. */
const DEEP_HEALTH_REUSE_MS = 10_000;

/**
 * `GET /auth/health`: the gateway's own state, never a secret or a value that could be one.
 * 200 when the configuration is usable; 500 listing each misconfigured setting otherwise. It
 * calls neither Cloud nor the runner.
 *
 * `GET /auth/health?deep=1` also asks Cloud (one verify of a token nobody holds: Cloud must answer
 * and accept `PROJECT_ID`), and reports the circuit breaker and whether `UPSTREAM_URL` is a
 * loopback address in a deployment that is not local. The answer is reused for 10 s per isolate.
 * 200 when all is well, 503 when Cloud is unreachable, 500 when Cloud refuses the project or the
 * upstream is loopback outside local development.
 *
 * @param result - the isolate's state, or the configuration problems
 * @param url - the request's URL (`deep`, and whether the deployment is local)
 * @returns the response
 */
export async function health(
  result: { ok: true; state: GatewayState } | { ok: false; problems: readonly ConfigError[] },
  url: URL,
): Promise<Response> {
  if (!result.ok) {
    return jsonResponse(500, {
      ok: false,
      error: 'misconfigured',
      problems: result.problems.map((problem) => ({ setting: problem.setting, message: problem.message })),
    });
  }
  const { config, cloud, observability } = result.state;
  const shallow = {
    ok: true,
    cloudAuth: config.cloud !== undefined,
    upstream: config.upstream.kind,
    kv: config.kv !== undefined,
    secureCookies: config.cookieSecure,
    publicPaths: config.publicPaths.length,
    publicOrigin: config.publicOrigin ?? null,
    identitySigning: config.identity?.material.alg ?? null,
    corsOrigins: config.corsOrigins.length,
    ...(cloud?.cloudBreaker !== undefined && { breaker: cloud.cloudBreaker.state }),
  };
  if (url.searchParams.get('deep') !== '1') return jsonResponse(200, shallow);

  const now = Date.now();
  const reused = observability.deepHealth;
  const body =
    reused !== undefined && now - reused.at < DEEP_HEALTH_REUSE_MS
      ? reused.body
      : await deepBody(result.state, url, shallow);
  if (reused?.body !== body) observability.deepHealth = { at: now, body };
  const cloudState = body.cloud;
  const status =
    cloudState === 'unreachable' ? 503 : cloudState === 'project_refused' || body.ok === false ? 500 : 200;
  return jsonResponse(status, body);
}

async function deepBody(
  state: GatewayState,
  url: URL,
  shallow: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { config, cloud, observability } = state;
  const cloudState = cloud === undefined ? 'off' : await cloud.probeCloud();
  const local = !config.cookieSecure || isLoopbackHost(url.hostname);
  const upstreamLoopback =
    config.upstream.kind === 'url' && isLoopbackHost(new URL(config.upstream.origin).hostname);
  const warnings: string[] = [];
  if (upstreamLoopback && !local)
    warnings.push('UPSTREAM_URL is a loopback address in a deployment that is not local');
  if (cloudState === 'project_refused') warnings.push('Cloud does not accept PROJECT_ID');
  if (cloudState === 'unreachable') warnings.push('Cloud could not be reached');
  return {
    ...shallow,
    ok: warnings.length === 0,
    cloud: cloudState,
    ...(cloud?.cloudBreaker !== undefined && { breaker: cloud.cloudBreaker.snapshot() }),
    upstreamLoopback,
    localDeployment: local,
    failedAuthentications: observability.failures.total,
    throttled: observability.failures.throttled + (cloud?.throttledVerifies ?? 0),
    warnings,
  };
}

/** `localhost`, `*.localhost`, 127.0.0.0/8, `::1` (RFC 6761, RFC 1122, RFC 4291). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}
