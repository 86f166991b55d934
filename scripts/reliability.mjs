#!/usr/bin/env node
// Reliability run: the gateway (worker.ts) under `wrangler dev` against the Cloud emulator, with
// Cloud faults injected through the emulator's control API. Prints (RELIABILITY.md):
//   - answers and times under each Cloud fault (hang, 5xx, 429, reset, slow)
//   - Cloud calls per request during a hang with 100 concurrent requests
//   - Cloud calls caused by 1,000 distinct junk tokens
//   - recovery time after Cloud returns (circuit breaker open -> closed)
//   - workerd RSS over a run with ever-new tokens (2 minutes; 15 s with --quick)
//
//   npm run reliability                 full run (about 4 minutes)
//   node scripts/reliability.mjs --quick   smoke run (about 1 minute)
//   options: --port-base <n> (default 18400: gateway, inspector, runner, Cloud on n..n+3),
//            --out <file> (default bench/results/reliability.json)
//
// Loopback only (127.0.0.1); every loop is bounded by a count and a time limit; wrangler (and
// its workerd) and the back ends are stopped on exit. Timings are reported, never asserted.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const PROJECT_ID = 'proj_reliability';
const SESSION_SECRET = 'reliability-session-secret-0123456789abcdef';
const DEMO_USER_ID = 'user_demo';
const CLOUD_LATENCY_MS = 20;

let values;
try {
  ({ values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'port-base': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`reliability: ${error.message}`);
  process.exit(2);
}
if (values.help) {
  console.log('Usage: node scripts/reliability.mjs [--quick] [--port-base 18400] [--out file]');
  process.exit(0);
}
const portBase = Number(values['port-base'] ?? '18400');
if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65_000) {
  console.error('reliability: --port-base must be 1024-65000');
  process.exit(2);
}
const quick = values.quick;
const outFile = resolve(root, values.out ?? 'bench/results/reliability.json');
const PORTS = {
  gateway: portBase,
  inspector: portBase + 1,
  upstream: portBase + 2,
  cloud: portBase + 3,
  miniflare: portBase + 4,
};
const plan = quick
  ? { perFault: 4, concurrent: 100, junk: 1_000, rssSeconds: 15, rssConnections: 4 }
  : { perFault: 10, concurrent: 100, junk: 1_000, rssSeconds: 120, rssConnections: 8 };

const { buildEntries } = await import('../bench/lib/build.mjs');
const { disposeAll, onDispose, startNodeService } = await import('../bench/lib/procs.mjs');
const { compatibilityDate, runtimeVersions } = await import('../bench/lib/workerd.mjs');
const { machineInfo } = await import('../bench/lib/report.mjs');
const { emulatorControl } = await import('../bench/lib/emulator.mjs');

const log = (message) => console.error(`[reliability] ${message}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cloudUrl = `http://${HOST}:${PORTS.cloud}`;
// Where requests go: the gateway under wrangler dev, or under Miniflare for the last phase.
let gatewayUrl = `http://${HOST}:${PORTS.gateway}`;

// ---- Cloud emulator control ----------------------------------------------------------------

const control = (method, action, body) => emulatorControl(cloudUrl, method, action, body);
const verifyCalls = async () => (await control('GET', 'counts')).verify;
const mint = async () => (await control('POST', 'tokens', { userId: DEMO_USER_ID })).token;
const fault = (f) => control('POST', 'faults', { route: 'verify', ...f });
const clearFaults = () => control('DELETE', 'faults');

// ---- the gateway under wrangler dev --------------------------------------------------------

function startGateway(vars) {
  const persist = mkdtempSync(join(tmpdir(), 'mea-reliability-'));
  const argv = [
    join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
    'dev',
    '--ip',
    HOST,
    '--port',
    String(PORTS.gateway),
    '--inspector-port',
    String(PORTS.inspector),
    '--persist-to',
    persist,
    '--show-interactive-dev-session=false',
    ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
  ];
  const child = spawn(process.execPath, argv, {
    cwd: root,
    detached: true, // its own process group, so wrangler and its workerd stop together
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      NO_COLOR: '1',
    },
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-16_384);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const stop = onDispose(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid, 'SIGINT');
      } catch {}
      const force = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }, 5_000);
      await exited;
      clearTimeout(force);
    }
    rmSync(persist, { recursive: true, force: true });
  });
  return { child, stop, output: () => output };
}

