// The gateway section: one request sequence through (a) a passthrough Worker (no auth, the
// floor), (b) the gateway (worker.ts) with its verify cache, (c) the gateway verifying with
// Cloud on every request. Each Worker runs in workerd (Miniflare) on 127.0.0.1; the runner and
// the Cloud emulator (with added latency) run in one Node child; autocannon drives the load.

import { performance } from 'node:perf_hooks';
import { emulatorControl } from './emulator.mjs';
import { latencyProbe, load, summarizeLoad } from './load.mjs';
import { startNodeService } from './procs.mjs';
import { startWorker } from './workerd.mjs';

const PROJECT_ID = 'proj_bench';
const SESSION_SECRET = 'bench-gateway-session-secret-0123456789abcdef';
const SERVICE_TOKEN = 'svc_bench_gateway_0123456789abcdef0123456789';
const PATH = '/api/agents';
/** Positive verify TTL of the gateway (kv-session default): the window for "verifies per token". */
export const POSITIVE_TTL_MS = 60_000;

async function verifyCalls(cloud) {
  const counts = await emulatorControl(cloud, 'GET', 'counts');
  if (typeof counts.verify !== 'number') throw new Error('emulator counts without verify');
  return counts.verify;
}

/** `count` users with one Cloud token each, minted through the emulator's control API. */
async function mintTokens(cloud, count) {
  const tokens = [];
  for (let i = 0; i < count; i++) {
    const id = `user_bench_${i}`;
    await emulatorControl(cloud, 'POST', 'users', {
      id,
      email: `bench${i}@example.com`,
      name: `Bench ${i}`,
      role: 'member',
    });
    const { token } = await emulatorControl(cloud, 'POST', 'tokens', { userId: id });
    tokens.push(token);
  }
  return tokens;
}

/** The request mix: every Cloud token once per cycle, a service-token request after every tenth. */
function requestSequence(tokens) {
  const sequence = [];
  tokens.forEach((token, i) => {
    sequence.push(token);
    if (i % 10 === 9) sequence.push(SERVICE_TOKEN);
  });
  return sequence.map((token) => ({ authorization: `Bearer ${token}`, accept: 'application/json' }));
}

/** A shared cursor over the sequence, so concurrent connections interleave it. */
function cursor(sequence) {
  let next = 0;
  return () => sequence[next++ % sequence.length];
}

