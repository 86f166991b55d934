import type { ErrorCode } from './codes.js';

/**
 * `rejected`: a definitive "no" (bad token, bad or replayed input); maps to 400/401/403/404.
 * `unavailable`: nobody could say (timeout, network, 429, 5xx, storage failure); maps to 503.
 * `misconfigured`: the deployment is wrong (missing secret, bad option); maps to 500.
 */
export type ErrorFamily = 'rejected' | 'unavailable' | 'misconfigured';

/**
 * Base class of every error this package throws on purpose. `name` follows the subclass; `code`
 * is stable across versions (see {@link ErrorCode}); `family` and `status` follow from it.
 */
export abstract class EdgeAuthError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly family: ErrorFamily;
  /** HTTP status a gateway should answer with. */
  abstract readonly status: number;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
