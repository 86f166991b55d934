/**
 * A per-isolate circuit breaker for Cloud calls. After `threshold` outage answers in a row it
 * opens: calls fail at once (503 with `Retry-After`) for `cooldownMs`, so a Cloud that is down
 * or hanging costs neither Cloud nor the waiting requests anything. Then one call goes through
 * as a probe (half-open) while the others keep failing fast; a probe that gets any answer from
 * Cloud (a "yes" or a definitive "no") closes it, an outage opens it again.
 *
 * It holds state only, never a promise, so requests in workerd never await each other's I/O.
 *
 * @module
 */

/** `closed`: calls go through. `open`: calls fail fast. `half-open`: one probe is in flight. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Outage answers in a row that open the breaker. Default 5. */
  threshold?: number;
  /** How long it stays open before a probe, in ms. Default 10 000. */
  cooldownMs?: number;
  /** Time source in ms. Default `Date.now`. */
  now?: () => number;
}

export const DEFAULT_BREAKER_THRESHOLD = 5;
export const DEFAULT_BREAKER_COOLDOWN_MS = 10_000;

/** What {@link CircuitBreaker.admit} decided for one call. */
export type Admission =
  | { readonly ok: true; readonly probe: boolean }
  | { readonly ok: false; readonly retryAfterMs: number };

/** A snapshot for health checks and logs. */
export interface BreakerSnapshot {
  readonly state: BreakerState;
  /** Outage answers in a row so far. */
  readonly failures: number;
  /** Times it has opened since the isolate started. */
  readonly opened: number;
  /** Calls refused without asking Cloud. */
  readonly shortCircuited: number;
}

export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openUntil = 0;
  #probing = false;
  #probeStartedAt = 0;
  #opened = 0;
  #shortCircuited = 0;

  /** @throws TypeError naming a bad option. */
  constructor(options: CircuitBreakerOptions = {}) {
    this.#threshold = positiveInt(options.threshold, 'threshold', DEFAULT_BREAKER_THRESHOLD, 1_000);
    this.#cooldownMs = positiveInt(options.cooldownMs, 'cooldownMs', DEFAULT_BREAKER_COOLDOWN_MS, 3_600_000);
    if (options.now !== undefined && typeof options.now !== 'function')
      throw new TypeError('now must be a function');
    this.#now = options.now ?? Date.now;
  }

  /** The current state. */
  get state(): BreakerState {
    if (this.#failures < this.#threshold) return 'closed';
    if (this.#probing) return 'half-open';
    return this.#now() < this.#openUntil ? 'open' : 'half-open';
  }

  snapshot(): BreakerSnapshot {
    return {
      state: this.state,
      failures: this.#failures,
      opened: this.#opened,
      shortCircuited: this.#shortCircuited,
    };
  }

  /**
   * Asks whether a call may go to Cloud now. A caller that is admitted must report the outcome
   * with {@link CircuitBreaker.success} or {@link CircuitBreaker.failure}.
   */
  admit(): Admission {
    if (this.#failures < this.#threshold) return { ok: true, probe: false };
    const now = this.#now();
    // A probe whose outcome never came back (its caller vanished) must not block for ever.
    if (this.#probing && now - this.#probeStartedAt >= this.#cooldownMs) this.#probing = false;
    if (now < this.#openUntil || this.#probing) {
      this.#shortCircuited++;
      return { ok: false, retryAfterMs: Math.max(this.#openUntil - now, 1000) };
    }
    this.#probing = true;
    this.#probeStartedAt = now;
    return { ok: true, probe: true };
  }

  /** Cloud answered (a "yes" or a definitive "no"): close. */
  success(): void {
    this.#failures = 0;
    this.#probing = false;
    this.#openUntil = 0;
  }

  /** Cloud could not be asked (timeout, network, 429, 5xx): count; open at the threshold. */
  failure(): void {
    const wasOpen = this.#failures >= this.#threshold;
    this.#failures = Math.min(this.#failures + 1, this.#threshold);
    this.#probing = false;
    if (this.#failures >= this.#threshold) {
      this.#openUntil = this.#now() + this.#cooldownMs;
      if (!wasOpen) this.#opened++;
    }
  }

  /** An admitted call ended without asking Cloud (a bad argument): free the probe slot. */
  release(): void {
    this.#probing = false;
  }
}

function positiveInt(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new TypeError(`${name} must be an integer from 1 to ${max}`);
  }
  return value;
}
