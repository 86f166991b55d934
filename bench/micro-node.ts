/**
 * Node micro-benchmark runner: times each case of `micro-cases.ts` in-process and prints one
 * JSON object on stdout. Run by `scripts/bench.mjs` (bundled by esbuild); every loop is bounded
 * by an operation count chosen from a warm-up so a run lasts about `--target-ms`.
 *
 *   node micro-node.mjs --runs 7 --target-ms 300 [--only cloud-l1-hit,pkce-pair]
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { positiveInt } from './args.js';
import {
  createMicroCases,
  isMicroCaseName,
  MAX_COLD_OPS,
  MICRO_CASE_NAMES,
  type MicroCaseName,
} from './micro-cases.js';
import { opsFor, type RateSummary, summarize } from './stats.js';

/** The result of one case. */
export interface MicroResult {
  name: MicroCaseName;
  describe: string;
  opsPerRun: number;
  opsPerSecond: RateSummary;
  opsPerCpuSecond: RateSummary;
}

const WARMUP_OPS = 500;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, 'target-ms': { type: 'string' }, only: { type: 'string' } },
  });
  const runs = positiveInt('runs', values.runs, 7);
  const targetMs = positiveInt('target-ms', values['target-ms'], 300);
  const only = values.only?.split(',').filter((n) => n !== '') ?? [...MICRO_CASE_NAMES];
  for (const name of only) if (!isMicroCaseName(name)) throw new TypeError(`--only: unknown case ${name}`);

  const cases = createMicroCases();
  const results: MicroResult[] = [];
  for (const name of MICRO_CASE_NAMES) {
    if (!only.includes(name)) continue;
    const c = cases.get(name)!;
    // Two warm-up passes (JIT, key derivation, first-touch allocations); the second calibrates.
    let t0 = 0;
    let warmRate = 0;
    for (let pass = 0; pass < 2; pass++) {
      await c.prepare(WARMUP_OPS);
      t0 = performance.now();
      await c.run(WARMUP_OPS);
      warmRate = (WARMUP_OPS * 1000) / Math.max(performance.now() - t0, 0.001);
    }
    const max = name === 'cloud-cold' ? MAX_COLD_OPS : 1_000_000;
    const n = opsFor(warmRate, targetMs, { min: 50, max });
    const rates: number[] = [];
    const cpuRates: number[] = [];
    for (let r = 0; r < runs; r++) {
      await c.prepare(n);
      const cpu0 = process.cpuUsage();
      t0 = performance.now();
      await c.run(n);
      rates.push((n * 1000) / Math.max(performance.now() - t0, 0.001));
      // CPU time of the whole process (all threads), in microseconds: immune to other processes
      // holding the cores, blind to time spent waiting (an awaited thread-pool job's round trip).
      const cpu = process.cpuUsage(cpu0);
      cpuRates.push((n * 1e6) / Math.max(cpu.user + cpu.system, 1));
    }
    results.push({
      name,
      describe: c.describe,
      opsPerRun: n,
      opsPerSecond: summarize(rates),
      opsPerCpuSecond: summarize(cpuRates),
    });
  }
  process.stdout.write(`${JSON.stringify({ runtime: 'node', version: process.version, runs, results })}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
