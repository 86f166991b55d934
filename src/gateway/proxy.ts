import { IDENTITY_HEADER } from '../crypto/identity-assertion.js';
import type { Upstream } from './config.js';
import { stripOwnCookies } from './cookie-header.js';
import { withoutCredentialParams } from './credential-params.js';
import { PLAYGROUND_HEADER } from './credentials.js';
import { encodeUserHeader, type ForwardedUser, USER_HEADER, USER_ID_HEADER } from './identity.js';

/** What {@link buildUpstreamRequest} needs besides the request. */
export interface ForwardOptions {
  readonly upstream: Upstream;
  /** The authenticated user, or null on a public path (then no identity headers are sent). */
  readonly user: ForwardedUser | null;
  /** The signed `X-Mastra-Identity` assertion for `user`, when a signing key is configured. */
  readonly assertion?: string | null | undefined;
  /** The gateway's own cookie names: never forwarded. */
  readonly ownCookieNames: readonly string[];
  /**
   * The public origin (serialized, as `URL.origin`), for `X-Forwarded-Host`/`-Proto`; unset:
   * those are not sent.
   */
  readonly publicOrigin?: string | undefined;
  /** Whether `Authorization` and `X-Playground-Access` reach the runner (`FORWARD_CREDENTIALS`). */
  readonly forwardCredentials?: boolean | undefined;
}

// Any client-sent header in the identity namespace is dropped, not only the ones we set.
const IDENTITY_PREFIXES = ['x-mastra-user', 'x-mastra-identity'];
const CREDENTIAL_HEADERS = ['Authorization', PLAYGROUND_HEADER];

/**
 * Builds the request the runner receives: same method, path and body; the query without
 * credential parameters; headers shaped by {@link upstreamHeaders}.
 *
 * @param request - the incoming request (already authenticated, or on a public path)
 * @param options - upstream, user and assertion, own cookie names, public origin
 * @param incoming - `request.url`, parsed (the router already has it)
 * @returns the request to send upstream
 */
export function buildUpstreamRequest(
  request: Request,
  options: ForwardOptions,
  incoming: URL = new URL(request.url),
): Request {
  const headers = upstreamHeaders(request.headers, options);
  const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers, redirect: 'manual' };
  if (request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null) {
    init.body = request.body;
    init.duplex = 'half'; // Node's fetch needs it for a streamed body; workerd ignores it
  }
  return new Request(targetUrl(incoming, options.upstream), init);
}

/**
 * The headers the runner receives: client-sent identity headers removed; `Authorization` and
 * `X-Playground-Access` removed unless forwarding is on; the gateway's cookies removed from
 * `Cookie`; `Host` dropped (the target URL decides it); `X-Forwarded-Host` / `-Proto` from the
 * configured public origin (never from `Host`; client-sent ones are dropped); `X-Mastra-User-Id`,
 * `X-Mastra-User` and `X-Mastra-Identity` set for an authenticated user.
 *
 * @param incoming - the client's headers
 * @param options - see {@link ForwardOptions}
 * @returns a new Headers object
 */
export function upstreamHeaders(incoming: Headers, options: ForwardOptions): Headers {
  const headers = new Headers(incoming);
  const dropped: string[] = [];
  headers.forEach((_value, name) => {
    const lower = name.toLowerCase();
    if (IDENTITY_PREFIXES.some((prefix) => lower.startsWith(prefix))) dropped.push(name);
  });
  for (const name of dropped) headers.delete(name);
  if (options.forwardCredentials !== true) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  headers.delete('Host');
  headers.delete('X-Forwarded-Host');
  headers.delete('X-Forwarded-Proto');
  const cookie = stripOwnCookies(headers.get('Cookie'), options.ownCookieNames);
  if (cookie === null) headers.delete('Cookie');
  else headers.set('Cookie', cookie);
  if (options.publicOrigin !== undefined) {
    // A serialized origin is `scheme://host[:port]`: no need to parse it again on every request.
    const origin = options.publicOrigin;
    const separator = origin.indexOf('://');
    headers.set('X-Forwarded-Host', origin.slice(separator + 3));
    headers.set('X-Forwarded-Proto', origin.slice(0, separator));
  }
  if (options.user !== null) {
    headers.set(USER_ID_HEADER, options.user.id);
    headers.set(USER_HEADER, encodeUserHeader(options.user));
    if (options.assertion !== undefined && options.assertion !== null) {
      headers.set(IDENTITY_HEADER, options.assertion);
    }
  }
  return headers;
}

/**
 * Where a request goes upstream. The path is set on a URL object, never concatenated, so a
 * path like `//evil.example/x` cannot turn into another host.
 *
 * @param incoming - the public URL
 * @param upstream - the configured upstream
 * @returns the upstream URL (for a service binding, the public URL), credential parameters removed
 */
export function targetUrl(incoming: URL, upstream: Upstream): string {
  const target = upstream.kind === 'binding' ? new URL(incoming.href) : new URL(upstream.origin);
  target.pathname = incoming.pathname;
  target.search = withoutCredentialParams(incoming.search);
  target.hash = '';
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
