/** What a route handler gets, and the bearer-token check the user-facing routes share. */
import { errorResponse } from './responses.js';
import type { EmulatorStore, TokenRecord } from './store.js';
import type { EmulatorUser, EmulatorWire } from './types.js';

export interface RouteContext {
  /** The wire profile spoken: decides the shape of each answer's data. */
  wire: EmulatorWire;
  store: EmulatorStore;
  projectId: string;
  url: URL;
  /** The bearer token, when the request sent one (validated as `Bearer <token68>`). */
  token: string | undefined;
  /** The JSON object body, on routes that take one. */
  body: Record<string, unknown> | undefined;
  /** The still-encoded `{userId}` path segment on the users routes. */
  userSegment: string | undefined;
}

export type Authenticated =
  | { ok: true; token: TokenRecord; user: EmulatorUser }
  | { ok: false; response: Response };

/** Resolves the bearer token: 401 `invalid_token` when unknown or revoked, 401 `token_expired` when expired. */
export function authenticate(ctx: RouteContext): Authenticated {
  const lookup = ctx.token === undefined ? { status: 'unknown' as const } : ctx.store.lookupToken(ctx.token);
  switch (lookup.status) {
    case 'valid':
      return { ok: true, token: lookup.token, user: lookup.user };
    case 'expired':
      return { ok: false, response: errorResponse(401, 'token_expired', 'The token has expired') };
    case 'unknown':
      return { ok: false, response: errorResponse(401, 'invalid_token', 'The token is not valid') };
  }
}
