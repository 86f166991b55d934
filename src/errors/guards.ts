import { EdgeAuthError } from './base.js';

/** True when `error` means "could not be asked" (Cloud or storage outage): answer 503, not 401. */
export function isUnavailable(error: unknown): boolean {
  return error instanceof EdgeAuthError && error.family === 'unavailable';
}

/** True when `error` is a definitive "no" (bad credentials or bad input). */
export function isRejection(error: unknown): boolean {
  return error instanceof EdgeAuthError && error.family === 'rejected';
}
