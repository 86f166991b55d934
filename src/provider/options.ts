import {
  type CloudApi,
  type CloudWire,
  checkWireOption,
  isCloudApi,
  MastraCloudClient,
} from '../cloud-fetch/index.js';
import type { ErrorHandler } from '../errors/index.js';
import {
  type AuthStores,
  asKVStore,
  type Clock,
  type Coalesce,
  type KVDeadlines,
  type KVStore,
  type RevocationFeed,
  storesFromKv,
  systemClock,
  withKvDeadlines,
} from '../kv-session/index.js';
import type { PathRule } from '../mastra/interfaces.js';
import { assertSessionSecret } from '../policy/session-secret.js';

/** Verify-cache tuning (milliseconds). Defaults are kv-session's. */
export interface ProviderCacheOptions {
  /** Lifetime of a "token is good" answer, never past the token's own expiry. Default 60 000. */
  positiveTtlMs?: number;
  /** Lifetime of a "token is bad" answer; 0 turns it off. Default 10 000. */
  negativeTtlMs?: number;
  /** Per-isolate tier lifetime; 0 turns it off. Default 5 000. */
  l1TtlMs?: number;
  /** Per-isolate tier bound. Default 10 000. */
  l1MaxEntries?: number;
  /**
   * Stale-if-error: while Cloud is unavailable, a token verified before (not revoked, not past
   * its own expiry) keeps working this long past its cached answer's expiry. Default 0 (off).
   */
  graceMs?: number;
  /**
   * `'none'` (default, safe everywhere) or `'isolate'` (concurrent misses of one token share one
   * Cloud call: Node only; in workerd a promise from another request must not be awaited).
   */
  coalesce?: Coalesce;
}

/**
 * Options of `MastraCloudAuthProvider`. The names upstream's `@mastra/auth-cloud` uses
 * (`projectId`, `cloudBaseUrl`, `callbackUrl`) mean the same here; this package also needs
 * `sessionSecret` (sealed cookies), a `ConfigError` naming `SESSION_SECRET` when missing.
 */
export interface MastraCloudAuthProviderOptions {
  /** Sent as `X-Project-ID` and `project_id`. Required unless `client` is given. */
  projectId?: string;
  /** Cloud base URL (`MASTRA_CLOUD_API_URL`). Required unless `client` is given. */
  cloudBaseUrl?: string;
  /**
   * The wire profile Cloud speaks (`MASTRA_CLOUD_WIRE`): `'v1'` (default) or `'released'`
   * (`@mastra/auth-cloud` 1.1.x). With `client`, it must match `client.wire` when given.
   */
  wire?: CloudWire;
  /**
   * OAuth callback URL (`MASTRA_CLOUD_CALLBACK_URL`). When set, it is used for every login,
   * whatever callback URL a Mastra server derived from the request's (client-controlled) host
   * headers. When unset: the URL the server passes to `getLoginUrl`.
   */
  callbackUrl?: string;
  /** Key material for sealed cookies (`SESSION_SECRET`), at least 32 bytes. Required (a ConfigError names it). */
  sessionSecret?: string;
  /** `AUTH_KV` (a Workers KV binding or any {@link KVStore}): shared cache, revocation marks, session records. */
  kv?: KVStore;
  /**
   * Where each kind of state lives, when not all in `kv`: e.g. revocation marks, sessions and used
   * login states in a Durable Object or Redis (strong), the verify cache in KV. Roles left out
   * fall back to `kv`. See STORAGE.md "Stores and their guarantees".
   */
  stores?: AuthStores;
  cache?: ProviderCacheOptions;
  /** `secure: false` is dev mode for `http://localhost` only: no `Secure`, no `__Host-` prefix. Default true. */
  cookies?: { secure?: boolean };
  /**
   * A ready Cloud API (a `MastraCloudClient` of either profile, or any object implementing
   * `CloudApi`); takes precedence over `projectId`/`cloudBaseUrl`/`wire`/`fetch` for Cloud calls.
   */
  client?: CloudApi;
  /** Transport for the Cloud client this provider builds. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /**
   * Deadline of one Cloud call across its attempts, in ms (the client's `deadlineMs`). Default
   * 3000: a hung Cloud holds a request this long at most, then it is an outage (503).
   */
  cloudDeadlineMs?: number;
  /** Deadlines of KV reads and writes (a read past it is a miss; a revocation read, an outage). Defaults 1000 / 2000 ms. */
  kvDeadlines?: KVDeadlines;
  /**
   * Budget of Cloud verifies for tokens this isolate has never seen (token bucket): over it, 429
   * with `Retry-After`, no Cloud call. Tokens verified before and session cookies are never
   * throttled. Default: off (`createGateway` turns it on).
   */
  unknownTokenBudget?: { ratePerSecond: number; burst: number } | false;
  /** Sliding lifetime of the session cookie, in seconds; never past Cloud's session expiry. Default 86 400. */
  sessionMaxAgeSeconds?: number;
  /** Receives absorbed failures (KV errors, a logout Cloud could not hear about). */
  /**
   * Failures the provider absorbed, as `ErrorReport`s: `source: 'provider'` with `operation`
   * `destroySession` (logout could not tell Cloud or store the revocation mark; the session is
   * still revoked here and its cookie cleared) or `login` (a session record could not be stored
   * after sign-in; the sign-in still succeeded), and `source: 'storage'` for a KV call that
   * failed or held garbage (the request went on without it).
   */
  onError?: ErrorHandler;
  /** Time source (tests). Default the system clock. */
  clock?: Clock;
  /** Paths Mastra must protect (default `/api/*`); set them when the server uses another prefix. */
  protected?: PathRule[];
  /** Paths Mastra serves without auth. */
  public?: PathRule[];
}

