/**
 * Per-request context a host (the gateway, a Worker) attaches to the request object it hands to
 * auth providers, without changing the Mastra provider interfaces: where to schedule work that
 * need not delay the answer (`ctx.waitUntil`), and a place for the provider to say how it
 * answered (for `Server-Timing`). Kept in a WeakMap beside the request object, so it never
 * shows in a spread or a log and nobody else can forge it.
 *
 * @module
 */

/** Which tier answered an authentication. */
export type AuthSource = 'l1' | 'kv' | 'cloud' | 'grace';

/** What a host passes along with a request, and what the provider fills in. */
export interface AuthRequestContext {
  /** Runs `promise` after the response (`ctx.waitUntil` in a Worker); absent: the caller awaits writes. */
  readonly waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
  /** Filled in by the Cloud provider: the tier that answered and the time spent asking Cloud. */
  timing?: { source?: AuthSource; cloudMs?: number };
}

const contexts = new WeakMap<object, AuthRequestContext>();

/**
 * Attaches `context` to `request` (an object the host made and hands to providers).
 *
 * @returns `request`
 */
export function withRequestContext<T extends object>(request: T, context: AuthRequestContext): T {
  contexts.set(request, context);
  return request;
}

/** The context attached to `request`, if any. */
export function requestContextOf(request: unknown): AuthRequestContext | undefined {
  return typeof request === 'object' && request !== null ? contexts.get(request) : undefined;
}
