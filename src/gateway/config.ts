import { type CloudWire, readWireSetting } from '../cloud-fetch/index.js';
import { ConfigError } from '../errors/index.js';
import {
  asKVStore,
  type DurableObjectStores,
  durableObjectStores,
  type KVStore,
} from '../kv-session/index.js';
import { checkHttpUrlSetting, readCloudEnv, readSetting } from '../policy/env.js';
import { assertSessionSecret } from '../policy/session-secret.js';
import { type PublicPathRule, parsePublicPaths } from './public-paths.js';
import { parseResilience, type ResilienceConfig } from './resilience.js';
import { parseRoutePermissions, type RoutePermissionRule } from './route-permissions.js';
import { parseRunnerLimits, type RunnerLimits } from './runner-limits.js';
import {
  type IdentitySettings,
  parseCorsOrigins,
  parseIdentitySettings,
  parsePublicOrigin,
} from './trust-config.js';

/** A service binding (or anything with a `fetch` of the same shape). */
export interface UpstreamFetcher {
  fetch(request: Request, init?: RequestInit): Promise<Response>;
}

/** Where proxied requests go: an origin (`UPSTREAM_URL`) or a service binding (`UPSTREAM`). */
export type Upstream =
  | { readonly kind: 'url'; readonly origin: string }
  | { readonly kind: 'binding'; readonly fetcher: UpstreamFetcher };

/** Cloud user auth settings; absent when `MASTRA_CLOUD_API_URL` is unset. */
export interface CloudSettings {
  readonly projectId: string;
  readonly baseUrl: string;
  readonly callbackUrl: string | undefined;
  /** `MASTRA_CLOUD_WIRE`: the wire profile Cloud speaks (default `v1`). */
  readonly wire: CloudWire;
}

/** The gateway's validated configuration, parsed once per isolate from the bindings. */
export interface GatewayConfig {
  readonly cloud: CloudSettings | undefined;
  readonly upstream: Upstream;
  readonly sessionSecret: string;
  readonly publicPaths: readonly PublicPathRule[];
  /** `ROUTE_PERMISSIONS`: per-route permissions the gateway enforces (403 when missing). */
  readonly routePermissions: readonly RoutePermissionRule[];
  /** `false` only for local http development: drops `Secure` and the `__Host-` prefix. */
  readonly cookieSecure: boolean;
  /** `AUTH_KV`, adapted (the adapter is shared per binding). */
  readonly kv: KVStore | undefined;
  /**
   * `AUTH_DO` (optional): revocation marks, sessions and used login states in a Durable Object,
   * with its revocation feed polled every `AUTH_DO_SYNC_MS` (default 0: on every request).
   */
  readonly durableObject?: { readonly stores: DurableObjectStores; readonly syncMs: number } | undefined;
  /** `PUBLIC_ORIGIN` (or the callback URL's origin); undefined only in local development or when unused. */
  readonly publicOrigin: string | undefined;
  /** `IDENTITY_SIGNING_KEY` / `IDENTITY_AUDIENCE`: how `X-Mastra-Identity` is signed; undefined: not sent. */
  readonly identity: IdentitySettings | undefined;
  /** `FORWARD_CREDENTIALS=true`: `Authorization` and `X-Playground-Access` reach the runner. */
  readonly forwardCredentials: boolean;
  /** `CORS_ORIGINS`: exact origins allowed to call with credentials. */
  readonly corsOrigins: readonly string[];
  /** Deadlines, stale-if-error, budgets, rate limiting, Server-Timing (see `resilience.ts`). */
  readonly resilience: ResilienceConfig;
  /** Runner timeouts and the request body limit (`RUNNER_TIMEOUT_MS`, ...). */
  readonly runner: RunnerLimits;
}

/** Either a usable configuration or every problem found (each names its setting, never a value). */
export type ConfigResult =
  | { readonly ok: true; readonly config: GatewayConfig }
  | { readonly ok: false; readonly problems: readonly ConfigError[] };

/**
 * Parses and validates the gateway's bindings. Problems are collected, not thrown, so health can
 * list them all. The caller caches the result per env object (see `stateCache`).
 *
 * @param env - the Worker's bindings (vars, secrets, KV and service bindings)
 * @returns the configuration, or the list of problems
 * @example
 * const result = parseConfig(env);
 * if (!result.ok) console.error(result.problems.map((p) => p.setting));
 */
