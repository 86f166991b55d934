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
}

/** A route handler; it may throw, the router maps the error to a Response. */
export type RouteHandler = (context: RouteContext) => Promise<Response>;