async function waitHealthy(gateway) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gateway.child.exitCode !== null) throw new Error(`wrangler dev exited:\n${gateway.output()}`);
    try {
      const response = await fetch(`${gatewayUrl}/auth/health`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {}
    await sleep(250);
  }
  throw new Error(`the gateway did not become healthy in 60 s:\n${gateway.output()}`);
}

async function withGateway(vars, run) {
  const gateway = startGateway({
    UPSTREAM_URL: `http://${HOST}:${PORTS.upstream}`,
    MASTRA_CLOUD_API_URL: cloudUrl,
    PROJECT_ID,
    SESSION_SECRET,
    AUTH_COOKIE_SECURE: 'false',
    SERVER_TIMING: 'true',
    ...vars,
  });
  try {
    await waitHealthy(gateway);
    return await run(gateway);
  } finally {
    await gateway.stop();
  }
}

/** One request with a bearer token: status, wall time, Server-Timing. Bounded to 30 s. */
async function call(token) {
  const t0 = performance.now();
  try {
    const response = await fetch(`${gatewayUrl}/api/agents`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
    await response.arrayBuffer();
    return {
      status: response.status,
      ms: performance.now() - t0,
      retryAfter: response.headers.get('Retry-After'),
      timing: response.headers.get('Server-Timing'),
    };
  } catch (error) {
    return { status: 0, ms: performance.now() - t0, error: error.name };
  }
}

async function breakerState() {
  const response = await fetch(`${gatewayUrl}/auth/health`, { signal: AbortSignal.timeout(5_000) });
  return (await response.json()).breaker;
}

/** Clears faults and waits (bounded) until a fresh token is admitted: the breaker is closed. */
async function recover() {
  await clearFaults();
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) {
    const answer = await call(await mint());
    if (answer.status === 200) return performance.now() - t0;
    await sleep(200);
  }
  throw new Error('the gateway did not recover within 40 s');
}

const histogram = (answers) =>
  answers.reduce((h, a) => {
    h[a.status] = (h[a.status] ?? 0) + 1;
    return h;
  }, {});
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? null;
const round = (n) => (n === null ? null : Math.round(n));
function times(answers) {
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  return {
    firstMs: round(answers[0]?.ms ?? null),
    p50Ms: round(quantile(ms, 0.5)),
    maxMs: round(ms.at(-1) ?? null),
  };
}

// ---- scenarios -----------------------------------------------------------------------------

const FAULTS = [
  { name: 'hang', fault: { kind: 'hang' } },
  { name: '5xx (503)', fault: { kind: 'http_error', status: 503 } },
  { name: '429', fault: { kind: 'http_error', status: 429 } },
  { name: 'reset', fault: { kind: 'network_error' } },
  { name: 'slow (1 s)', fault: { kind: 'delay', ms: 1_000 } },
];

async function faultTable() {
  const rows = [];
  for (const { name, fault: f } of FAULTS) {
    await recover();
    const tokens = [];
    for (let i = 0; i < plan.perFault; i++) tokens.push(await mint());
    const v0 = await verifyCalls();
    await fault(f);
    const answers = [];
    for (const token of tokens) answers.push(await call(token));
    const cloudCalls = (await verifyCalls()) - v0;
    rows.push({
      fault: name,
      requests: answers.length,
      statuses: histogram(answers),
      ...times(answers),
      retryAfter: answers.find((a) => a.retryAfter !== null)?.retryAfter ?? null,
      cloudCalls,
      breaker: await breakerState(),
    });
    log(`fault ${name}: ${JSON.stringify(rows.at(-1))}`);
  }
  return rows;
}

async function hangConcurrent() {
  await recover();
  const tokens = [];
  for (let i = 0; i < plan.concurrent; i++) tokens.push(await mint());
  const v0 = await verifyCalls();
  await fault({ kind: 'hang' });
  const t0 = performance.now();
  const answers = await Promise.all(tokens.map((t) => call(t)));
  const elapsedMs = performance.now() - t0;
  const cloudCalls = (await verifyCalls()) - v0;
  const result = {
    requests: answers.length,
    statuses: histogram(answers),
    ...times(answers),
    elapsedMs: round(elapsedMs),
    cloudCalls,
    cloudCallsPerRequest: cloudCalls / answers.length,
    breaker: await breakerState(),
  };
  log(`hang x${plan.concurrent}: ${JSON.stringify(result)}`);
  // Recovery: Cloud comes back while the breaker is open.
  const recoveryMs = await recover();
  log(`recovery after Cloud returned: ${Math.round(recoveryMs)} ms`);
  return { hang: result, recoveryMs: round(recoveryMs) };
}

