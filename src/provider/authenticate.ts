import type { CloudUser } from '../cloud-fetch/index.js';
import { isRejection } from '../errors/index.js';
import type { HeaderSource } from '../mastra/request.js';
import { type ProviderContext, verifyUser } from './context.js';
import { cookieName } from './cookies.js';
import { readProviderCredential } from './credentials.js';
import { openSession } from './session-cookie.js';

/**
 * Authenticates a request: the Bearer token (the `token` argument, else `Authorization`), else
 * the session cookie. See `readProviderCredential` for which credential decides.
 *
 * @returns the user, or `null` for no credential, a malformed one, or one Cloud refused
 * @throws CloudApiError `unavailable` when Cloud could not be asked and nothing cached answers
 *   (so a gateway can answer 503 instead of logging everyone out)
 */
export async function authenticate(
  ctx: ProviderContext,
  token: unknown,
  request: HeaderSource,
): Promise<CloudUser | null> {
  const credential = readProviderCredential(token, request, cookieName('session', ctx.secureCookies));
  let bearer: string;
  if (credential.kind === 'bearer') bearer = credential.token;
  else if (credential.kind === 'session') {
    const claims = await openSession(ctx.sealer, credential.handle, ctx.clock.now());
    if (claims === null) return null;
    bearer = claims.token;
  } else return null;
  try {
    return await verifyUser(ctx, bearer);
  } catch (error) {
    if (isRejection(error)) return null;
    throw error;
  }
}
