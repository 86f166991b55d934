/**
 * What a person sees for an error met by navigation: a title by status, the public message of
 * the error (never internal detail), and one way on.
 *
 * @module
 */
import type { Page, PageLink } from './html.js';

/** Back to the site's front page. */
export const BACK: PageLink = { href: '/', text: 'Back' };
/** Start the sign-in again. */
export const SIGN_IN_AGAIN: PageLink = { href: '/auth/login', text: 'Sign in again' };

const TITLES: Readonly<Record<number, string>> = {
  400: 'Sign-in could not be completed',
  401: 'Sign-in failed',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Not allowed',
  429: 'Too many attempts',
  431: 'Request too large',
  500: 'Something went wrong',
  502: 'The app could not be reached',
  503: 'Temporarily unavailable',
};

/**
 * The page for a mapped error.
 *
 * @param mapped - the status, public code and public message that were decided for the error
 * @param path - the request path (sign-in routes offer "Sign in again")
 * @returns the page
 */
export function errorPage(
  mapped: { readonly status: number; readonly code: string; readonly message: string },
  path: string,
): Page {
  const signInFlow = path === '/auth/callback' || path === '/auth/login';
  const retrySignIn = mapped.status === 401 || (signInFlow && mapped.code === 'invalid_state');
  const title = signInFlow || mapped.status !== 400 ? (TITLES[mapped.status] ?? 'Error') : 'Bad request';
  return { title, message: mapped.message, link: retrySignIn ? SIGN_IN_AGAIN : BACK };
}
