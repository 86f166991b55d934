import { InvalidRequestError } from '../errors/index.js';
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
}

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
    if (entry?.handler === 'health') return noReferrer(health(result));
    if (!result.ok) throw result.problems[0] ?? new TypeError('configuration failed without a reason');
    const context: RouteContext = {
      request,
      url,
      state: result.state,
      fetch: deps.fetch,
      onError: deps.onError,
    };
    if (entry === undefined) return await forward(context);
    return noReferrer(await entry.handler(context));
  } catch (error) {
    const response = await errorResponse(error, { request, onError: deps.onError, allow: entry?.method });
    return own ? noReferrer(response) : response;
  }
}

/** `/auth/*` answers carry codes and states in their URLs: never leak them in a `Referer`. */
function noReferrer(response: Response): Response {
  response.headers.set('Referrer-Policy', 'no-referrer');
  return response;
}
