// The micro section: the same cases (bench/micro-cases.ts) timed in Node (in-process, in a
// child) and in workerd (bench/micro-worker.ts under Miniflare, timed from outside because
// workerd's clock stands still while JavaScript runs).

import { performance } from 'node:perf_hooks';
import { runNodeJson } from './procs.mjs';
import { startWorker } from './workerd.mjs';

const MAX_COLD_OPS = 20_000;
const WARMUP_OPS = 500;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Micro benchmarks in Node (child process). */
export async function microNode({ script, runs, targetMs }) {
  const budget = 60_000 + 12 * (runs + 2) * targetMs * 4;
  const { result } = await runNodeJson(script, ['--runs', String(runs), '--target-ms', String(targetMs)], {
    timeoutMs: budget,
    label: 'micro (node)',
  });
  return result;
}

async function step(url, path, name, n) {
  const response = await fetch(`${url}/${path}?case=${name}&n=${n}`, {
    method: 'POST',
    signal: AbortSignal.timeout(120_000),
  });
  const body = await response.json();
  if (!response.ok || body.ok !== true)
    throw new Error(`micro (workerd) ${path} ${name}: ${body.error ?? response.status}`);
}

async function timedRun(url, name, n) {
  const t0 = performance.now();
  await step(url, 'run', name, n);
  return performance.now() - t0;
}

/** Micro benchmarks in workerd (Miniflare), timed per request from Node minus an empty request. */
export async function microWorkerd({ root, script, runs, targetMs }) {
  const worker = await startWorker(root, { scriptPath: script });
  try {
    const baselines = [];
    for (let i = 0; i < 5; i++) await timedRun(worker.url, 'noop', 0);
    for (let i = 0; i < 21; i++) baselines.push(await timedRun(worker.url, 'noop', 0));
    const baselineMs = median(baselines);
    const listed = await fetch(`${worker.url}/cases`, { signal: AbortSignal.timeout(10_000) });
    const { cases } = await listed.json();
    if (!Array.isArray(cases) || cases.length === 0) throw new Error('micro (workerd): no case list');
    const results = [];
    for (const name of cases) {
      // Two warm-up passes; the second calibrates the run length.
      let warmMs = 0;
      for (let pass = 0; pass < 2; pass++) {
        await step(worker.url, 'prepare', name, WARMUP_OPS);
        warmMs = Math.max(0.05, (await timedRun(worker.url, name, WARMUP_OPS)) - baselineMs);
      }
      const max = name === 'cloud-cold' ? MAX_COLD_OPS : 1_000_000;
      const n = Math.min(max, Math.max(50, Math.round((WARMUP_OPS * targetMs) / warmMs)));
      const rates = [];
      for (let r = 0; r < runs; r++) {
        await step(worker.url, 'prepare', name, n);
        const ms = Math.max(0.05, (await timedRun(worker.url, name, n)) - baselineMs);
        rates.push((n * 1000) / ms);
      }
      results.push({
        name,
        opsPerRun: n,
        opsPerSecond: {
          median: median(rates),
          min: Math.min(...rates),
          max: Math.max(...rates),
          runs: rates,
        },
      });
    }
    return { runtime: 'workerd', baselineRequestMs: baselineMs, runs, results };
  } finally {
    await worker.dispose();
  }
}
