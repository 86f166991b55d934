import type { CloudWire } from '../cloud-fetch/index.js';
import { type CompositeAuth, createCloudAuth } from '../composite/index.js';
import { ConfigError, type ErrorHandler, type ErrorReport } from '../errors/index.js';
import type { AuthStores } from '../kv-session/index.js';
import { LruMap } from '../kv-session/internal.js';
import type { IMastraAuthProvider } from '../mastra/index.js';
import { cookieName, DEV_COOKIE_NAMES, SECURE_COOKIE_NAMES } from '../policy/cookie-names.js';
import { MastraCloudAuthProvider, type ProviderCacheOptions, type RoleMapping } from '../provider/index.js';
import { type GatewayConfig, parseConfig } from './config.js';
import { describeProviderError } from './error-response.js';
import { IdentitySigner } from './identity-signer.js';
import { deriveLogKey, FailureCounters } from './observability.js';
import type { RoutePermissionRule } from './route-permissions.js';

/** What the gateway builds once per isolate from its bindings. */
export interface GatewayState {
  readonly config: GatewayConfig;
  /** Service tokens, then Cloud user auth (when configured), then the app's own auth. */
  readonly auth: CompositeAuth;
  /** The Cloud provider inside `auth`, for the login routes; absent when Cloud auth is off. */
  readonly cloud: MastraCloudAuthProvider | undefined;
  /** The session cookie's name in the configured cookie mode. */
  readonly sessionCookie: string;
  /** Every name the gateway's cookies can have (both modes): never forwarded to the runner. */
  readonly ownCookies: readonly string[];
  /** `ROUTE_PERMISSIONS` plus the `routePermissions` option: what each route needs. */
  readonly routePermissions: readonly RoutePermissionRule[];
  /** Per-isolate observability: the log-id key (from `SESSION_SECRET`) and failure counters. */
  readonly observability: Observability;
  /** Signs `X-Mastra-Identity`; absent without `IDENTITY_SIGNING_KEY`. */
  readonly signer: IdentitySigner | undefined;
}

/** What the gateway keeps per isolate to make failures visible. */
export interface Observability {
  /** HMAC key for token and client ids in logs, derived once from `SESSION_SECRET`. */
  readonly logKey: () => Promise<CryptoKey>;
  readonly failures: FailureCounters;
  /** Client id -> until when failed authentications are refused at once (rate limit hit). */
  readonly blocked: LruMap<string, number>;
  /** The last deep health answer, reused for a few seconds (a public route must not amplify traffic). */
  deepHealth?: { readonly at: number; readonly body: Record<string, unknown> };
}

/** A usable state, or the configuration problems that prevent one (each names its setting). */
export type StateResult =
  | { readonly ok: true; readonly state: GatewayState }
  | { readonly ok: false; readonly problems: readonly ConfigError[] };

/** What the deployer can plug in; every field is optional. */
export interface StateOptions {
  /** Transport for Cloud calls (and `UPSTREAM_URL`); default `globalThis.fetch`. */
  readonly fetch?: typeof fetch | undefined;
  /** The app's own auth, asked after service tokens and Cloud. */
  readonly userAuth?: IMastraAuthProvider | undefined;
  /** Failures absorbed on the way (composite, Cloud provider, storage); default `console.warn`. */
  readonly onError?: ErrorHandler | undefined;
  /** Verify-cache tuning, or `'off'` (see `GatewayOptions.cloudCache`). */
  readonly cloudCache?: ProviderCacheOptions | 'off' | undefined;
  /** The Cloud wire profile; default `MASTRA_CLOUD_WIRE` (see `GatewayOptions.wire`). */
  readonly wire?: CloudWire | undefined;
  /** Replaces the default Cloud role mapping (see `GatewayOptions.roleMapping`). */
  readonly roleMapping?: RoleMapping | undefined;
  /** Rules from the `routePermissions` option, added to `ROUTE_PERMISSIONS`. */
  readonly routePermissions?: readonly RoutePermissionRule[] | undefined;
  /** Stores overriding the bindings' (see `GatewayOptions.stores`). */
  readonly stores?: AuthStores | undefined;
}

const OWN_COOKIES: readonly string[] = [
  ...Object.values(SECURE_COOKIE_NAMES),
  ...Object.values(DEV_COOKIE_NAMES),
];

/**
 * A per-isolate cache of gateway states keyed by the env object (workerd hands every request of
 * an isolate the same one), so config is parsed and keys are derived once, not per request.
 *
 * @param options - transport, app auth and error hooks, fixed for the cache's life
 * @returns `load(env)`: the state for these bindings
 */
