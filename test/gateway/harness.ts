/**
 * The gateway end to end, in one isolate: `createGateway` with its transport routed to an
 * in-memory Cloud emulator and a recording runner (the shape of the demo runner's `/api/whoami`),
 * and a small browser with a cookie jar that follows redirects across gateway and Cloud.
 * Web APIs only, so the same harness serves workerd (with a real KV binding) and Node.
 */
import type { ErrorReport } from '../../src/errors/index.js';
import {
  createGateway,
  decodeUserHeader,
  type Gateway,
  type GatewayOptions,
} from '../../src/gateway/index.js';
import { type CloudEmulator, createCloudEmulator, type EmulatorUser } from '../../src/testing/index.js';
import { WIRE } from '../wire.js';

export const GATEWAY = 'https://gw.example';
export const CLOUD = 'https://cloud.example';
export const RUNNER = 'http://runner.internal:4111';
export const PROJECT_ID = 'proj_test';
export const SESSION_SECRET = 'test-session-secret-0123456789-abcdef';
export const SERVICE_TOKEN = 'svc.business-token_0123456789';
export const PLAYGROUND_TOKEN = 'svc.playground-token_0123456789';

/** What the runner saw of one request. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: Headers;
  readonly body: string;
}

export interface Harness {
  readonly emulator: CloudEmulator;
  readonly gateway: Gateway;
  readonly env: Record<string, unknown>;
  /** Every request that reached the runner, in order. */
  readonly received: Received[];
  /** Every error report the gateway made. */
  readonly reports: ErrorReport[];
  /** Sends one request to the gateway (no cookies, no redirects followed). */
  send(path: string, init?: RequestInit): Promise<Response>;
  /** The execution context every request gets: `waitUntil` collects the work run after answers. */
  readonly ctx: { waitUntil(promise: Promise<unknown>): void };
  /** Waits for the work the gateway left to `waitUntil` so far (cache writes, logout retries). */
  settle(): Promise<void>;
  browser(): Browser;
}

/**
 * Builds a gateway with a fresh env object (so a fresh per-isolate state), a fresh emulator and
 * an empty runner log. Any fetch to a host other than Cloud or the runner fails the request.
 *
 * @param kv - the `AUTH_KV` binding (a real one in workerd, a double in Node)
 * @param env - env overrides
 */
