/**
 * Micro cases for the whole gateway handler (`createGateway().fetch`, the code `worker.ts` runs)
 * with the network stubbed out: the upstream answers in memory and Cloud is the in-memory
 * emulator. They attribute the gateway's per-request CPU to routing/proxying versus auth, which
 * the load test (dominated by HTTP and the runtime) cannot resolve. Web APIs only.
 *
 * @module
 */
import { createGateway, type Gateway } from '../src/gateway/index.js';
import { MemoryKVStore } from '../src/kv-session/index.js';
import { type CloudEmulator, createCloudEmulator } from '../src/testing/index.js';
import type { MicroCase, MicroCaseName } from './micro-cases.js';

const PROJECT_ID = 'proj_bench';
const CLOUD = 'https://cloud.bench.invalid';
const UPSTREAM = 'https://runner.bench.invalid';
const SERVICE_TOKEN = 'svc_bench_gateway_micro_0123456789abcdef012345';
const TOKENS = 100;
const BODY = JSON.stringify({ ok: true, runner: 'bench' });
const BODY_BYTES = new TextEncoder().encode(BODY).length;

interface Rig {
  gateway: Gateway;
  env: Record<string, unknown>;
  emulator: CloudEmulator;
}

/** The gateway over an in-memory Cloud and runner, with an in-memory KV as `AUTH_KV`. */
function rig(): Rig {
  const emulator = createCloudEmulator({ projectId: PROJECT_ID });
  const transport: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(CLOUD)) return emulator.fetcher(input, init);
    // With its length, as the bench runner (`bench/backends.ts`) and most JSON answers have it: an
    // answer of unknown length is relayed as a stream (chunk by chunk, idle gaps bounded).
    return new Response(BODY, {
      status: 200,
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(BODY_BYTES) },
    });
  };
  const gateway = createGateway({
    fetch: transport,
    onError: () => {},
  });
  const env = {
    UPSTREAM_URL: UPSTREAM,
    MASTRA_CLOUD_API_URL: CLOUD,
    PROJECT_ID,
    SESSION_SECRET: 'bench-gateway-micro-session-secret-0123456789abcdef',
    BUSINESS_JWT_TOKEN: SERVICE_TOKEN,
    AUTH_COOKIE_SECURE: 'false',
    // Thousands of first-seen tokens by design; the unknown-token budget is measured by `npm run reliability`.
    AUTH_UNKNOWN_TOKEN_RATE: '0',
    PUBLIC_PATHS: '/public/*',
    AUTH_KV: new MemoryKVStore({ maxEntries: 10_000 }),
  };
  return { gateway, env, emulator };
}

function request(path: string, token: string): Request {
  return new Request(`https://gateway.bench.invalid${path}`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
}

async function mustPass(r: Rig, req: Request): Promise<void> {
  const response = await r.gateway.fetch(req, r.env);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`gateway answered ${response.status}`);
}

function gatewayCase(
  name: MicroCaseName,
  describe: string,
  path: string,
  tokens: (r: Rig) => string[],
): MicroCase {
  let state: { r: Rig; tokens: string[] } | undefined;
  // Requests are built per run: in workerd a Request (its signal, which the gateway watches)
  // belongs to the request handler that made it and cannot be used from the next one.
  const build = (list: string[]) => list.map((t) => request(path, t));
  return {
    name,
    describe,
    async prepare() {
      if (state !== undefined) return;
      const r = rig();
      const list = tokens(r);
      for (const req of build(list)) await mustPass(r, req);
      state = { r, tokens: list };
    },
    async run(n) {
      const { r } = state!;
      const requests = build(state!.tokens);
      for (let i = 0; i < n; i++) await mustPass(r, requests[i % requests.length]!);
    },
  };
}

/** The gateway micro cases, in report order. */
export function createGatewayCases(): MicroCase[] {
  return [
    gatewayCase(
      'gateway-public',
      'createGateway().fetch on a public path: routing, header rewriting, proxy (upstream stubbed), no auth',
      '/public/agents',
      () => [SERVICE_TOKEN],
    ),
    gatewayCase(
      'gateway-service-token',
      'createGateway().fetch with a service token: the above plus authentication and identity headers',
      '/api/agents',
      () => [SERVICE_TOKEN],
    ),
    gatewayCase(
      'gateway-cloud-cached',
      `createGateway().fetch with Cloud tokens answered from the cache (${TOKENS} tokens; L1, KV every 5 s)`,
      '/api/agents',
      (r) => Array.from({ length: TOKENS }, () => r.emulator.issueToken('user_demo')),
    ),
  ];
}
