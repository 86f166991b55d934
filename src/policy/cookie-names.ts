/**
 * The names of the two cookies this package sets: one place, shared by the provider (which
 * writes them) and the gateway (which keeps them from the runner).
 *
 * @see README.md "Sessions and cookies"
 * @module
 */
/** Which of the provider's two cookies. */
export type CookieKind = 'session' | 'login';

/** Cookie names in production: the `__Host-` prefix pins them to this origin, `Secure`, `Path=/`. */
export const SECURE_COOKIE_NAMES = {
  session: '__Host-mastra_session',
  login: '__Host-mastra_login',
} as const;

/**
 * Cookie names in dev mode (`cookies.secure === false`, for `http://localhost` only): browsers
 * refuse `__Host-` cookies without `Secure`, and refuse `Secure` cookies over plain http.
 */
export const DEV_COOKIE_NAMES = {
  session: 'mastra_session',
  login: 'mastra_login',
} as const;

/**
 * The name of one of the provider's cookies.
 *
 * @param kind - `session` or `login`
 * @param secure - `false` only in dev mode (plain http on localhost)
 */
export function cookieName(kind: CookieKind, secure: boolean): string {
  return secure ? SECURE_COOKIE_NAMES[kind] : DEV_COOKIE_NAMES[kind];
}