export function createHarness(
  kv: unknown,
  env: Record<string, unknown> = {},
  options: Pick<GatewayOptions, 'cloudCache' | 'routePermissions' | 'roleMapping' | 'userAuth' | 'wire'> & {
    tokenTtlSeconds?: number;
    autoApprove?: boolean;
    emulator?: CloudEmulator;
    users?: EmulatorUser[];
    /** Answers in place of the recording runner (requests are still logged, without their body). */
    runner?: (request: Request) => Promise<Response>;
  } = {},
): Harness {
  const {
    tokenTtlSeconds,
    autoApprove,
    emulator: sharedEmulator,
    users,
    runner: customRunner,
    ...gatewayOptions
  } = options;
  // A shared emulator: several gateway instances (isolates) in front of one Cloud.
  const emulator =
    sharedEmulator ??
    createCloudEmulator({
      wire: WIRE,
      projectId: PROJECT_ID,
      ...(tokenTtlSeconds !== undefined && { tokenTtlSeconds }),
      ...(autoApprove !== undefined && { autoApprove }),
      ...(users !== undefined && { users }),
    });
  const received: Received[] = [];
  const reports: ErrorReport[] = [];
  const runner = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    received.push({
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers: request.headers,
      body: await request.text(),
    });
    const header = request.headers.get('X-Mastra-User');
    return Response.json({
      path: url.pathname,
      userId: request.headers.get('X-Mastra-User-Id'),
      user: header === null ? null : decodeUserHeader(header),
    });
  };
  const network: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const origin = new URL(request.url).origin;
    if (origin === CLOUD) return emulator.fetcher(request);
    if (origin === RUNNER && customRunner !== undefined) {
      const url = new URL(request.url);
      received.push({ method: request.method, path: url.pathname, headers: request.headers, body: '' });
      return customRunner(request);
    }
    if (origin === RUNNER) return runner(request);
    throw new TypeError(`unexpected fetch to ${origin}`);
  };
  const gateway = createGateway({
    fetch: network,
    // Answered errors only; failures absorbed on the way (source composite/provider/storage) are
    // expected in fault tests and not what these assertions count.
    onError: (report) => {
      if (report.source === 'gateway') reports.push(report);
    },
    ...gatewayOptions,
  });
  const fullEnv: Record<string, unknown> = {
    UPSTREAM_URL: RUNNER,
    PUBLIC_ORIGIN: GATEWAY,
    MASTRA_CLOUD_API_URL: CLOUD,
    PROJECT_ID,
    SESSION_SECRET,
    BUSINESS_JWT_TOKEN: SERVICE_TOKEN,
    PLAYGROUND_JWT_TOKEN: PLAYGROUND_TOKEN,
    AUTH_KV: kv,
    MASTRA_CLOUD_WIRE: WIRE,
    ...env,
  };
  const background: Promise<unknown>[] = [];
  const ctx = { waitUntil: (promise: Promise<unknown>) => void background.push(promise) };
  const send = (path: string, init?: RequestInit) =>
    gateway.fetch(new Request(new URL(path, GATEWAY), init), fullEnv, ctx);
  const settle = async () => {
    while (background.length > 0) await Promise.allSettled(background.splice(0));
  };
  return {
    emulator,
    gateway,
    env: fullEnv,
    received,
    reports,
    send,
    ctx,
    settle,
    browser: () => new Browser(send, emulator),
  };
}

/** A browser: one cookie jar for the gateway's origin, redirects followed across origins. */
export class Browser {
  readonly jar = new Map<string, string>();
  readonly #send: Harness['send'];
  readonly #cloud: CloudEmulator;

  constructor(send: Harness['send'], cloud: CloudEmulator) {
    this.#send = send;
    this.#cloud = cloud;
  }

  /** The `Cookie` header this browser sends to the gateway. */
  cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /**
   * A top-level navigation: follows redirects (at most 10), keeping cookies from the gateway.
   *
   * @returns the final response and every URL visited
   */
  async navigate(path: string): Promise<{ response: Response; visited: string[] }> {
    let url = new URL(path, GATEWAY);
    const visited: string[] = [];
    for (let hop = 0; hop < 10; hop++) {
      visited.push(url.href);
      const headers = { Accept: 'text/html', 'Sec-Fetch-Mode': 'navigate' };
      const response =
        url.origin === CLOUD
          ? await this.#cloud.fetch(new Request(url, { headers, redirect: 'manual' }))
          : await this.request(`${url.pathname}${url.search}`, { headers });
      const location = response.headers.get('Location');
      if (response.status < 300 || response.status > 399 || location === null) return { response, visited };
      url = new URL(location, url);
    }
    throw new Error(`too many redirects: ${visited.join(' -> ')}`);
  }

  /** A request to the gateway with this browser's cookies; `Set-Cookie` answers update the jar. */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size > 0) headers.set('Cookie', this.cookieHeader());
    const response = await this.#send(path, { ...init, headers });
    for (const cookie of response.headers.getSetCookie()) this.#store(cookie);
    return response;
  }

  #store(setCookie: string): void {
    const [pair = '', ...attributes] = setCookie.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => a.trim().toLowerCase() === 'max-age=0');
    if (expired || value === '') this.jar.delete(name);
    else this.jar.set(name, value);
  }
}

/** Reads a JSON body as a plain record (fails the test on anything else). */
export async function jsonOf(response: Response): Promise<Record<string, unknown>> {
  const body: unknown = await response.json();
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new Error('expected a JSON object');
  return Object.fromEntries(Object.entries(body));
}
