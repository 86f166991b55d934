import type { Upstream } from './config.js';
import { stripOwnCookies } from './cookie-header.js';
import { encodeUserHeader, type ForwardedUser, USER_HEADER, USER_ID_HEADER } from './identity.js';

/** What {@link buildUpstreamRequest} needs besides the request. */
export interface ForwardOptions {
  readonly upstream: Upstream;
  /** The authenticated user, or null on a public path (then no identity headers are sent). */
  readonly user: ForwardedUser | null;
  /** The gateway's own cookie names: never forwarded. */
  readonly ownCookieNames: readonly string[];
}

// Any client-sent header in the identity namespace is dropped, not only the two we set.
const IDENTITY_PREFIX = 'x-mastra-user';

/**
 * Builds the request the runner receives: same method, path, query and body; client-sent
 * identity headers removed; the gateway's cookies removed from `Cookie`; `X-Mastra-User-Id` and
 * `X-Mastra-User` set from the authenticated user; `Authorization` passed through unchanged;
 * `Host` dropped (the target URL decides it) and `X-Forwarded-Host` / `X-Forwarded-Proto` set
 * from the public URL.
 *
 * @param request - the incoming request (already authenticated, or on a public path)
 * @param options - upstream, user, own cookie names
 * @returns the request to send upstream
 */
export function buildUpstreamRequest(request: Request, options: ForwardOptions): Request {
  const incoming = new URL(request.url);
  const headers = new Headers(request.headers);
  const spoofed: string[] = [];
  headers.forEach((_value, name) => {
    if (name.toLowerCase().startsWith(IDENTITY_PREFIX)) spoofed.push(name);
  });
  for (const name of spoofed) headers.delete(name);
  // The runner's host comes from the target URL; the public one travels in X-Forwarded-Host.
  headers.delete('Host');
  const cookie = stripOwnCookies(headers.get('Cookie'), options.ownCookieNames);
  if (cookie === null) headers.delete('Cookie');
  else headers.set('Cookie', cookie);
  headers.set('X-Forwarded-Host', incoming.host);
  headers.set('X-Forwarded-Proto', incoming.protocol.slice(0, -1));
  if (options.user !== null) {
    headers.set(USER_ID_HEADER, options.user.id);
    headers.set(USER_HEADER, encodeUserHeader(options.user));
  }
  const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers, redirect: 'manual' };
  if (request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null) {
    init.body = request.body;
    init.duplex = 'half'; // Node's fetch needs it for a streamed body; workerd ignores it
  }
  return new Request(targetUrl(incoming, options.upstream), init);
}

/**
 * Where a request goes upstream. The path is set on a URL object, never concatenated, so a
 * path like `//evil.example/x` cannot turn into another host.
 *
 * @param incoming - the public URL
 * @param upstream - the configured upstream
 * @returns the upstream URL (for a service binding, the public URL itself)
 */
export function targetUrl(incoming: URL, upstream: Upstream): string {
  if (upstream.kind === 'binding') return incoming.href;
  const target = new URL(upstream.origin);
  target.pathname = incoming.pathname;
  target.search = incoming.search;
  return target.href;
}

/**
 * Sends a built request to the runner.
 *
 * @param upstreamRequest - from {@link buildUpstreamRequest}
 * @param upstream - the configured upstream
 * @param fetchImpl - the fetch used for `UPSTREAM_URL` (a service binding uses its own)
 * @param init - fetch options for either (the abort signal)
 * @returns the runner's response, unchanged
 * @throws whatever the fetch throws (network failure): the caller answers 502
 */
export function sendUpstream(
  upstreamRequest: Request,
  upstream: Upstream,
  fetchImpl: typeof fetch,
  init?: RequestInit,
): Promise<Response> {
  return upstream.kind === 'binding'
    ? upstream.fetcher.fetch(upstreamRequest, init)
    : fetchImpl(upstreamRequest, init);
}
