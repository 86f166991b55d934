/**
 * `CloudApi`: what the rest of the package may ask of Mastra Cloud, whichever wire profile the
 * deployment speaks (CONTRACT 1 "v1", 1b "released"). Everything above the client (cache,
 * cookies, sessions, composite, gateway) depends on this interface only; the differences between
 * profiles live in `profiles/` and surface here only as {@link CloudCapabilities}.
 *
 * @see CONTRACT.md sections 1 and 1b
 * @module
 */
import { ConfigError } from '../errors/index.js';
import type { CircuitBreaker } from './breaker.js';
import type {
  CloudExchangeParams,
  CloudExchangeResult,
  CloudLoginUrlParams,
  CloudSession,
  CloudUser,
  CloudVerifyResult,
} from './types.js';

/** The Cloud wire profiles: `v1` (seed 001, `/api/v1` + `{ok,data}` envelope) and `released` (`@mastra/auth-cloud` 1.1.x). */
export type CloudWire = 'v1' | 'released';

/** Every wire profile, the default first. */
export const CLOUD_WIRES: readonly CloudWire[] = ['v1', 'released'];

/** The profile used when none is chosen. */
export const DEFAULT_CLOUD_WIRE: CloudWire = 'v1';

/** What a wire profile can do, for callers that must plan around it (never which profile it is). */
export interface CloudCapabilities {
  /**
   * Cloud answers `getUser` and `getUserPermissions`. When false those calls throw
   * `CloudApiError` 501 `not_implemented`: permissions come from the user's role instead.
   */
  readonly hasUsersEndpoint: boolean;
  /**
   * The code exchange itself names the user and a Cloud session. When false the client verifies
   * the new token once to learn the user (one extra, retry-safe call at sign-in) and the session
   * is the token's own lifetime; `exchangeCode` answers the same shape either way.
   */
  readonly callbackReturnsSession: boolean;
}

/**
 * The Mastra Cloud API as the package uses it. Shared by all users: it stores no token; every
 * call that acts for a user takes the token and sends it only as `Authorization: Bearer`.
 * Failures are `CloudApiError`s, family `rejected` (Cloud said no) or `unavailable` (Cloud could
 * not be asked or answered something unusable).
 */
export interface CloudApi {
  /** The profile spoken on the wire (for diagnostics such as `/auth/health`; never branch on it). */
  readonly wire: CloudWire;
  readonly capabilities: CloudCapabilities;
  /** Sent as `X-Project-ID` and `project_id`. */
  readonly projectId: string;
  /** Normalized Cloud base URL, without a trailing `/`. */
  readonly baseUrl: string;
  /** The circuit breaker guarding the calls, when there is one (health checks, refresh decisions). */
  readonly breaker?: CircuitBreaker | undefined;
  /** The browser login URL (PKCE S256). Pure. @throws TypeError naming a bad parameter */
  getLoginUrl(params: CloudLoginUrlParams): string;
  /**
   * The browser logout URL returning to `redirectUri`. `idTokenHint` is the signed-in user's
   * token; profiles whose logout takes `id_token_hint` put it in the URL, others ignore it. Pure.
   *
   * @throws TypeError when `redirectUri` is not an absolute http(s) URL
   */
  getLogoutUrl(redirectUri: string, idTokenHint?: string): string;
  /** Redeems an authorization code (never retried: codes are single-use). */
  exchangeCode(params: CloudExchangeParams): Promise<CloudExchangeResult>;
  /** Verifies a token (retried on outage). */
  verifyToken(token: string): Promise<CloudVerifyResult>;
  /** Validates the session a token belongs to (retried on outage). */
  validateSession(sessionToken: string): Promise<CloudSession>;
  /** Ends a session at Cloud (never retried). `sessionId` is the `CloudSession.id`. */
  destroySession(sessionToken: string, sessionId: string): Promise<void>;
  /** Looks a user up with the asking user's token; `null` when Cloud does not know them. */
  getUser(userId: string, token: string): Promise<CloudUser | null>;
  /** A user's permissions, asked with that user's token. */
  getUserPermissions(userId: string, token: string): Promise<string[]>;
}

/**
 * True for an object with every {@link CloudApi} method and a known `wire` (structural: a
 * client built by another copy of this package, or a test double, qualifies).
 */
export function isCloudApi(value: unknown): value is CloudApi {
  if (typeof value !== 'object' || value === null) return false;
  const methods = [
    'getLoginUrl',
    'getLogoutUrl',
    'exchangeCode',
    'verifyToken',
    'validateSession',
    'destroySession',
    'getUser',
    'getUserPermissions',
  ];
  if (!methods.every((name) => typeof Reflect.get(value, name) === 'function')) return false;
  const capabilities: unknown = Reflect.get(value, 'capabilities');
  return (
    isCloudWire(Reflect.get(value, 'wire')) &&
    typeof capabilities === 'object' &&
    capabilities !== null &&
    typeof Reflect.get(capabilities, 'hasUsersEndpoint') === 'boolean' &&
    typeof Reflect.get(capabilities, 'callbackReturnsSession') === 'boolean'
  );
}

/** True for `'v1'` or `'released'`. */
export function isCloudWire(value: unknown): value is CloudWire {
  return value === 'v1' || value === 'released';
}

/**
 * Checks a `wire` option.
 *
 * @param value - the option (undefined -> the default, `v1`)
 * @param name - the option's name, for the error
 * @throws TypeError naming the option when the value is not a known profile
 */
export function checkWireOption(value: unknown, name = 'wire'): CloudWire {
  if (value === undefined) return DEFAULT_CLOUD_WIRE;
  if (!isCloudWire(value)) throw new TypeError(`${name} must be one of ${quoted()}`);
  return value;
}

/**
 * Reads `MASTRA_CLOUD_WIRE` from an env/bindings object: unset or empty -> `v1`.
 *
 * @throws ConfigError naming `MASTRA_CLOUD_WIRE` for any other value than `v1` / `released`
 */
export function readWireSetting(env: object): CloudWire {
  const value: unknown = Reflect.get(env, 'MASTRA_CLOUD_WIRE');
  if (value === undefined || value === null) return DEFAULT_CLOUD_WIRE;
  const trimmed = typeof value === 'string' ? value.trim() : value;
  if (trimmed === '') return DEFAULT_CLOUD_WIRE;
  if (!isCloudWire(trimmed)) {
    throw new ConfigError('MASTRA_CLOUD_WIRE', `MASTRA_CLOUD_WIRE must be one of ${quoted()}`);
  }
  return trimmed;
}

function quoted(): string {
  return CLOUD_WIRES.map((wire) => `'${wire}'`).join(', ');
}
