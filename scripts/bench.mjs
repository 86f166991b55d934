#!/usr/bin/env node
// Benchmarks: what a request pays for auth, and how many Cloud calls it costs (BENCHMARKS.md).
//
//   npm run bench                      full run (several minutes)
//   node scripts/bench.mjs --quick     smoke run with tiny counts (seconds; numbers meaningless)
//   node scripts/bench.mjs --only micro|gateway|mastra|memory   (comma-separated for several)
//   node scripts/bench.mjs --only micro --micro-cases sha256-digest,cloud-l1-hit   (some cases)
//   options: --cloud-latency-ms <n> (default 50), --connections <n> (default 10),
//            --out <file> (default bench/results/latest.json)
//
// Sections:
//   micro    CompositeAuth.authenticateToken (service token; Cloud token on an L1 hit, a KV hit,
//            cold), opening a sealed cookie, a PKCE pair: ops/s in Node and in workerd
//   gateway  passthrough Worker vs the gateway cached vs uncached, under autocannon, with
//            the Cloud emulator's verify counters
//   mastra   a real Mastra server (Node) with createCloudAuth on cached tokens vs no auth
//   memory   L1 bytes per 10k entries; RSS after 100k distinct tokens (LRU bound asserted);
//            a 2-minute soak of ever-new tokens through CompositeAuth (heap sampled)
//
// Everything binds 127.0.0.1; every loop is bounded by a count and a time limit; child
// processes and workerd instances are stopped on exit. TypeScript entries are bundled with
// esbuild into a temporary directory (removed on exit), so no `npm run build` is needed.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SECTIONS = ['micro', 'gateway', 'mastra', 'memory'];

function usage(message) {
  if (message) console.error(`bench: ${message}`);
  console.error(
    'Usage: node scripts/bench.mjs [--quick] [--only micro,gateway,mastra,memory] [--micro-cases a,b] [--cloud-latency-ms 50] [--connections 10] [--out file]',
  );
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'cloud-latency-ms': { type: 'string' },
      'micro-cases': { type: 'string' },
      connections: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  usage(error.message);
}
if (values.help) usage();
const only = values.only === undefined ? SECTIONS : values.only.split(',').map((s) => s.trim());
for (const section of only) if (!SECTIONS.includes(section)) usage(`--only: unknown section "${section}"`);
const latencyText = values['cloud-latency-ms'] ?? '50';
const cloudLatencyMs = Number(latencyText);
if (!/^\d+$/.test(latencyText) || cloudLatencyMs > 10_000) usage('--cloud-latency-ms must be 0-10000');
const connectionsText = values.connections ?? (values.quick ? '4' : '10');
const connections = Number(connectionsText);
if (!/^\d+$/.test(connectionsText) || connections < 1 || connections > 256)
  usage('--connections must be 1-256');
const quick = values.quick;
const outFile = resolve(root, values.out ?? 'bench/results/latest.json');

// Sizes: full run vs smoke run.
const plan = quick
  ? {
      micro: { runs: 2, targetMs: 20 },
      gateway: {
        connections,
        warmupS: 2,
        warmupRequests: 150,
        rounds: 1,
        probeRequests: 30,
        probeMaxS: 2,
        durationS: 2,
        maxRequests: 300,
        tokenCount: 12,
      },
      mastra: {
        tokenCount: 12,
        connections,
        rounds: 1,
        warmupS: 2,
        warmupRequests: 150,
        probeRequests: 30,
        probeMaxS: 2,
        durationS: 2,
        maxRequests: 300,
      },
      memory: { entries: 1_000, tokens: 12_000, repeats: 1, soakS: 2 },
    }
  : {
      micro: { runs: 7, targetMs: 300 },
      gateway: {
        connections,
        warmupS: 4,
        warmupRequests: 3_000,
        rounds: 3,
        probeRequests: 1_000,
        probeMaxS: 2,
        durationS: 3,
        maxRequests: 100_000,
        tokenCount: 100,
      },
      mastra: {
        tokenCount: 100,
        connections,
        rounds: 3,
        warmupS: 3,
        warmupRequests: 3_000,
        probeRequests: 1_000,
        probeMaxS: 2,
        durationS: 3,
        maxRequests: 100_000,
      },
      memory: { entries: 10_000, tokens: 100_000, repeats: 5, soakS: 120 },
    };

