/**
 * A token bucket: `burst` tokens, refilled at `ratePerSecond`. Per isolate, no I/O, no timers.
 * The provider spends one per Cloud verify of a token it has never seen, so a flood of junk that
 * looks like tokens costs Cloud at most `burst + rate x seconds` calls per isolate.
 */
export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Capacity (and the initial fill). */
  burst: number;
  now: () => number;
}

export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;
  #refused = 0;

  /** @throws TypeError naming a bad option. */
  constructor(options: TokenBucketOptions) {
    const { ratePerSecond, burst } = options;
    if (typeof ratePerSecond !== 'number' || !Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
      throw new TypeError('ratePerSecond must be a positive number');
    }
    if (!Number.isInteger(burst) || burst < 1) throw new TypeError('burst must be a positive integer');
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#now = options.now;
    this.#tokens = burst;
    this.#at = options.now();
  }

  /** Calls refused since the isolate started. */
  get refused(): number {
    return this.#refused;
  }

  /**
   * Takes one token.
   *
   * @returns 0 when taken; otherwise the milliseconds until one will be available
   */
  take(): number {
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    this.#refused++;
    return Math.ceil(((1 - this.#tokens) / this.#rate) * 1000);
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#at);
    this.#at = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed / 1000) * this.#rate);
  }
}
