/**
 * Bounded retries with full-jitter exponential backoff, for calls that are safe to repeat.
 * Only `unavailable` failures are retried; a definitive "no" never is.
 *
 * @module
 */
import { CloudApiError } from '../errors/index.js';

/** Longest wait between two attempts. A `Retry-After` above it ends the retries instead. */
export const MAX_RETRY_DELAY_MS = 2000;

/** How retries behave; `sleep` and `random` are injectable so tests need no real time. */
export interface RetryPolicy {
  /** Extra attempts after the first. */
  retries: number;
  /** Base of the exponential backoff, in ms. */
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/** Waits `ms` milliseconds with `setTimeout`. */
export function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The wait before retry number `retryIndex` (0 for the first retry): a uniform draw in
 * `[0, min(MAX_RETRY_DELAY_MS, base * 2^retryIndex))` ("full jitter"), raised to Cloud's
 * `Retry-After` when it asked for a wait.
 *
 * @param retryIndex - 0 for the first retry.
 * @param baseDelayMs - backoff base.
 * @param random - a draw in [0, 1); out-of-range draws are clamped.
 * @param retryAfterSeconds - Cloud's `Retry-After`, when sent.
 * @returns the delay in ms, or `undefined` when Cloud asked for a longer wait than we allow.
 */
export function backoffDelay(
  retryIndex: number,
  baseDelayMs: number,
  random: () => number,
  retryAfterSeconds?: number,
): number | undefined {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, baseDelayMs * 2 ** retryIndex);
  const draw = random();
  const unit = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1) : 0;
  const jitter = Math.floor(unit * ceiling);
  if (retryAfterSeconds === undefined) return jitter;
  const asked = retryAfterSeconds * 1000;
  return asked > MAX_RETRY_DELAY_MS ? undefined : Math.max(jitter, asked);
}

/** True for a failure worth another attempt: Cloud could not be asked (timeout, network, 429, 5xx...). */
export function isRetryable(error: unknown): error is CloudApiError {
  return error instanceof CloudApiError && error.family === 'unavailable';
}

/**
 * Runs `attempt`, repeating it on retryable failures at most `policy.retries` more times.
 *
 * @returns the first successful result.
 * @throws the last failure, or the first one that is not retryable.
 */
export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let retryIndex = 0; ; retryIndex++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetryable(error) || retryIndex >= policy.retries) throw error;
      const delay = backoffDelay(retryIndex, policy.baseDelayMs, policy.random, error.retryAfter);
      if (delay === undefined) throw error;
      await policy.sleep(delay);
    }
  }
}
