import { InvalidRequestError } from '../errors/index.js';
import { isSafeReturnTo } from '../policy/return-to.js';

/**
 * Checks a `returnTo` query value: unlike the provider's silent fallback, the gateway refuses
 * a target that could leave the origin, so a tampered link fails loudly.
 *
 * @param value - the raw `returnTo` (null or empty means `/`)
 * @returns the path to return to after login
 * @throws InvalidRequestError `invalid_redirect` (400) when it is not a safe same-origin path
 * @example
 * requireReturnTo('/agents?x=1'); // '/agents?x=1'
 * requireReturnTo('//evil.example'); // throws invalid_redirect
 */
export function requireReturnTo(value: string | null): string {
  if (value === null || value === '') return '/';
  if (!isSafeReturnTo(value)) {
    throw new InvalidRequestError('invalid_redirect', 'returnTo must be a path on this site.');
  }
  return value;
}
