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

/**
 * True for a failure worth another attempt: Cloud answered that it could not serve (network
 * error, 429, 5xx, an unusable body). Never a timeout: a Cloud that hangs once will most likely
 * hang again, and a second wait would only hold the request (and one more connection) longer.
 */
export function isRetryable(error: unknown): error is CloudApiError {
  return error instanceof CloudApiError && error.family === 'unavailable' && error.code !== 'timeout';
}

/** What one call may spend across its attempts: the time left, read from a clock. */
export interface CallBudget {
  /** Milliseconds left of the call's deadline (may be 0 or negative once spent). */
  remainingMs(): number;
}

/**
 * Runs `attempt` (given the time left for it), repeating it on retryable failures at most
 * `policy.retries` more times, and only while the backoff and a further attempt still fit in
 * the budget.
 *
 * @returns the first successful result.
 * @throws the last failure, or the first one that is not retryable.
 */
export async function withRetries<T>(
  attempt: (remainingMs: number) => Promise<T>,
  policy: RetryPolicy,
  budget: CallBudget = { remainingMs: () => Number.POSITIVE_INFINITY },
): Promise<T> {
  for (let retryIndex = 0; ; retryIndex++) {
    try {
      return await attempt(budget.remainingMs());
    } catch (error) {
      if (!isRetryable(error) || retryIndex >= policy.retries) throw error;
      const delay = backoffDelay(retryIndex, policy.baseDelayMs, policy.random, error.retryAfter);
      // No room left for the wait plus an attempt worth making: give up with this failure.
      if (delay === undefined || budget.remainingMs() - delay < MIN_ATTEMPT_MS) throw error;
      await policy.sleep(delay);
    }
  }
}

/** An attempt shorter than this is not worth starting (a Cloud round trip takes longer). */
export const MIN_ATTEMPT_MS = 50;
