/** `createCloudEmulator`: wires the store, contract checks, faults, routes and control API together. */
import { raceAbort, sleep } from './abort.js';
import { handleCallback, handleSessionDestroy, handleSessionValidate, handleVerify } from './auth-routes.js';
import { handleLogout, handleOss } from './browser-routes.js';
import type { RouteContext } from './context.js';
import { enforceContract } from './contract.js';
import { type ControlTarget, handleControl } from './control-api.js';
import { FaultQueue, faultResponse } from './faults.js';
import { resolveOptions } from './options.js';
import { errorResponse } from './responses.js';
import { matchRoute, type RouteSpec } from './routes.js';
import { EmulatorStore } from './store.js';
import type {
  CloudEmulator,
  CloudEmulatorOptions,
  EmulatorFault,
  EmulatorLogEntry,
  EmulatorRoute,
  EmulatorUser,
} from './types.js';
import { handleGetPermissions, handleGetUser } from './user-routes.js';
import { checkFault, checkUser, isPositiveInteger } from './validate.js';

/** How many log entries are kept (the oldest go first), so a long-running emulator stays bounded. */
const MAX_LOG_ENTRIES = 10_000;

const ZERO_COUNTS: Readonly<Record<EmulatorRoute, number>> = {
  oss: 0,
  logout: 0,
  callback: 0,
  verify: 0,
  'session.validate': 0,
  'session.destroy': 0,
  'users.get': 0,
  'users.permissions': 0,
};

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * Creates an in-memory Mastra Cloud that speaks wire contract v1 strictly: PKCE login, code
 * exchange, token verification, sessions, users and permissions, plus fault injection, call
 * counters and an optional HTTP control API. Import from `mastra-edge-auth/testing`.
 *
 * @param options - see {@link CloudEmulatorOptions}; only `projectId` is required.
 * @returns the emulator; pass `emulator.fetcher` as the Cloud client's `fetch`, or serve
 *   `emulator.fetch` over HTTP.
 * @throws TypeError naming the option when an option is invalid.
 * @example
 * ```ts
 * const cloud = createCloudEmulator({ projectId: 'proj_1' });
 * const token = cloud.issueToken('user_demo');
 * const res = await cloud.fetcher('https://cloud.test/api/v1/auth/verify', {
 *   method: 'POST',
 *   headers: { 'X-Project-ID': 'proj_1', Accept: 'application/json', Authorization: `Bearer ${token}` },
 * });
 * // res.status === 200, (await res.json()).data.user.id === 'user_demo'
 * ```
 * @see CONTRACT.md section 1
 */
