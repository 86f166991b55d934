import { EdgeAuthError } from './base.js';
import type { InvalidRequestCode } from './codes.js';

/**
 * The caller's input is bad (malformed header, cookie, callback parameter, state).
 * `message` is safe to show: it never contains a token or internal detail.
 */
export class InvalidRequestError extends EdgeAuthError {
  override readonly name = 'InvalidRequestError';
  readonly family = 'rejected' as const;
  readonly status: number;
  readonly code: InvalidRequestCode;

  constructor(code: InvalidRequestCode, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = options?.status ?? 400;
  }
}
