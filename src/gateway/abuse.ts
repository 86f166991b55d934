/**
 * Abuse handling per client: the Workers Rate Limiting binding (`AUTH_RATE_LIMIT`, keyed by
 * client IP) for failed authentications and for `/auth/login` and `/auth/callback`, a short
 * per-isolate block of a client the binding refused, and visible failure counts.
 *
 * @module
 */
import { RateLimitedError } from '../errors/index.js';
import type { RouteContext } from './context.js';
import type { Credential } from './credentials.js';
import { isPowerOfTen, keyedId, logEvent } from './observability.js';

/** How long a client the rate limiter refused is refused at once in this isolate. */
const BLOCK_MS = 10_000;

/** The client's address as Cloudflare reports it (`CF-Connecting-IP`), else `unknown`. */
export function clientAddress(request: Request): string {
  const ip = request.headers.get('CF-Connecting-IP');
  return ip !== null && /^[0-9A-Fa-f:.]{2,45}$/.test(ip) ? ip : 'unknown';
}

/**
 * Spends one unit of the client's budget for `what` through `AUTH_RATE_LIMIT`, when bound.
 *
 * @throws RateLimitedError (429) when the binding refuses
 */
export async function assertWithinRateLimit(context: RouteContext, what: string): Promise<void> {
  const binding = context.state.config.resilience.rateLimit;
  if (binding === undefined) return;
  let allowed = true;
  try {
    allowed = (await binding.limit({ key: `${what}:${context.client}` })).success;
  } catch {
    // A failing limiter is no reason to refuse a sign-in.
  }
  if (!allowed) {
    context.state.observability.failures.throttle();
    throw new RateLimitedError(`Too many ${what} requests from this client`, 60);
  }
}

/**
 * Refuses at once (429) a client whose failed authentications the rate limiter refused a moment
 * ago in this isolate: its next junk costs neither Cloud nor the limiter.
 *
 * @throws RateLimitedError while the client is blocked
 */
export function assertNotBlocked(context: RouteContext): void {
  const until = context.state.observability.blocked.peek(context.client);
  const now = Date.now();
  if (until === undefined || until <= now) return;
  context.state.observability.failures.throttle();
  throw new RateLimitedError('Too many failed authentications from this client', (until - now) / 1000);
}

/**
 * Records a failed authentication (a credential was sent and refused): counts it per client,
 * logs the 1st, 10th, 100th... failure of a client with keyed ids, and asks `AUTH_RATE_LIMIT`.
 *
 * @returns a RateLimitedError to answer instead of 401 when the limiter refused the client
 */
export async function recordFailure(
  context: RouteContext,
  credential: Credential,
): Promise<RateLimitedError | undefined> {
  if (credential.kind === 'none') return undefined;
  const { observability } = context.state;
  const count = observability.failures.fail(context.client);
  if (isPowerOfTen(count)) {
    const key = await observability.logKey();
    logEvent('auth_failures', {
      client: await keyedId(key, context.client),
      failures: count,
      credential: credential.kind,
      ...(credential.kind === 'token' && { tokenId: await keyedId(key, credential.token) }),
      path: context.url.pathname,
    });
  }
  try {
    await assertWithinRateLimit(context, 'auth-failure');
  } catch (error) {
    if (!(error instanceof RateLimitedError)) throw error;
    if (context.client !== 'unknown') observability.blocked.set(context.client, Date.now() + BLOCK_MS);
    return error;
  }
  return undefined;
}