const { buildEntries } = await import('../bench/lib/build.mjs');
const { disposeAll, onDispose } = await import('../bench/lib/procs.mjs');
const { runtimeVersions } = await import('../bench/lib/workerd.mjs');
const { machineInfo, renderTable, verdicts } = await import('../bench/lib/report.mjs');

const log = (message) => console.error(`[bench] ${message}`);

async function main() {
  const started = Date.now();
  const entries = [];
  if (only.includes('micro')) entries.push('micro-node', 'micro-worker');
  if (only.includes('gateway'))
    entries.push('backends', 'passthrough', 'gateway', 'gateway-uncached', 'hono-bearer');
  if (only.includes('mastra')) entries.push('mastra-servers');
  if (only.includes('memory')) entries.push('memory');
  log(`bundling ${entries.join(', ')}`);
  const { paths, esbuildVersion, cleanup } = await buildEntries(root, entries);
  onDispose(cleanup);

  const results = {
    date: new Date().toISOString(),
    quick,
    command: `node scripts/bench.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: machineInfo({ ...runtimeVersions(root), esbuild: esbuildVersion }),
    plan,
    micro: null,
    gateway: null,
    mastra: null,
    memory: null,
    targets: null,
    problems: [],
  };

  if (only.includes('micro')) {
    const { microNode, microWorkerd } = await import('../bench/lib/micro.mjs');
    log('micro: node');
    const cases = values['micro-cases']?.split(',').filter((name) => name !== '');
    const node = await microNode({ script: paths['micro-node'], ...plan.micro, cases });
    log('micro: workerd');
    const workerd = await microWorkerd({ root, script: paths['micro-worker'], ...plan.micro, cases });
    results.micro = { node, workerd };
  }
  if (only.includes('gateway')) {
    const { gatewaySection } = await import('../bench/lib/gateway.mjs');
    log(`gateway: passthrough, cached, uncached (Cloud latency ${cloudLatencyMs} ms)`);
    results.gateway = await gatewaySection(root, { paths, cloudLatencyMs, ...plan.gateway });
    for (const s of Object.values(results.gateway.scenarios)) {
      const bad = s.warmup.non2xx + s.load.non2xx + s.probe.failures + s.load.errors + s.warmup.errors;
      if (bad > 0) results.problems.push(`gateway ${s.name}: ${bad} failed or non-2xx requests`);
    }
  }
  if (only.includes('mastra')) {
    const { mastraSection } = await import('../bench/lib/mastra.mjs');
    log('mastra: a real Mastra server with createCloudAuth (cached tokens) vs the same server without auth');
    results.mastra = await mastraSection({ script: paths['mastra-servers'], cloudLatencyMs, ...plan.mastra });
    if (results.mastra.scenarios['cloud-auth'].non2xx + results.mastra.scenarios['no-auth'].non2xx > 0)
      results.problems.push('mastra: failed or non-2xx requests');
  }
  if (only.includes('memory')) {
    const { memory } = await import('../bench/lib/memory.mjs');
    log('memory');
    results.memory = await memory({ script: paths.memory, ...plan.memory });
    if (!results.memory.bound.holds) results.problems.push('memory: the L1 bound did not hold');
    if (results.memory.soak.tokens < 1) results.problems.push('memory: the soak verified no token');
  }

  results.targets = verdicts(results);
  results.machine.loadAverageAtEnd = (await import('node:os'))
    .loadavg()
    .map((n) => Math.round(n * 100) / 100);
  results.elapsedS = (Date.now() - started) / 1000;
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(renderTable(results));
  console.log(
    `JSON: ${outFile.startsWith(root) ? join('.', outFile.slice(root.length)) : outFile}  (${results.elapsedS.toFixed(1)} s)`,
  );
  return results.problems.length === 0 ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await disposeAll();
}
process.exit(code);
