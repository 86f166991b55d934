import { ConfigError } from '../errors/index.js';

/** Workers Rate Limiting binding (`[[ratelimits]]` in wrangler.toml): `limit({ key })`. */
export interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/** How the gateway behaves when Cloud is slow, down or under attack. */
export interface ResilienceConfig {
  /** `CLOUD_DEADLINE_MS`: one budget for all Cloud work of a request, across attempts. Default 3000. */
  readonly cloudDeadlineMs: number;
  /** `AUTH_GRACE_SECONDS`: stale-if-error grace for tokens verified before an outage. Default 300; 0 off. */
  readonly graceSeconds: number;
  /** `SERVER_TIMING`: add `Server-Timing: auth;desc=l1|kv|cloud, cloud;dur=` to answers. Default false. */
  readonly serverTiming: boolean;
  /**
   * `AUTH_UNKNOWN_TOKEN_RATE` / `AUTH_UNKNOWN_TOKEN_BURST`: per-isolate budget of Cloud verifies
   * for tokens never seen before (over it: 429). Defaults 10/s and 50; a rate of 0 turns it off.
   */
  readonly unknownTokenBudget: { readonly ratePerSecond: number; readonly burst: number } | undefined;
  /** `AUTH_RATE_LIMIT`: the Workers Rate Limiting binding, keyed by client IP. */
  readonly rateLimit: RateLimitBinding | undefined;
}

export const DEFAULT_CLOUD_DEADLINE_MS = 3_000;
export const DEFAULT_GRACE_SECONDS = 300;
export const DEFAULT_UNKNOWN_TOKEN_RATE = 10;
export const DEFAULT_UNKNOWN_TOKEN_BURST = 50;

/**
 * Reads the resilience settings from the bindings.
 *
 * @throws ConfigError naming the first bad setting
 */
export function parseResilience(env: object): ResilienceConfig {
  const rate = intSetting(env, 'AUTH_UNKNOWN_TOKEN_RATE', DEFAULT_UNKNOWN_TOKEN_RATE, 0, 100_000);
  const burst = intSetting(env, 'AUTH_UNKNOWN_TOKEN_BURST', DEFAULT_UNKNOWN_TOKEN_BURST, 1, 1_000_000);
  return {
    cloudDeadlineMs: intSetting(env, 'CLOUD_DEADLINE_MS', DEFAULT_CLOUD_DEADLINE_MS, 100, 60_000),
    graceSeconds: intSetting(env, 'AUTH_GRACE_SECONDS', DEFAULT_GRACE_SECONDS, 0, 3_600),
    serverTiming: boolSetting(env, 'SERVER_TIMING', false),
    unknownTokenBudget: rate === 0 ? undefined : { ratePerSecond: rate, burst },
    rateLimit: rateLimitBinding(Reflect.get(env, 'AUTH_RATE_LIMIT')),
  };
}

function raw(env: object, name: string): string | undefined {
  const value: unknown = Reflect.get(env, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw new ConfigError(name, `${name} must be a string`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function intSetting(env: object, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(name, `${name} must be a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

function boolSetting(env: object, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(name, `${name} must be "true" or "false"`);
}

function rateLimitBinding(value: unknown): RateLimitBinding | undefined {
  if (value === undefined || value === null) return undefined;
  const limit: unknown = typeof value === 'object' ? Reflect.get(value, 'limit') : undefined;
  if (typeof limit !== 'function') {
    throw new ConfigError('AUTH_RATE_LIMIT', 'AUTH_RATE_LIMIT must be a Workers Rate Limiting binding');
  }
  return {
    limit: async (options) => {
      const answer: unknown = await Reflect.apply(limit, value, [options]);
      // Anything but a clear "success: false" lets the request through: the binding is a guard
      // against abuse, not the authority on credentials.
      return {
        success: !(typeof answer === 'object' && answer !== null && Reflect.get(answer, 'success') === false),
      };
    },
  };
}
