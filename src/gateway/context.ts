import type { AuthRequestContext } from '../http/request-context.js';
import type { OnError } from './error-response.js';
import type { GatewayState } from './state.js';

/** Everything a route handler gets: the request, its parsed URL, the isolate's state, the hooks. */
export interface RouteContext {
  readonly request: Request;
  readonly url: URL;
  readonly state: GatewayState;
  /** Transport for `UPSTREAM_URL`; default `globalThis.fetch`. */
  readonly fetch: typeof fetch;
  readonly onError: OnError | undefined;
  /** Runs work after the answer (`ctx.waitUntil`). */
  readonly waitUntil: (promise: Promise<unknown>) => void;
  /** Handed to providers with the request; they fill in `timing` (for `Server-Timing`). */
  readonly auth: AuthRequestContext;
  /** The client's address (`CF-Connecting-IP`), or `unknown`: for rate limits and failure counts only. */
  readonly client: string;
}

/** A route handler; it may throw, the router maps the error to a Response. */
export type RouteHandler = (context: RouteContext) => Promise<Response>;