/** Sanity checks before measuring: every credential kind answers 200, and a gateway refuses none. */
async function sanity(url, cloudToken, { gateway }) {
  const check = async (headers, expected) => {
    const response = await fetch(`${url}${PATH}`, { headers, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    if (response.status !== expected) throw new Error(`sanity: expected ${expected}, got ${response.status}`);
  };
  await check({ authorization: `Bearer ${SERVICE_TOKEN}`, accept: 'application/json' }, 200);
  await check({ authorization: `Bearer ${cloudToken}`, accept: 'application/json' }, 200);
  await check({ accept: 'application/json' }, gateway ? 401 : 200);
  if (gateway) await check({ authorization: 'Bearer not-a-token', accept: 'application/json' }, 401);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Starts a scenario's Worker and checks it answers every credential kind as it should. */
async function startScenario(root, { name, scriptPath, bindings, kv, gateway }, ctx) {
  const worker = await startWorker(root, { scriptPath, bindings, kvNamespaces: kv ? ['AUTH_KV'] : [] });
  try {
    await sanity(worker.url, ctx.sanityToken, { gateway });
  } catch (error) {
    await worker.dispose();
    throw error;
  }
  return { name, worker, rounds: [], warmup: null, verifyWarmup: 0, started: 0, ended: 0 };
}

/** Warm-up: first contact with every token (the cold verifies of a cached gateway happen here). */
async function warmUp(s, ctx) {
  s.started = performance.now();
  const v0 = await verifyCalls(ctx.cloud);
  const { connections, warmupS: durationS, warmupRequests: maxRequests } = ctx;
  s.warmup = summarizeLoad(
    await load(`${s.worker.url}${PATH}`, ctx.next, { connections, durationS, maxRequests }),
  );
  s.verifyWarmup = (await verifyCalls(ctx.cloud)) - v0;
}

/** One measured round of a scenario: latency probe, then load; Cloud verifies counted for each. */
async function measureRound(s, ctx) {
  const v0 = await verifyCalls(ctx.cloud);
  const probe = await latencyProbe(
    `${s.worker.url}${PATH}`,
    ctx.next,
    ctx.probeRequests,
    ctx.probeMaxS * 1000,
  );
  const v1 = await verifyCalls(ctx.cloud);
  const { connections, durationS, maxRequests } = ctx;
  const measured = summarizeLoad(
    await load(`${s.worker.url}${PATH}`, ctx.next, { connections, durationS, maxRequests }),
  );
  const v2 = await verifyCalls(ctx.cloud);
  s.rounds.push({ probe, load: measured, verify: { probe: v1 - v0, load: v2 - v1 } });
  s.ended = performance.now();
}

/** A scenario's rounds folded into medians (throughput, latencies) and sums (requests, verifies). */
function summarizeScenario(s, ctx) {
  const aliveMs = s.ended - s.started;
  const sum = (pick) => s.rounds.reduce((total, round) => total + pick(round), 0);
  const loadRequests = sum((r) => r.load.requests);
  const probeRequests = sum((r) => r.probe.requests);
  const verifyLoad = sum((r) => r.verify.load);
  const verifyTotal = s.verifyWarmup + sum((r) => r.verify.probe) + verifyLoad;
  const rps = s.rounds.map((r) => r.load.reqPerSec);
  return {
    name: s.name,
    warmup: s.warmup,
    rounds: s.rounds,
    load: {
      reqPerSec: median(rps),
      reqPerSecMin: Math.min(...rps),
      reqPerSecMax: Math.max(...rps),
      requests: loadRequests,
      non2xx: sum((r) => r.load.non2xx),
      errors: sum((r) => r.load.errors),
      latencyMs: {
        p50: median(s.rounds.map((r) => r.load.latencyMs.p50)),
        p99: median(s.rounds.map((r) => r.load.latencyMs.p99)),
      },
    },
    probe: {
      requests: probeRequests,
      failures: sum((r) => r.probe.failures),
      p50Ms: median(s.rounds.map((r) => r.probe.p50Ms)),
      p99Ms: median(s.rounds.map((r) => r.probe.p99Ms)),
    },
    verify: {
      warmup: s.verifyWarmup,
      probe: sum((r) => r.verify.probe),
      load: verifyLoad,
      total: verifyTotal,
      perThousandRequests: loadRequests > 0 ? (verifyLoad * 1000) / loadRequests : null,
      // Cold start included: every verify since the warm-up began, over every request sent since.
      perThousandRequestsAll: (verifyTotal * 1000) / (s.warmup.requests + probeRequests + loadRequests),
      aliveS: aliveMs / 1000,
      // At most one verify per token per TTL window: a token seen for `alive` ms spans at most
      // ceil(alive / TTL) windows.
      perTokenPerTtl: verifyTotal / ctx.tokens.length / Math.max(1, Math.ceil(aliveMs / POSITIVE_TTL_MS)),
      ttlWindows: Math.max(1, Math.ceil(aliveMs / POSITIVE_TTL_MS)),
    },
  };
}

/**
 * Runs the three scenarios against one set of back ends and one token mix.
 * @param options - bundles, Cloud latency, load shape
 */
export async function gatewaySection(root, options) {
  const { paths, cloudLatencyMs, tokenCount } = options;
  const backends = await startNodeService(
    paths.backends,
    [
      '--latency-ms',
      String(cloudLatencyMs),
      '--project-id',
      PROJECT_ID,
      '--max-lifetime-ms',
      String(20 * 60_000),
    ],
    { timeoutMs: 30_000, label: 'backends' },
  );
  try {
    const { upstream, cloud } = backends.info;
    // One more token than the mix uses, for the sanity checks (kept out of the verify counts).
    const minted = await mintTokens(cloud, tokenCount + 1);
    const sanityToken = minted.pop();
    const tokens = minted;
    const sequence = requestSequence(tokens);
    const serviceShare =
      sequence.filter((h) => h.authorization === `Bearer ${SERVICE_TOKEN}`).length / sequence.length;
    const ctx = { ...options, cloud, tokens, sanityToken, next: cursor(sequence) };
    const gatewayBindings = {
      UPSTREAM_URL: upstream,
      MASTRA_CLOUD_API_URL: cloud,
      PROJECT_ID,
      SESSION_SECRET,
      BUSINESS_JWT_TOKEN: SERVICE_TOKEN,
      AUTH_COOKIE_SECURE: 'false',
      // 100 first-seen tokens at once by design; the unknown-token budget is measured by
      // `npm run reliability`.
      AUTH_UNKNOWN_TOKEN_RATE: '0',
    };
    const scenarios = [
      {
        name: 'passthrough',
        scriptPath: paths.passthrough,
        bindings: { UPSTREAM_URL: upstream },
        kv: false,
        gateway: false,
      },
      {
        // Diagnostic: the gateway's own plumbing (routing, header rewriting, proxy) without auth,
        // the same worker.ts with the benchmark path public. Splits (b) - (a) into plumbing + auth.
        name: 'gateway-public',
        scriptPath: paths.gateway,
        bindings: { ...gatewayBindings, PUBLIC_PATHS: `${PATH.slice(0, PATH.lastIndexOf('/'))}/*` },
        kv: true,
        gateway: false,
      },
      {
        name: 'gateway-cached',
        scriptPath: paths.gateway,
        bindings: gatewayBindings,
        kv: true,
        gateway: true,
      },
      {
        name: 'gateway-uncached',
        scriptPath: paths['gateway-uncached'],
        bindings: gatewayBindings,
        kv: true,
        gateway: true,
      },
      {
        // What a user might write instead: Hono's bearerAuth, the same Cloud call, a plain Map.
        name: 'hono-bearer-map',
        scriptPath: paths['hono-bearer'],
        bindings: gatewayBindings,
        kv: false,
        gateway: true,
      },
    ];
    // All three Workers stay up for the whole section (an idle workerd costs nothing); rounds
    // alternate the order (a b c, c b a, ...) so drift in the machine's load hits each alike.
    const running = [];
    try {
      for (const spec of scenarios) running.push(await startScenario(root, spec, ctx));
      // The caching scenarios warm up last, so their entries (written together, expiring
      // together) stay fresh through every round: the rounds measure the steady state within one TTL.
      const caching = (s) => Number(s.name === 'gateway-cached' || s.name === 'hono-bearer-map');
      const cachedLast = [...running].sort((x, y) => caching(x) - caching(y));
      for (const s of cachedLast) await warmUp(s, ctx);
      for (let round = 0; round < ctx.rounds; round++) {
        const order = round % 2 === 0 ? running : [...running].reverse();
        for (const s of order) await measureRound(s, ctx);
      }
    } finally {
      await Promise.allSettled(running.map((s) => s.worker.dispose()));
    }
    const results = Object.fromEntries(running.map((s) => [s.name, summarizeScenario(s, ctx)]));
    const a = results.passthrough;
    const b = results['gateway-cached'];
    const c = results['gateway-uncached'];
    const p = results['gateway-public'];
    const h = results['hono-bearer-map'];
    const perRound = (x, y) => x.rounds.map((r, i) => r.load.reqPerSec / y.rounds[i].load.reqPerSec);
    const perRoundDiff = (x, y, pick) => x.rounds.map((r, i) => pick(r) - pick(y.rounds[i]));
    return {
      cloudLatencyMs,
      tokens: tokenCount,
      serviceTokenShare: serviceShare,
      connections: options.connections,
      rounds: options.rounds,
      durationS: options.durationS,
      maxRequests: options.maxRequests,
      cachedVariant:
        'worker.ts as deployed: verify cache defaults (positive TTL 60 s, L1 5 s / 10k entries, KV = Miniflare local KV, coalesce none)',
      uncachedVariant:
        "bench/gateway-uncached-worker.ts: createGateway({ cloudCache: 'off' }): no L1, no KV tier, no negative caching",
      scenarios: results,
      // Each ratio is the median over rounds of the paired per-round ratio (both sides measured
      // seconds apart, so drift in the machine's load cancels); `ofMedians` gives the other view.
      ratios: {
        cachedOverPassthrough: median(perRound(b, a)),
        cachedOverUncached: median(perRound(b, c)),
        publicOverPassthrough: median(perRound(p, a)),
        cachedOverPublic: median(perRound(b, p)),
        honoOverPassthrough: median(perRound(h, a)),
        cachedOverHono: median(perRound(b, h)),
        cachedOverPassthroughPerRound: perRound(b, a),
        cachedOverUncachedPerRound: perRound(b, c),
        addedP50MsProbe: median(perRoundDiff(b, a, (r) => r.probe.p50Ms)),
        addedP99MsProbe: median(perRoundDiff(b, a, (r) => r.probe.p99Ms)),
        addedP50MsLoad: median(perRoundDiff(b, a, (r) => r.load.latencyMs.p50)),
        // CPU-bound cost per request (1/throughput) of the gateway's plumbing and of its auth.
        plumbingMsPerRequest: median(perRoundDiff(p, a, (r) => 1000 / r.load.reqPerSec)),
        authMsPerRequest: median(perRoundDiff(b, p, (r) => 1000 / r.load.reqPerSec)),
        ofMedians: {
          cachedOverPassthrough: b.load.reqPerSec / a.load.reqPerSec,
          cachedOverUncached: b.load.reqPerSec / c.load.reqPerSec,
          addedP50MsProbe: b.probe.p50Ms - a.probe.p50Ms,
        },
      },
    };
  } finally {
    await backends.stop();
  }
}