export function parseConfig(env: object): ConfigResult {
  const problems: ConfigError[] = [];
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // SESSION_SECRET is read by two checks; one problem per setting is enough.
      if (!problems.some((problem) => problem.setting === error.setting)) problems.push(error);
      return undefined;
    }
  };
  const cloud = attempt(() => parseCloud(env));
  const upstream = attempt(() => parseUpstream(env));
  const sessionSecret = attempt(() => assertSessionSecret(read(env, 'SESSION_SECRET')));
  const publicPaths = attempt(() => parsePublicPaths(read(env, 'PUBLIC_PATHS')));
  const routePermissions = attempt(() => parseRoutePermissions(read(env, 'ROUTE_PERMISSIONS')));
  const cookieSecure = attempt(() =>
    parseBoolean('AUTH_COOKIE_SECURE', read(env, 'AUTH_COOKIE_SECURE'), true),
  );
  const kv = attempt(() => parseKv(read(env, 'AUTH_KV'), cloud !== undefined));
  const runner = attempt(() => parseRunnerLimits(env));
  const identity = attempt(() =>
    parseIdentitySettings(
      readSetting(env, 'IDENTITY_SIGNING_KEY'),
      readSetting(env, 'IDENTITY_AUDIENCE'),
      upstream?.kind === 'url' ? upstream.origin : undefined,
      sessionSecret,
    ),
  );
  const publicOrigin = attempt(() =>
    parsePublicOrigin(
      readSetting(env, 'PUBLIC_ORIGIN'),
      cloud?.callbackUrl,
      cloud !== undefined || identity !== undefined,
      cookieSecure === false,
    ),
  );
  const forwardCredentials = attempt(() =>
    parseBoolean('FORWARD_CREDENTIALS', read(env, 'FORWARD_CREDENTIALS'), false),
  );
  const corsOrigins = attempt(() => parseCorsOrigins(readSetting(env, 'CORS_ORIGINS')));
  const durableObject = attempt(() => parseDurableObject(env));
  const resilience = attempt(() => parseResilience(env));
  if (
    problems.length > 0 ||
    upstream === undefined ||
    sessionSecret === undefined ||
    publicPaths === undefined ||
    routePermissions === undefined ||
    cookieSecure === undefined ||
    forwardCredentials === undefined ||
    corsOrigins === undefined ||
    resilience === undefined ||
    runner === undefined
  ) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    config: {
      cloud,
      upstream,
      sessionSecret,
      publicPaths,
      routePermissions,
      cookieSecure,
      kv,
      publicOrigin,
      identity,
      forwardCredentials,
      corsOrigins,
      durableObject,
      resilience,
      runner,
    },
  };
}

function read(env: object, name: string): unknown {
  return Reflect.get(env, name);
}

function parseCloud(env: object): CloudSettings | undefined {
  const cloud = readCloudEnv(env).cloud;
  if (cloud === undefined) return undefined;
  return {
    projectId: cloud.projectId,
    baseUrl: cloud.cloudBaseUrl,
    callbackUrl: cloud.callbackUrl,
    wire: readWireSetting(env),
  };
}

function parseUpstream(env: object): Upstream {
  const binding = read(env, 'UPSTREAM');
  if (binding !== undefined && binding !== null) {
    if (isUpstreamFetcher(binding)) return { kind: 'binding', fetcher: binding };
    throw new ConfigError('UPSTREAM', 'UPSTREAM must be a service binding');
  }
  const raw = readSetting(env, 'UPSTREAM_URL');
  if (raw === undefined) {
    throw new ConfigError('UPSTREAM_URL', 'UPSTREAM_URL (or a service binding UPSTREAM) is required');
  }
  return { kind: 'url', origin: checkHttpUrlSetting('UPSTREAM_URL', raw, { originOnly: true }) };
}

function parseBoolean(setting: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const normalized = value.trim().toLowerCase();
    if (normalized === '') return fallback;
    if (normalized === 'true') return true;
    if (normalized === 'false') return false;
  }
  throw new ConfigError(setting, `${setting} must be "true" or "false"`);
}

function parseKv(value: unknown, required: boolean): KVStore | undefined {
  if (value === undefined || value === null) {
    if (required) {
      throw new ConfigError('AUTH_KV', 'AUTH_KV (a KV namespace binding) is required for Cloud user auth');
    }
    return undefined;
  }
  try {
    return asKVStore(value);
  } catch {
    throw new ConfigError('AUTH_KV', 'AUTH_KV must be a KV namespace binding');
  }
}

function parseDurableObject(env: object): GatewayConfig['durableObject'] {
  const binding = read(env, 'AUTH_DO');
  if (binding === undefined || binding === null) return undefined;
  let stores: DurableObjectStores;
  try {
    stores = durableObjectStores(binding);
  } catch {
    throw new ConfigError(
      'AUTH_DO',
      'AUTH_DO must be a Durable Object namespace binding (class AuthStoreObject)',
    );
  }
  const raw = readSetting(env, 'AUTH_DO_SYNC_MS');
  const syncMs = raw === undefined ? 0 : Number(raw);
  if (!/^\d+$/.test(raw ?? '0') || !Number.isSafeInteger(syncMs) || syncMs > 60_000) {
    throw new ConfigError(
      'AUTH_DO_SYNC_MS',
      'AUTH_DO_SYNC_MS must be an integer from 0 to 60000 (milliseconds)',
    );
  }
  return { stores, syncMs };
}

function isUpstreamFetcher(value: unknown): value is UpstreamFetcher {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'fetch') === 'function';
}
