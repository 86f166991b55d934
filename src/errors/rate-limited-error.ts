import { EdgeAuthError } from './base.js';

/**
 * Too many requests from this client or for unknown tokens: answered 429 with `Retry-After`,
 * without asking Cloud. Family `unavailable`: it says nothing about the credential (never cached
 * as a rejection, never a 401).
 */
export class RateLimitedError extends EdgeAuthError {
  override readonly name = 'RateLimitedError';
  readonly family = 'unavailable' as const;
  readonly status = 429;
  readonly code = 'rate_limited' as const;
  /** Seconds to wait before trying again (at least 1). */
  readonly retryAfter: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfter = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}
