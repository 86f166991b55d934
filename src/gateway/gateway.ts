import type { CloudWire } from '../cloud-fetch/index.js';
import type { ErrorHandler } from '../errors/index.js';
import type { AuthStores } from '../kv-session/index.js';
import type { IMastraAuthProvider } from '../mastra/index.js';
import type { ProviderCacheOptions, RoleMapping } from '../provider/index.js';
import {
  checkRoutePermissions,
  parseRoutePermissions,
  type RoutePermissionInput,
} from './route-permissions.js';
import { route } from './routes.js';
import { stateCache } from './state.js';

/** Options of {@link createGateway}; the Worker entry (`worker.ts`) uses none. */
export interface GatewayOptions {
  /**
   * Transport for Cloud calls and for `UPSTREAM_URL` (a service binding `UPSTREAM` uses its own).
   * Default `globalThis.fetch`. Tests route it to an in-memory Cloud emulator.
   */
  fetch?: typeof fetch;
  /** The app's own auth, asked after service tokens and Cloud user auth. */
  userAuth?: IMastraAuthProvider;
  /**
   * One hook for every `ErrorReport`: each error answered (`source: 'gateway'`, with the status,
   * method, path and a hashed token id; public bodies stay vague) and each failure absorbed on
   * the way (`composite`: a provider threw while another answered; `provider`: a logout Cloud did
   * not hear about; `storage`: a KV call failed). Default: answered 5xx to `console.error`,
   * absorbed failures to `console.warn`, as one JSON line each (no tokens).
   */
  onError?: ErrorHandler;
  /**
   * Verify-cache tuning for the Cloud provider (TTLs, L1 size). `'off'` asks Cloud on every
   * request, with no L1, no KV tier and no negative caching, as the published
   * `@mastra/auth-cloud` does: for benchmark baselines only, it turns a Cloud slowdown into a
   * slowdown of every request. Default: the provider's defaults (60 s positive TTL).
   */
  cloudCache?: ProviderCacheOptions | 'off';
  /** The Cloud wire profile (`'v1'` or `'released'`); overrides `MASTRA_CLOUD_WIRE` (default `v1`). */
  wire?: CloudWire;
  /**
   * Per-route permissions, added to the `ROUTE_PERMISSIONS` variable: its syntax as a string
   * (`'POST /api/agents/*=agents:execute'`), or rules. A request that matches a rule needs one of
   * its permissions (every matching rule must be met), else 403 JSON; public paths with a rule
   * need a user too. Permissions come from the composite's RBAC (with Cloud on: the Cloud role
   * mapping, service tokens as `api`).
   */
  routePermissions?: string | readonly RoutePermissionInput[];
  /** Replaces the default Cloud role mapping (CONTRACT 4b) of the gateway's RBAC. */
  roleMapping?: RoleMapping;
  /**
   * Where the Cloud provider keeps shared state, for a gateway run outside Workers (e.g. in Node
   * with `redisStores` from `mastra-edge-auth/node`). Roles set here override `AUTH_KV` and `AUTH_DO`.
   */
  stores?: AuthStores;
}

/** The part of a Workers `ExecutionContext` the gateway uses. */
export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}

/** A Workers module handler. */
export interface Gateway {
  /**
   * @param ctx - the Worker's execution context: cache and session writes, and a logout's
   *   background retries, run in `ctx.waitUntil` after the answer. Without it (Node, tests) they
   *   still run, unawaited.
   */
  fetch(request: Request, env: object, ctx?: ExecutionContextLike): Promise<Response>;
}

/** `ctx.waitUntil`, bound; without a context, work is started and left to finish on its own. */
function waitUntilOf(ctx: ExecutionContextLike | undefined): (promise: Promise<unknown>) => void {
  if (ctx !== undefined && typeof ctx === 'object' && typeof ctx.waitUntil === 'function') {
    return (promise) => ctx.waitUntil(promise.catch(() => {}));
  }
  return (promise) => {
    promise.catch(() => {});
  };
}

/**
 * The Cloudflare Worker gateway (DESIGN.md "The gateway"): `/auth/login`, `/auth/callback`,
 * `/auth/logout`, `/auth/me`, `/auth/health`, and an authenticated proxy to the runner for every
 * other request. Configuration comes from the env bindings only, parsed once per isolate.
 *
 * @param options - see {@link GatewayOptions}
 * @returns the module handler: `export default createGateway()`
 * @throws ConfigError (setting `routePermissions`) for a malformed `routePermissions` option
 * @example
 * // worker.ts
 * import { createGateway } from './src/gateway/index.js';
 * export default createGateway();
 */
export function createGateway(options: GatewayOptions = {}): Gateway {
  const transport: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const rules = options.routePermissions;
  const routePermissions =
    typeof rules === 'string'
      ? parseRoutePermissions(rules, 'routePermissions')
      : checkRoutePermissions(rules ?? []);
  const load = stateCache({
    fetch: options.fetch,
    userAuth: options.userAuth,
    onError: options.onError,
    cloudCache: options.cloudCache,
    wire: options.wire,
    roleMapping: options.roleMapping,
    routePermissions,
    stores: options.stores,
  });
  return {
    fetch: (request, env, ctx) =>
      route(request, env, { load, fetch: transport, onError: options.onError, waitUntil: waitUntilOf(ctx) }),
  };
}