/** Options after checks and defaults. */
export interface ResolvedProviderOptions {
  client: CloudApi;
  sessionSecret: string;
  callbackUrl: string | undefined;
  stores: AuthStores;
  cache: ProviderCacheOptions;
  secureCookies: boolean;
  sessionMaxAgeSeconds: number;
  onError: ErrorHandler | undefined;
  clock: Clock;
  unknownTokenBudget: { ratePerSecond: number; burst: number } | undefined;
}

export const DEFAULT_SESSION_MAX_AGE_SECONDS = 86_400;
/** Browsers cap cookie lifetimes at 400 days. */
const MAX_SESSION_MAX_AGE_SECONDS = 400 * 86_400;

/**
 * Checks the options and fills in defaults.
 *
 * @throws ConfigError (setting `SESSION_SECRET`) when `sessionSecret` is missing or shorter than 32 bytes
 * @throws TypeError naming the first other bad option
 */
export function resolveProviderOptions(options: MastraCloudAuthProviderOptions): ResolvedProviderOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const sessionSecret = assertSessionSecret(options.sessionSecret);
  const wire = checkWireOption(options.wire, 'wire');
  const client = options.client ?? buildClient(options, wire);
  if (!isCloudApi(client)) throw new TypeError('client must implement CloudApi (a MastraCloudClient)');
  if (options.wire !== undefined && client.wire !== wire) {
    throw new TypeError(`wire ('${wire}') does not match client.wire ('${client.wire}')`);
  }
  return {
    client,
    sessionSecret,
    callbackUrl: optionalCallbackUrl(options.callbackUrl),
    stores: resolveStores(options.kv, options.stores, options.kvDeadlines),
    cache: cacheOptions(options.cache),
    secureCookies: cookieSecurity(options.cookies),
    sessionMaxAgeSeconds: sessionMaxAge(options.sessionMaxAgeSeconds),
    onError: optionalFunction(options.onError, 'onError'),
    clock: optionalClock(options.clock) ?? systemClock,
    unknownTokenBudget: budgetOption(options.unknownTokenBudget),
  };
}

const STORE_ROLES = ['cache', 'sessions', 'revocations', 'usedStates'] as const;

function resolveStores(kv: unknown, stores: unknown, deadlines: KVDeadlines | undefined): AuthStores {
  // Every store gets deadlines: a stalled read is a miss (an outage for revocation marks), never a hang.
  const guard = (store: unknown): KVStore => withKvDeadlines(asKVStore(store), deadlines);
  const resolved: { -readonly [K in keyof AuthStores]: AuthStores[K] } =
    kv === undefined ? {} : { ...storesFromKv(guard(kv)) };
  if (stores === undefined) return resolved;
  if (typeof stores !== 'object' || stores === null) throw new TypeError('stores must be an object');
  for (const role of STORE_ROLES) {
    const store: unknown = Reflect.get(stores, role);
    if (store !== undefined) resolved[role] = guard(store);
  }
  const feed: unknown = Reflect.get(stores, 'revocationFeed');
  if (feed !== undefined) resolved.revocationFeed = revocationFeed(feed);
  const pollMs: unknown = Reflect.get(stores, 'feedPollMs');
  if (pollMs !== undefined) {
    if (typeof pollMs !== 'number' || !Number.isInteger(pollMs) || pollMs < 0) {
      throw new TypeError('stores.feedPollMs must be a non-negative integer');
    }
    resolved.feedPollMs = pollMs;
  }
  return resolved;
}

