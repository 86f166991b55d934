/**
 * Checking and defaulting {@link CloudClientOptions}. A bad option is a `TypeError` naming it.
 *
 * @module
 */
import { CircuitBreaker } from './breaker.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './envelope.js';
import { defaultSleep } from './retry.js';
import type { CloudClientOptions } from './types.js';
import {
  DEFAULT_API_PREFIX,
  DEFAULT_AUTH_PATH,
  DEFAULT_BASE_URL,
  normalizeBaseUrl,
  normalizePath,
} from './urls.js';

export const DEFAULT_TIMEOUT_MS = 5000;
/** Default deadline of one call across its attempts: a hung Cloud holds a request this long at most. */
export const DEFAULT_DEADLINE_MS = 3000;
export const DEFAULT_RETRIES = 1;
export const DEFAULT_RETRY_BASE_DELAY_MS = 100;
// Upper bounds that catch unit mistakes (seconds for ms, bytes for KiB) without limiting real use.
const MAX_TIMEOUT_MS = 120_000;
const MAX_RETRIES = 10;
const MAX_RETRY_BASE_DELAY_MS = 60_000;
const MAX_RESPONSE_BYTES_LIMIT = 16 * 1024 * 1024;

/** Options after checking, with every default filled in. */
export interface ResolvedOptions {
  projectId: string;
  baseUrl: string;
  apiPrefix: string;
  authPath: string;
  fetch: typeof fetch;
  timeoutMs: number;
  deadlineMs: number;
  retries: number;
  retryBaseDelayMs: number;
  maxResponseBytes: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  breaker: CircuitBreaker | undefined;
}

/**
 * Checks `options` and fills in defaults.
 *
 * @throws {TypeError} naming the first bad option.
 */
export function resolveOptions(options: CloudClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { projectId } = options;
  // It goes into a header (`X-Project-ID`): visible ASCII only.
  if (typeof projectId !== 'string' || !/^[\x21-\x7e]+$/.test(projectId)) {
    throw new TypeError('projectId must be a non-empty string of visible ASCII characters');
  }
  const now = optionalFunction(options.now, 'now') ?? Date.now;
  return {
    projectId,
    baseUrl: normalizeBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, 'baseUrl'),
    apiPrefix: normalizePath(options.apiPrefix ?? DEFAULT_API_PREFIX, 'apiPrefix', true),
    authPath: normalizePath(options.authPath ?? DEFAULT_AUTH_PATH, 'authPath', false),
    fetch: optionalFunction(options.fetch, 'fetch') ?? defaultFetch,
    timeoutMs: integerIn(options.timeoutMs, 'timeoutMs', 1, MAX_TIMEOUT_MS) ?? DEFAULT_TIMEOUT_MS,
    deadlineMs: integerIn(options.deadlineMs, 'deadlineMs', 1, MAX_TIMEOUT_MS) ?? DEFAULT_DEADLINE_MS,
    retries: integerIn(options.retries, 'retries', 0, MAX_RETRIES) ?? DEFAULT_RETRIES,
    retryBaseDelayMs:
      integerIn(options.retryBaseDelayMs, 'retryBaseDelayMs', 0, MAX_RETRY_BASE_DELAY_MS) ??
      DEFAULT_RETRY_BASE_DELAY_MS,
    maxResponseBytes:
      integerIn(options.maxResponseBytes, 'maxResponseBytes', 1, MAX_RESPONSE_BYTES_LIMIT) ??
      DEFAULT_MAX_RESPONSE_BYTES,
    sleep: optionalFunction(options.sleep, 'sleep') ?? defaultSleep,
    random: optionalFunction(options.random, 'random') ?? Math.random,
    now,
    breaker: breakerOption(options.breaker, now),
  };
}

function breakerOption(value: unknown, now: () => number): CircuitBreaker | undefined {
  if (value === false) return undefined;
  if (value === undefined) return new CircuitBreaker({ now });
  if (!(value instanceof CircuitBreaker)) throw new TypeError('breaker must be a CircuitBreaker or false');
  return value;
}

// Looked up per call, so a fetch installed (or stubbed) after construction is the one used.
const defaultFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

function optionalFunction<F>(value: F | undefined, name: string): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new TypeError(`${name} must be a function`);
  return value;
}

function integerIn(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}
