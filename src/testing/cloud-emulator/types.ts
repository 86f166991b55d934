/**
 * Public types of the Mastra Cloud emulator (`mastra-edge-auth/testing`).
 *
 * @see CONTRACT.md section 1
 * @module
 */

/** A Cloud user as the emulator knows it (camelCase; the wire form is snake_case). */
export interface EmulatorUser {
  id: string;
  email: string;
  name?: string;
  avatarUrl?: string;
  role: 'owner' | 'admin' | 'member' | 'viewer';
  /** Defaults to the emulator clock when the user is added. */
  createdAt?: Date;
  metadata?: Record<string, unknown>;
}

/** Options of {@link createCloudEmulator}. */
export interface CloudEmulatorOptions {
  /** The project id every API call must send as `X-Project-ID` (and `/auth/oss` as `project_id`). */
  projectId: string;
  /** API path prefix; default `/api/v1`. */
  apiPrefix?: string;
  /** Millisecond clock deciding every expiry; default `Date.now`. Move it to test expiry. */
  now?: () => number;
  /** Lifetime of issued Cloud tokens; default 3600. */
  tokenTtlSeconds?: number;
  /** Lifetime of authorization codes; default 60. */
  codeTtlSeconds?: number;
  /** Session lifetime; default the token's. A session never outlives its token. */
  sessionTtlSeconds?: number;
  /** Users; default one owner, {@link DEMO_USER}. */
  users?: EmulatorUser[];
  /** The user `/auth/oss` signs in; default the first user. */
  loginUserId?: string;
  /** Delay added to every API answer (for benchmarks); default 0. Abort still wins. */
  latencyMs?: number;
  /** Serve the `/__emulator/*` control API; default true. */
  controlApi?: boolean;
  /**
   * `/auth/oss` signs the login user in at once (default true, for tests). `false` shows a
   * sign-in page with a "Continue as ..." button first, as a person meets Cloud (`npm start`).
   */
  autoApprove?: boolean;
}

/** The emulated Cloud routes. `oss` and `logout` are the browser routes, the rest the API. */
export type EmulatorRoute =
  | 'oss'
  | 'logout'
  | 'callback'
  | 'verify'
  | 'session.validate'
  | 'session.destroy'
  | 'users.get'
  | 'users.permissions';

/**
 * A failure to inject. `route` limits it to one route (when omitted: every API route under the
 * prefix, not the browser routes); `times` limits how many requests it hits (default: until
 * cleared). `delay` faults add up and let the request continue; the first other matching fault
 * decides the answer.
 */
export type EmulatorFault = { route?: EmulatorRoute; times?: number } & (
  | { kind: 'http_error'; status: number }
  | { kind: 'ok_false'; status: number; code?: string; message?: string }
  | { kind: 'non_json' }
  | { kind: 'ok_without_data' }
  | { kind: 'bad_shape' }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'network_error' }
  | { kind: 'redirect' }
);

/** One handled request, as recorded in {@link CloudEmulator.log}: never a token or a query string. */
export interface EmulatorLogEntry {
  method: string;
  path: string;
  route: EmulatorRoute | 'unknown';
  /** 0 when no answer was given (network error, aborted hang). */
  status: number;
}

/** An in-memory Mastra Cloud speaking wire contract v1. */
export interface CloudEmulator {
  /**
   * The Web-standard handler (`Request` in, `Response` out); honours `request.signal`. Rejects
   * with `TypeError('fetch failed')` for an injected `network_error` (hosts then drop the
   * connection) and with the signal's reason when a `hang` or delay is aborted.
   */
  fetch(request: Request): Promise<Response>;
  /**
   * A `fetch` that calls the handler in memory: honours `init.signal` / `request.signal` (an
   * abort rejects with the signal's reason), rejects with `TypeError('fetch failed')` for an
   * injected `network_error`, and, like a real fetch that could not reach the target, for a
   * redirect when the request's `redirect` mode is not `'manual'`.
   */
  readonly fetcher: typeof fetch;
  /** Adds a user, or replaces the user with the same id. @throws TypeError on an invalid user. */
  addUser(user: EmulatorUser): void;
  /** Chooses who `/auth/oss` signs in. @throws TypeError for an unknown user id. */
  setLoginUser(userId: string): void;
  /** Issues a Cloud token (and its session) for a user. @throws TypeError for an unknown user or bad TTL. */
  issueToken(userId: string, opts?: { ttlSeconds?: number }): string;
  /** Revokes a token (and ends its session); unknown tokens are ignored. */
  revokeToken(token: string): void;
  /** @throws TypeError on an invalid fault. */
  injectFault(fault: EmulatorFault): void;
  clearFaults(): void;
  /** Requests seen for one route, or for all routes (unknown paths included) when omitted. */
  calls(route?: EmulatorRoute): number;
  /** The most recent requests (bounded), oldest first. */
  readonly log: ReadonlyArray<EmulatorLogEntry>;
  /** Back to the initial state: configured users and login user; no tokens, codes, sessions, faults, counts, log. */
  reset(): void;
}

/** Every route, in a stable order. */
export const EMULATOR_ROUTES: readonly EmulatorRoute[] = [
  'oss',
  'logout',
  'callback',
  'verify',
  'session.validate',
  'session.destroy',
  'users.get',
  'users.permissions',
];

/** Permissions per role, as `GET {prefix}/users/{id}/permissions` answers them. */
export const ROLE_PERMISSIONS: Record<EmulatorUser['role'], string[]> = {
  owner: ['*'],
  admin: ['*:read', '*:write', '*:execute'],
  member: ['*:read', '*:execute'],
  viewer: ['*:read'],
};

/** The default user when `users` is not given. */
export const DEMO_USER: Readonly<EmulatorUser> = Object.freeze({
  id: 'user_demo',
  email: 'demo@example.com',
  name: 'Demo User',
  role: 'owner',
});