function revocationFeed(value: unknown): RevocationFeed {
  if (typeof value !== 'object' || value === null)
    throw new TypeError('stores.revocationFeed must be an object');
  const poll: unknown = Reflect.get(value, 'poll');
  const subscribe: unknown = Reflect.get(value, 'subscribe');
  if (typeof poll !== 'function' && typeof subscribe !== 'function') {
    throw new TypeError('stores.revocationFeed must have a poll or a subscribe method');
  }
  return value;
}

function buildClient(options: MastraCloudAuthProviderOptions, wire: CloudWire): MastraCloudClient {
  if (typeof options.projectId !== 'string' || options.projectId.length === 0) {
    throw new TypeError('projectId must be a non-empty string');
  }
  if (typeof options.cloudBaseUrl !== 'string' || options.cloudBaseUrl.length === 0) {
    throw new TypeError('cloudBaseUrl must be a non-empty string');
  }
  try {
    return new MastraCloudClient({
      projectId: options.projectId,
      baseUrl: options.cloudBaseUrl,
      wire,
      ...(options.fetch !== undefined && { fetch: options.fetch }),
      ...(options.cloudDeadlineMs !== undefined && { deadlineMs: options.cloudDeadlineMs }),
    });
  } catch (error) {
    // The client names its own option (`baseUrl`); ours is `cloudBaseUrl`.
    const message =
      error instanceof Error
        ? error.message.replace(/^baseUrl\b/, 'cloudBaseUrl').replace(/^deadlineMs\b/, 'cloudDeadlineMs')
        : String(error);
    throw new TypeError(message);
  }
}

function optionalCallbackUrl(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TypeError('callbackUrl must be a string');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError('callbackUrl must be an absolute http(s) URL');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash !== '') {
    throw new TypeError('callbackUrl must be an absolute http(s) URL without a fragment');
  }
  return value;
}

function cacheOptions(value: unknown): ProviderCacheOptions {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) throw new TypeError('cache must be an object');
  // Each number is range-checked by VerifyCache, which names it (`positiveTtlMs must be ...`).
  const picked: ProviderCacheOptions = {};
  for (const key of ['positiveTtlMs', 'negativeTtlMs', 'l1TtlMs', 'l1MaxEntries', 'graceMs'] as const) {
    const n: unknown = Reflect.get(value, key);
    if (n === undefined) continue;
    if (typeof n !== 'number') throw new TypeError(`cache.${key} must be a number`);
    picked[key] = n;
  }
  const coalesce: unknown = Reflect.get(value, 'coalesce');
  if (coalesce !== undefined) {
    if (coalesce !== 'none' && coalesce !== 'isolate')
      throw new TypeError("cache.coalesce must be 'none' or 'isolate'");
    picked.coalesce = coalesce;
  }
  return picked;
}

function budgetOption(value: unknown): { ratePerSecond: number; burst: number } | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new TypeError('unknownTokenBudget must be { ratePerSecond, burst } or false');
  }
  const ratePerSecond: unknown = Reflect.get(value, 'ratePerSecond');
  const burst: unknown = Reflect.get(value, 'burst');
  if (typeof ratePerSecond !== 'number' || !(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
    throw new TypeError('unknownTokenBudget.ratePerSecond must be a positive number');
  }
  if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 1) {
    throw new TypeError('unknownTokenBudget.burst must be a positive integer');
  }
  return { ratePerSecond, burst };
}

function sessionMaxAge(value: unknown): number {
  if (value === undefined) return DEFAULT_SESSION_MAX_AGE_SECONDS;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 60 ||
    value > MAX_SESSION_MAX_AGE_SECONDS
  ) {
    throw new TypeError(`sessionMaxAgeSeconds must be an integer from 60 to ${MAX_SESSION_MAX_AGE_SECONDS}`);
  }
  return value;
}

function cookieSecurity(value: { secure?: boolean } | undefined): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null) throw new TypeError('cookies must be an object');
  if (value.secure === undefined) return true;
  if (typeof value.secure !== 'boolean') throw new TypeError('cookies.secure must be a boolean');
  return value.secure;
}

function optionalFunction<F>(value: F | undefined, name: string): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new TypeError(`${name} must be a function`);
  return value;
}

function optionalClock(value: Clock | undefined): Clock | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || typeof value.now !== 'function') {
    throw new TypeError('clock must have a now() method');
  }
  return value;
}
