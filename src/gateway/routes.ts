import { InvalidRequestError } from '../errors/index.js';
import { assertWithinRateLimit, clientAddress } from './abuse.js';
import { callback } from './callback.js';
import type { RouteContext, RouteHandler } from './context.js';
import { preflightResponse, withCors } from './cors.js';
import { errorResponse, notFoundResponse, type OnError } from './error-response.js';
import { forward } from './forward.js';
import { health } from './health.js';
import { jwks } from './jwks.js';
import { login } from './login.js';
import { logout, signedOut } from './logout.js';
import { me } from './me.js';
import { serverTiming } from './observability.js';
import type { StateResult } from './state.js';

/** The gateway's own routes: path -> the one method it answers, and the handler. */
export const AUTH_ROUTES: Readonly<
  Record<string, { readonly method: string; readonly handler: RouteHandler | 'health' }>
> = Object.freeze({
  '/auth/login': { method: 'GET', handler: login },
  '/auth/callback': { method: 'GET', handler: callback },
  '/auth/logout': { method: 'POST', handler: logout },
  '/auth/me': { method: 'GET', handler: me },
  '/auth/health': { method: 'GET', handler: 'health' },
  '/auth/signed-out': { method: 'GET', handler: signedOut },
  '/auth/jwks': { method: 'GET', handler: jwks },
});

/** What the router needs besides the request. */
export interface RouterDeps {
  readonly load: (env: object) => StateResult;
  readonly fetch: typeof fetch;
  readonly onError: OnError | undefined;
  readonly waitUntil: (promise: Promise<unknown>) => void;
}

/** Routes whose use is rate limited per client through `AUTH_RATE_LIMIT` when it is bound. */
const RATE_LIMITED_ROUTES = new Set(['/auth/login', '/auth/callback']);

/**
 * Routes one request: `/auth/*` to the gateway's handlers (wrong method -> 405, unknown path ->
 * 404), everything else through authentication to the runner. Every error becomes a Response in
 * `errorResponse`; nothing escapes as an exception.
 *
 * @param request - the incoming request
 * @param env - the Worker's bindings
 * @param deps - state loader, transport, error hook
 * @returns the response
 */
export async function route(request: Request, env: object, deps: RouterDeps): Promise<Response> {
  const cors = corsOrigins(env, deps);
  if (cors.length > 0) {
    const preflight = preflightResponse(request, cors);
    if (preflight !== null) return preflight;
  }
  const response = await dispatch(request, env, deps);
  return cors.length > 0 ? withCors(response, request, cors) : response;
}

/** `CORS_ORIGINS`, when the configuration loads (a broken one answers without CORS). */
function corsOrigins(env: object, deps: RouterDeps): readonly string[] {
  try {
    const result = deps.load(env);
    return result.ok ? result.state.config.corsOrigins : [];
  } catch {
    return [];
  }
}

async function dispatch(request: Request, env: object, deps: RouterDeps): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname;
  const own = path === '/auth' || path.startsWith('/auth/');
  const entry = own && Object.hasOwn(AUTH_ROUTES, path) ? AUTH_ROUTES[path] : undefined;
  try {
    if (own && entry === undefined) return noReferrer(notFoundResponse());
    if (entry !== undefined && request.method !== entry.method) {
      throw new InvalidRequestError('method_not_allowed', `Use ${entry.method} for ${path}.`, {
        status: 405,
      });
    }
    const result = deps.load(env);
    if (entry?.handler === 'health') return noReferrer(await health(result, url));
    if (!result.ok) throw result.problems[0] ?? new TypeError('configuration failed without a reason');
    const context: RouteContext = {
      request,
      url,
      state: result.state,
      fetch: deps.fetch,
      onError: deps.onError,
      waitUntil: deps.waitUntil,
      auth: { waitUntil: deps.waitUntil },
      client: clientAddress(request),
    };
    if (RATE_LIMITED_ROUTES.has(path)) await assertWithinRateLimit(context, path.slice('/auth/'.length));
    if (entry === undefined) return withServerTiming(await forward(context), context);
    return noReferrer(withServerTiming(await entry.handler(context), context));
  } catch (error) {
    const response = await errorResponse(error, { request, onError: deps.onError, allow: entry?.method });
    return own ? noReferrer(response) : response;
  }
}

/** Adds `Server-Timing` (which tier authenticated, Cloud's time) when `SERVER_TIMING` is on. */
function withServerTiming(response: Response, context: RouteContext): Response {
  if (!context.state.config.resilience.serverTiming || response.status < 200) return response;
  const value = serverTiming(context.auth.timing);
  if (value === undefined) return response;
  const copy = new Response(response.body, response);
  copy.headers.append('Server-Timing', value);
  return copy;
}

/** `/auth/*` answers carry codes and states in their URLs: never leak them in a `Referer`. */
function noReferrer(response: Response): Response {
  response.headers.set('Referrer-Policy', 'no-referrer');
  return response;
}