export function createCloudEmulator(options: CloudEmulatorOptions): CloudEmulator {
  const config = resolveOptions(options);
  const store = new EmulatorStore(config);
  const faults = new FaultQueue();
  const counts = new Map<EmulatorRoute, number>();
  let total = 0;
  let log: EmulatorLogEntry[] = [];

  function record(entry: EmulatorLogEntry): void {
    log.push(Object.freeze(entry));
    // Trimmed in batches: one O(n) copy per MAX_LOG_ENTRIES requests, not one per request.
    if (log.length >= 2 * MAX_LOG_ENTRIES) log = log.slice(-MAX_LOG_ENTRIES);
  }

  async function answer(
    request: Request,
    url: URL,
    spec: RouteSpec,
    userSegment: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    if (spec.api && config.latencyMs > 0) await sleep(config.latencyMs, signal);
    const contract = await enforceContract(request, spec, config.projectId);
    if (!contract.ok) return contract.response;
    const plan = faults.take(spec.route, spec.api);
    if (plan.delayMs > 0) await sleep(plan.delayMs, signal);
    if (plan.decisive !== undefined) return faultResponse(plan.decisive, spec.route, signal);
    const ctx: RouteContext = {
      store,
      projectId: config.projectId,
      url,
      token: contract.token,
      body: contract.body,
      userSegment,
    };
    switch (spec.route) {
      case 'oss':
        return handleOss(ctx, config.autoApprove);
      case 'logout':
        return handleLogout(ctx);
      case 'callback':
        return handleCallback(ctx);
      case 'verify':
        return handleVerify(ctx);
      case 'session.validate':
        return handleSessionValidate(ctx);
      case 'session.destroy':
        return handleSessionDestroy(ctx);
      case 'users.get':
        return handleGetUser(ctx);
      case 'users.permissions':
        return handleGetPermissions(ctx);
    }
  }

  async function handle(request: Request, signal: AbortSignal | undefined): Promise<Response> {
    const url = new URL(request.url);
    const match = matchRoute(url.pathname, config.apiPrefix, config.controlApi);
    if (match.kind === 'control') return handleControl(request, match.action, control);
    total += 1;
    if (match.kind === 'unknown') {
      record({ method: request.method, path: url.pathname, route: 'unknown', status: 404 });
      return errorResponse(404, 'not_found', 'No such route');
    }
    const { route } = match.spec;
    counts.set(route, (counts.get(route) ?? 0) + 1);
    let status = 0;
    try {
      const response = await answer(request, url, match.spec, match.userSegment, signal);
      status = response.status;
      return response;
    } finally {
      record({ method: request.method, path: url.pathname, route, status });
    }
  }

  function requireUser(userId: unknown, what: string): string {
    if (typeof userId !== 'string' || !store.users.has(userId))
      throw new TypeError(`${what}: unknown user id`);
    return userId;
  }

  const emulator: CloudEmulator = {
    fetch(request: Request): Promise<Response> {
      const signal: AbortSignal | undefined = request.signal ?? undefined;
      return handle(request, signal);
    },
    fetcher: async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined) ?? undefined;
      if (signal?.aborted) throw signal.reason;
      const request = new Request(input, init);
      const response = await raceAbort(handle(request, signal), signal);
      if (REDIRECT_STATUSES.has(response.status) && request.redirect !== 'manual') {
        // A real fetch would follow, to a target the emulator cannot reach.
        throw new TypeError('fetch failed', {
          cause: new Error('The emulator cannot follow redirects: send the request with redirect: "manual"'),
        });
      }
      if (request.method === 'HEAD')
        return new Response(null, { status: response.status, headers: response.headers });
      return response;
    },
    addUser(user: EmulatorUser): void {
      const checked = checkUser(user);
      if (!checked.ok) throw new TypeError(`addUser: ${checked.message}`);
      store.addUser(checked.value);
    },
    setLoginUser(userId: string): void {
      store.loginUserId = requireUser(userId, 'setLoginUser');
    },
    issueToken(userId: string, opts?: { ttlSeconds?: number }): string {
      const id = requireUser(userId, 'issueToken');
      const ttl = opts?.ttlSeconds;
      if (ttl !== undefined && !isPositiveInteger(ttl))
        throw new TypeError('issueToken: opts.ttlSeconds must be a positive integer');
      return store.issueToken(id, ttl).token;
    },
    revokeToken(token: string): void {
      if (typeof token !== 'string') throw new TypeError('revokeToken: token must be a string');
      store.revokeToken(token);
    },
    injectFault(fault: EmulatorFault): void {
      const checked = checkFault(fault);
      if (!checked.ok) throw new TypeError(`injectFault: ${checked.message}`);
      faults.add(checked.value);
    },
    clearFaults(): void {
      faults.clear();
    },
    calls(route?: EmulatorRoute): number {
      return route === undefined ? total : (counts.get(route) ?? 0);
    },
    get log(): ReadonlyArray<EmulatorLogEntry> {
      return log.slice(-MAX_LOG_ENTRIES);
    },
    reset(): void {
      store.reset();
      faults.clear();
      counts.clear();
      total = 0;
      log = [];
    },
  };

  const control: ControlTarget = {
    hasUser: (userId) => store.users.has(userId),
    addUser: (user) => emulator.addUser(user),
    setLoginUser: (userId) => emulator.setLoginUser(userId),
    issueToken: (userId, opts) => emulator.issueToken(userId, opts),
    revokeToken: (token) => emulator.revokeToken(token),
    injectFault: (fault) => emulator.injectFault(fault),
    clearFaults: () => emulator.clearFaults(),
    counts: () => {
      const result = { ...ZERO_COUNTS };
      for (const [route, n] of counts) result[route] = n;
      return result;
    },
    reset: () => emulator.reset(),
  };

  return emulator;
}
