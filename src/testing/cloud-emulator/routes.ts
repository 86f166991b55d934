/** The emulator's route table: path (and prefix) to route, allowed method, body and auth rules. */
import type { EmulatorRoute, EmulatorWire } from './types.js';

/** What a Cloud route expects of a request. */
export interface RouteSpec {
  route: EmulatorRoute;
  method: 'GET' | 'POST';
  /** Under the API prefix (vs a browser route at the origin root). */
  api: boolean;
  /** `json`: a JSON object body; `none`: no body at all. */
  body: 'json' | 'none';
  /** Acts for a user: `Authorization: Bearer <token>` is required. */
  bearer: boolean;
  /** Query parameters that may carry a credential (the released logout's `id_token_hint`). */
  credentialParams?: readonly string[];
}

export type RouteMatch =
  | { kind: 'cloud'; spec: RouteSpec; userSegment?: string }
  | { kind: 'control'; action: string }
  /** A path of the other wire profile: answered 400 with a message saying which wire this Cloud speaks. */
  | { kind: 'wrong_wire'; message: string }
  | { kind: 'unknown' };

const BROWSER: Record<string, RouteSpec> = {
  '/auth/oss': { route: 'oss', method: 'GET', api: false, body: 'none', bearer: false },
  '/auth/logout': { route: 'logout', method: 'GET', api: false, body: 'none', bearer: false },
};

const API: Record<string, RouteSpec> = {
  '/auth/callback': { route: 'callback', method: 'POST', api: true, body: 'json', bearer: false },
  '/auth/verify': { route: 'verify', method: 'POST', api: true, body: 'none', bearer: true },
  '/auth/session/validate': {
    route: 'session.validate',
    method: 'POST',
    api: true,
    body: 'none',
    bearer: true,
  },
  '/auth/session/destroy': {
    route: 'session.destroy',
    method: 'POST',
    api: true,
    body: 'json',
    bearer: true,
  },
};

/** The released profile's differences: destroy takes no body; logout may carry `id_token_hint`. */
const RELEASED_API: Record<string, RouteSpec> = {
  ...API,
  '/auth/session/destroy': {
    route: 'session.destroy',
    method: 'POST',
    api: true,
    body: 'none',
    bearer: true,
  },
};
const RELEASED_BROWSER: Record<string, RouteSpec> = {
  ...BROWSER,
  '/auth/logout': {
    route: 'logout',
    method: 'GET',
    api: false,
    body: 'none',
    bearer: false,
    credentialParams: ['id_token_hint'],
  },
};

const USER_GET: RouteSpec = { route: 'users.get', method: 'GET', api: true, body: 'none', bearer: true };
const USER_PERMISSIONS: RouteSpec = {
  route: 'users.permissions',
  method: 'GET',
  api: true,
  body: 'none',
  bearer: true,
};

export const CONTROL_PREFIX = '/__emulator/';

/** The v1 prefix, whose paths a released emulator recognizes to refuse them clearly. */
const V1_PREFIX = '/api/v1';

/**
 * Finds the route of a path. Paths match exactly (no trailing-slash variants).
 *
 * @param pathname - the URL's pathname, still percent-encoded.
 * @param apiPrefix - e.g. `/api/v1` (or `''`).
 * @param controlApi - whether `/__emulator/*` is served.
 * @param wire - the profile spoken; a path of the other profile is `wrong_wire`.
 */
export function matchRoute(
  pathname: string,
  apiPrefix: string,
  controlApi: boolean,
  wire: EmulatorWire = 'v1',
): RouteMatch {
  const browserRoutes = wire === 'released' ? RELEASED_BROWSER : BROWSER;
  const apiRoutes = wire === 'released' ? RELEASED_API : API;
  const browser = browserRoutes[pathname];
  if (browser !== undefined && Object.hasOwn(browserRoutes, pathname))
    return { kind: 'cloud', spec: browser };
  if (controlApi && pathname.startsWith(CONTROL_PREFIX)) {
    return { kind: 'control', action: pathname.slice(CONTROL_PREFIX.length) };
  }
  const other = otherWire(pathname, apiPrefix, wire);
  if (other !== undefined) return { kind: 'wrong_wire', message: other };
  if (!pathname.startsWith(`${apiPrefix}/`)) return { kind: 'unknown' };
  const rest = pathname.slice(apiPrefix.length);
  if (Object.hasOwn(apiRoutes, rest)) {
    const spec = apiRoutes[rest];
    if (spec !== undefined) return { kind: 'cloud', spec };
  }
  if (wire === 'released') return { kind: 'unknown' };
  const users = /^\/users\/([^/]+)(\/permissions)?$/.exec(rest);
  if (users?.[1] !== undefined) {
    return {
      kind: 'cloud',
      spec: users[2] === undefined ? USER_GET : USER_PERMISSIONS,
      userSegment: users[1],
    };
  }
  return { kind: 'unknown' };
}

/** Why a path belongs to the other wire profile, or undefined. */
function otherWire(pathname: string, apiPrefix: string, wire: EmulatorWire): string | undefined {
  if (wire === 'released') {
    if (pathname.startsWith(`${V1_PREFIX}/`) && apiPrefix !== V1_PREFIX) {
      return `This Cloud speaks the released wire: API paths sit at the origin root (${pathname.slice(V1_PREFIX.length)}), not under ${V1_PREFIX}`;
    }
    return undefined;
  }
  if (apiPrefix !== '' && Object.hasOwn(API, pathname)) {
    return `This Cloud speaks wire v1: API paths sit under ${apiPrefix} (${apiPrefix}${pathname}), not at the origin root`;
  }
  return undefined;
}

/** Unreserved characters (as `encodeURIComponent` leaves them) or percent-escapes, nothing else. */
const ENCODED_SEGMENT = /^(?:[A-Za-z0-9\-_.!~*'()]|%[0-9A-Fa-f]{2})+$/;

/**
 * Decodes a `{userId}` path segment. Reserved characters (`@`, `:`, `+`, `=`, ...) must arrive
 * percent-encoded, so a client that forgets to encode the id is caught.
 *
 * @returns the id, or `null` when the segment is not percent-encoded properly.
 */
export function decodeUserSegment(segment: string): string | null {
  if (!ENCODED_SEGMENT.test(segment)) return null;
  try {
    const id = decodeURIComponent(segment);
    return id.length > 0 ? id : null;
  } catch {
    return null;
  }
}