export function stateCache(options: StateOptions): (env: object) => StateResult {
  const cache = new WeakMap<object, StateResult>();
  return (env) => {
    let result = cache.get(env);
    if (result === undefined) {
      result = buildState(env, options);
      cache.set(env, result);
    }
    return result;
  };
}

/**
 * Builds the gateway state: validated config, the Cloud provider and the composite.
 *
 * @param env - the Worker's bindings
 * @param options - see {@link StateOptions}
 * @returns the state, or the configuration problems
 * @throws TypeError for a bad option (a programming mistake, not a deployment one)
 */
export function buildState(env: object, options: StateOptions): StateResult {
  const loaded = parseConfig(env);
  if (!loaded.ok) return loaded;
  const parsed = loaded.config;
  // An explicit `wire` option overrides MASTRA_CLOUD_WIRE (and shows in /auth/health).
  const config: GatewayConfig =
    options.wire !== undefined && parsed.cloud !== undefined
      ? { ...parsed, cloud: { ...parsed.cloud, wire: options.wire } }
      : parsed;
  let cloud: MastraCloudAuthProvider | undefined;
  let auth: CompositeAuth;
  try {
    auth = createCloudAuth(env, {
      cloudProviderFactory: (settings) => {
        cloud = new MastraCloudAuthProvider({
          projectId: settings.projectId,
          cloudBaseUrl: settings.cloudBaseUrl,
          wire: config.cloud?.wire ?? settings.wire,
          ...(config.cloud?.callbackUrl !== undefined && { callbackUrl: config.cloud.callbackUrl }),
          sessionSecret: config.sessionSecret,
          ...cacheSettings(config, options.cloudCache, options.stores),
          cloudDeadlineMs: config.resilience.cloudDeadlineMs,
          unknownTokenBudget: config.resilience.unknownTokenBudget ?? false,
          cookies: { secure: config.cookieSecure },
          ...(options.fetch !== undefined && { fetch: options.fetch }),
          onError: options.onError ?? logAbsorbed,
        });
        return cloud;
      },
      onError: options.onError ?? logAbsorbed,
      // The gateway's logout calls the session methods whatever the providers.
      hideMissing: false,
      ...(options.userAuth !== undefined && { userAuth: options.userAuth }),
      ...(options.roleMapping !== undefined && { roleMapping: options.roleMapping }),
    });
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, problems: [error] };
    throw error;
  }
  return {
    ok: true,
    state: {
      config,
      auth,
      cloud,
      sessionCookie: cookieName('session', config.cookieSecure),
      ownCookies: OWN_COOKIES,
      routePermissions: [...config.routePermissions, ...(options.routePermissions ?? [])],
      observability: createObservability(config.sessionSecret),
      signer: config.identity === undefined ? undefined : new IdentitySigner(config.identity),
    },
  };
}

const BLOCKED_CLIENTS_MAX = 10_000;

function createObservability(sessionSecret: string): Observability {
  let key: Promise<CryptoKey> | undefined;
  return {
    logKey: () => {
      key ??= deriveLogKey(sessionSecret);
      return key;
    },
    failures: new FailureCounters(),
    blocked: new LruMap(BLOCKED_CLIENTS_MAX),
  };
}

/**
 * The provider's `kv`, `stores` and `cache` options for a cache setting. With `AUTH_DO`, the
 * object holds revocation marks, sessions and used login states (strong) and KV keeps the verify
 * cache; the object's revocation feed is polled every `AUTH_DO_SYNC_MS`.
 */
function cacheSettings(
  config: GatewayConfig,
  cloudCache: ProviderCacheOptions | 'off' | undefined,
  given: AuthStores | undefined,
): { kv?: GatewayConfig['kv']; stores?: AuthStores; cache?: ProviderCacheOptions } {
  const durable = config.durableObject;
  const fromDurable: AuthStores | undefined = durable && {
    sessions: durable.stores.store,
    revocations: durable.stores.store,
    usedStates: durable.stores.store,
    revocationFeed: durable.stores.feed,
    feedPollMs: durable.syncMs,
  };
  const stores = fromDurable || given ? { ...fromDurable, ...given } : undefined;
  if (cloudCache === 'off') {
    return { cache: { l1TtlMs: 0, negativeTtlMs: 0 }, ...(stores && { stores }) };
  }
  return {
    ...(config.kv !== undefined && { kv: config.kv }),
    ...(stores && { stores }),
    cache: { graceMs: config.resilience.graceSeconds * 1000, ...cloudCache },
  };
}

/** The default for absorbed failures: one JSON line, no tokens (a foreign provider's message is left out). */
function logAbsorbed(report: ErrorReport, error: unknown): void {
  const reason = report.source === 'composite' ? describeProviderError(error) : report.reason;
  console.warn(JSON.stringify({ gateway: 'absorbed_error', ...report, reason }));
}
