import { InvalidRequestError } from '../errors/index.js';

/** A query string longer than this is refused before it is parsed. */
export const MAX_QUERY_LENGTH = 8192;

/**
 * Reads one query parameter strictly: at most once, bounded, visible ASCII only.
 *
 * @param url - the request URL
 * @param name - the parameter
 * @param options - `required` (absent -> error), `maxLength`, and the error `code` to use
 * @returns the value, or null when absent and not required
 * @throws InvalidRequestError (400) when repeated, empty, over-long, non-ASCII, or missing while required
 */
export function singleParam(
  url: URL,
  name: string,
  options: {
    required: boolean;
    maxLength: number;
    code?: 'invalid_request' | 'invalid_state' | 'invalid_redirect';
  },
): string | null {
  const code = options.code ?? 'invalid_request';
  if (url.search.length > MAX_QUERY_LENGTH)
    throw new InvalidRequestError('invalid_request', 'The query string is too long.');
  const values = url.searchParams.getAll(name);
  if (values.length > 1) throw new InvalidRequestError(code, `The ${name} parameter must appear once.`);
  const value = values[0];
  if (value === undefined) {
    if (options.required) throw new InvalidRequestError(code, `The ${name} parameter is missing.`);
    return null;
  }
  if (value === '' || value.length > options.maxLength || !/^[\x21-\x7E]+$/.test(value)) {
    throw new InvalidRequestError(code, `The ${name} parameter is malformed.`);
  }
  return value;
}
