import { InvalidRequestError } from '../errors/index.js';
import { MAX_CODE_LENGTH, MAX_STATE_LENGTH } from '../policy/limits.js';
import type { RouteContext } from './context.js';
import { notFoundResponse } from './error-response.js';
import { singleParam } from './query.js';
import { redirectResponse } from './responses.js';

/**
 * `GET /auth/callback?code=&state=`: checks the parameters (each exactly once, bounded), lets the
 * Cloud provider check state and flow cookie and redeem the code, then sets the session cookie
 * and sends the browser back to the saved path.
 *
 * @param context - the route context
 * @returns 302 to the return path with the cookies (flow cookie cleared, session cookie set)
 * @throws InvalidRequestError 400 (`invalid_request`, `invalid_state`, `invalid_cookie`): missing,
 *   repeated or oversized parameters; a sign-in Cloud reported as failed; bad, replayed or
 *   mismatched state
 * @throws CloudApiError `rejected` (Cloud refused the code: 401) or `unavailable` (503)
 */
export async function callback(context: RouteContext): Promise<Response> {
  const { cloud } = context.state;
  if (cloud === undefined) return notFoundResponse('Sign-in with Mastra Cloud is not configured.');
  const { url, request } = context;
  if (url.searchParams.has('error')) {
    throw new InvalidRequestError('invalid_request', 'Sign-in was not completed.');
  }
  const code = singleParam(url, 'code', { required: true, maxLength: MAX_CODE_LENGTH });
  const state = singleParam(url, 'state', {
    required: true,
    maxLength: MAX_STATE_LENGTH,
    code: 'invalid_state',
  });
  if (code === null || state === null)
    throw new InvalidRequestError('invalid_request', 'The callback is incomplete.');
  const result = await cloud.handleCallback(code, state, request.headers.get('Cookie'), {
    waitUntil: context.waitUntil,
  });
  // The sealed returnTo, never the state's `|path` suffix: the callback URL is the attacker's to edit.
  return redirectResponse(result.returnTo, result.cookies ?? []);
}
