/** Codes of the `TypeError`s thrown for a caller mistake (Node's vocabulary, as in oauth4webapi). */
export type InvalidArgCode = 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE';

/** A `TypeError` naming the bad option, with a stable `code`. */
export type InvalidArgError = TypeError & { code: InvalidArgCode };

/** Build the `TypeError` for a bad option; the message names the option, never its value. */
export function invalidArg(code: InvalidArgCode, message: string): InvalidArgError {
  return Object.assign(new TypeError(message), { code });
}