async function junkTokens() {
  await recover();
  const v0 = await verifyCalls();
  const t0 = performance.now();
  const answers = [];
  const concurrency = 20;
  for (let i = 0; i < plan.junk; i += concurrency) {
    const batch = [];
    for (let j = i; j < Math.min(i + concurrency, plan.junk); j++) {
      batch.push(call(`junk.${j}.${Math.random().toString(36).slice(2)}${'x'.repeat(20)}`));
    }
    answers.push(...(await Promise.all(batch)));
  }
  const elapsedMs = performance.now() - t0;
  const result = {
    tokens: plan.junk,
    statuses: histogram(answers),
    elapsedMs: round(elapsedMs),
    cloudCalls: (await verifyCalls()) - v0,
  };
  log(`junk: ${JSON.stringify(result)}`);
  return result;
}

/** The workerd process below `rootPid` (its descendants, found through /proc). */
function workerdPid(rootPid) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {}
  }
  const descends = (pid) => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = parents.get(p) ?? 0, hops++)
      if (p === rootPid) return true;
    return false;
  };
  for (const pid of parents.keys()) {
    if (pid === rootPid || !descends(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('workerd')) return pid;
    } catch {}
  }
  return undefined;
}

function rssMb(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

async function rssRun(rootPid) {
  const pid = workerdPid(rootPid);
  if (pid === undefined) return { error: 'workerd process not found' };
  await recover();
  const samples = [{ s: 0, rssMb: rssMb(pid) }];
  const end = performance.now() + plan.rssSeconds * 1000;
  let requests = 0;
  const statuses = {};
  const worker = async () => {
    while (performance.now() < end && requests < 200_000) {
      const answer = await call(await mint());
      requests++;
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    }
  };
  const sampler = (async () => {
    const t0 = performance.now();
    while (performance.now() < end) {
      await sleep(Math.min(10_000, Math.max(0, end - performance.now())));
      samples.push({ s: Math.round((performance.now() - t0) / 1000), rssMb: rssMb(pid) });
    }
  })();
  await Promise.all([...Array.from({ length: plan.rssConnections }, worker), sampler]);
  const result = { seconds: plan.rssSeconds, requests, distinctTokens: requests, statuses, samples };
  log(`rss: ${JSON.stringify(result)}`);
  return result;
}

async function miniflareRss() {
  const { paths, cleanup } = await buildEntries(root, ['gateway']);
  onDispose(cleanup);
  const { Miniflare } = createRequire(join(root, 'node_modules', 'wrangler', 'package.json'))('miniflare');
  // KV on disk: in-memory KV would live in the workerd process and be counted as the gateway's.
  const kvDir = mkdtempSync(join(tmpdir(), 'mea-reliability-kv-'));
  onDispose(() => rmSync(kvDir, { recursive: true, force: true }));
  const mf = new Miniflare({
    modules: true,
    scriptPath: paths.gateway,
    modulesRoot: dirname(paths.gateway),
    compatibilityDate: compatibilityDate(root),
    host: HOST,
    port: PORTS.miniflare,
    kvNamespaces: ['AUTH_KV'],
    kvPersist: kvDir,
    bindings: {
      UPSTREAM_URL: `http://${HOST}:${PORTS.upstream}`,
      MASTRA_CLOUD_API_URL: cloudUrl,
      PROJECT_ID,
      SESSION_SECRET,
      AUTH_COOKIE_SECURE: 'false',
      AUTH_UNKNOWN_TOKEN_RATE: '0',
    },
  });
  const dispose = onDispose(() => mf.dispose());
  try {
    await mf.ready;
    gatewayUrl = `http://${HOST}:${PORTS.miniflare}`;
    return await rssRun(process.pid);
  } finally {
    await dispose();
  }
}

// ---- main ----------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  log('bundling the back ends');
  const { paths, esbuildVersion, cleanup } = await buildEntries(root, ['backends']);
  onDispose(cleanup);
  const backends = await startNodeService(
    paths.backends,
    [
      '--latency-ms',
      String(CLOUD_LATENCY_MS),
      '--project-id',
      PROJECT_ID,
      '--upstream-port',
      String(PORTS.upstream),
      '--cloud-port',
      String(PORTS.cloud),
      '--max-lifetime-ms',
      String(15 * 60_000),
    ],
    { timeoutMs: 30_000, label: 'backends' },
  );
  onDispose(() => backends.stop());

  const results = {
    date: new Date().toISOString(),
    quick,
    command: `node scripts/reliability.mjs${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: machineInfo({ ...runtimeVersions(root), esbuild: esbuildVersion }),
    plan: { ...plan, cloudLatencyMs: CLOUD_LATENCY_MS },
  };

  // Defaults, except a budget for unknown tokens large enough for 100 fresh users at once.
  log('phase 1: faults, hang x100, recovery (AUTH_UNKNOWN_TOKEN_BURST=200)');
  await withGateway({ AUTH_UNKNOWN_TOKEN_BURST: '200' }, async () => {
    results.faults = await faultTable();
    Object.assign(results, await hangConcurrent());
  });
  log('phase 2: 1,000 junk tokens (default budget: burst 50, 10/s)');
  await withGateway({}, async () => {
    results.junk = await junkTokens();
  });
  log(`phase 3: RSS over ${plan.rssSeconds} s with ever-new tokens (budget off)`);
  await withGateway({ AUTH_UNKNOWN_TOKEN_RATE: '0' }, async (gateway) => {
    results.rss = await rssRun(gateway.child.pid);
  });
  // wrangler dev's workerd grows under load by itself; the same run under Miniflare (workerd
  // directly, in-memory KV) shows what the gateway itself keeps.
  log(`phase 4: the same under Miniflare (workerd directly)`);
  results.rssMiniflare = await miniflareRss();

  results.machine.loadAverageAtEnd = (await import('node:os'))
    .loadavg()
    .map((n) => Math.round(n * 100) / 100);
  results.elapsedS = (Date.now() - started) / 1000;
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(render(results));
  console.log(`JSON: ${outFile}  (${results.elapsedS.toFixed(1)} s)`);
  return 0;
}

function render(r) {
  const lines = [];
  lines.push(
    `Reliability run ${r.date}${r.quick ? ' (quick)' : ''}: ${r.machine.cpu}, ${r.machine.cores} cores`,
  );
  lines.push('');
  lines.push(
    '| Cloud fault | requests | answers | first ms | p50 ms | max ms | Retry-After | Cloud calls | breaker after |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const f of r.faults) {
    lines.push(
      `| ${f.fault} | ${f.requests} | ${JSON.stringify(f.statuses)} | ${f.firstMs} | ${f.p50Ms} | ${f.maxMs} | ${f.retryAfter ?? '-'} | ${f.cloudCalls} | ${f.breaker} |`,
    );
  }
  const h = r.hang;
  lines.push('');
  lines.push(
    `Hang, ${h.requests} concurrent requests: ${JSON.stringify(h.statuses)} in ${h.elapsedMs} ms (max ${h.maxMs} ms); ` +
      `${h.cloudCalls} Cloud calls = ${h.cloudCallsPerRequest.toFixed(2)} per request; breaker ${h.breaker}`,
  );
  lines.push(`Recovery after Cloud returned (breaker open): ${r.recoveryMs} ms to the first 200`);
  lines.push(
    `Junk: ${r.junk.tokens} distinct junk tokens -> ${r.junk.cloudCalls} Cloud calls; answers ${JSON.stringify(r.junk.statuses)} in ${r.junk.elapsedMs} ms`,
  );
  if (r.rss.samples) {
    lines.push(
      `RSS (workerd under wrangler dev), ${r.rss.requests} requests with ever-new tokens over ${r.rss.seconds} s: ` +
        r.rss.samples.map((s) => `${s.s}s=${s.rssMb}MB`).join(' '),
    );
  } else lines.push(`RSS: ${r.rss.error}`);
  const m = r.rssMiniflare;
  if (m?.samples) {
    lines.push(
      `RSS (workerd under Miniflare), ${m.requests} requests with ever-new tokens over ${m.seconds} s: ` +
        m.samples.map((s) => `${s.s}s=${s.rssMb}MB`).join(' '),
    );
  } else if (m) lines.push(`RSS (Miniflare): ${m.error}`);
  return lines.join('\n');
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`reliability: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await disposeAll();
}
process.exit(code);
