/**
 * The benchmark floor: a Worker that proxies every request to `UPSTREAM_URL` with no auth at
 * all, built the way the gateway builds its upstream request (same method, path, query,
 * headers and body; `redirect: 'manual'`), so the difference to the gateway is the auth work.
 *
 * Bench-only (bundled by `scripts/bench.mjs`); never deployed.
 *
 * @module
 */

interface PassthroughEnv {
  UPSTREAM_URL?: unknown;
}

/** Reads and checks `UPSTREAM_URL` (an http(s) origin). */
function upstreamOrigin(env: PassthroughEnv): string | null {
  const raw = env.UPSTREAM_URL;
  if (typeof raw !== 'string') return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

export default {
  /**
   * Forwards the request unchanged to the upstream origin.
   *
   * @param request - the incoming request
   * @param env - bindings: `UPSTREAM_URL`
   * @returns the upstream's response, or 500 when `UPSTREAM_URL` is missing
   */
  async fetch(request: Request, env: PassthroughEnv): Promise<Response> {
    const origin = upstreamOrigin(env);
    if (origin === null) return new Response('UPSTREAM_URL must be an http(s) origin', { status: 500 });
    const incoming = new URL(request.url);
    const target = new URL(origin);
    target.pathname = incoming.pathname;
    target.search = incoming.search;
    const init: RequestInit = {
      method: request.method,
      headers: new Headers(request.headers),
      redirect: 'manual',
    };
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null)
      init.body = request.body;
    return fetch(new Request(target.href, init));
  },
};
