// The micro section: the same cases (bench/micro-cases.ts) timed in Node (in-process, in a
// child) and in workerd (bench/micro-worker.ts under Miniflare, timed from outside because
// workerd's clock stands still while JavaScript runs).

import { readdirSync, readFileSync } from 'node:fs';
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
export async function microNode({ script, runs, targetMs, cases }) {
  const budget = 60_000 + 12 * (runs + 2) * targetMs * 4;
  const args = ['--runs', String(runs), '--target-ms', String(targetMs)];
  if (cases) args.push('--only', cases.join(','));
  const { result } = await runNodeJson(script, args, {
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

/**
 * The workerd processes this harness started (Linux `/proc`; none elsewhere). Their CPU time is
 * what a request costs the runtime: unlike wall time, it does not grow while other processes on
 * a shared machine hold the cores.
 */
function workerdPids() {
  const pids = [];
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const match = /^\d+ \((.*)\) \S (\d+)/.exec(stat);
      if (match?.[1] === 'workerd' && Number(match[2]) === process.pid) pids.push(Number(entry));
    } catch {
      // the process went away
    }
  }
  return pids;
}

/** CPU time of every thread of the processes, in ms (`schedstat`: nanoseconds on a CPU). */
function cpuMs(pids) {
  let ns = 0;
  for (const pid of pids) {
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread went away
      }
    }
  }
  return ns / 1e6;
}

async function timedRun(url, name, n, pids) {
  const c0 = pids.length > 0 ? cpuMs(pids) : null;
  const t0 = performance.now();
  await step(url, 'run', name, n);
  const ms = performance.now() - t0;
  return { ms, cpuMs: c0 === null ? null : cpuMs(pids) - c0 };
}

/** Micro benchmarks in workerd (Miniflare), timed per request from Node minus an empty request. */
export async function microWorkerd({ root, script, runs, targetMs, cases: only }) {
  const before = new Set(workerdPids());
  const worker = await startWorker(root, { scriptPath: script });
  const pids = workerdPids().filter((pid) => !before.has(pid));
  try {
    const baselines = [];
    for (let i = 0; i < 5; i++) await timedRun(worker.url, 'noop', 0, pids);
    for (let i = 0; i < 21; i++) baselines.push(await timedRun(worker.url, 'noop', 0, pids));
    const baselineMs = median(baselines.map((b) => b.ms));
    const baselineCpuMs = pids.length > 0 ? median(baselines.map((b) => b.cpuMs)) : null;
    const listed = await fetch(`${worker.url}/cases`, { signal: AbortSignal.timeout(10_000) });
    const { cases } = await listed.json();
    if (!Array.isArray(cases) || cases.length === 0) throw new Error('micro (workerd): no case list');
    const results = [];
    for (const name of cases) {
      if (only && !only.includes(name)) continue;
      // Two warm-up passes; the second calibrates the run length.
      let warmMs = 0;
      for (let pass = 0; pass < 2; pass++) {
        await step(worker.url, 'prepare', name, WARMUP_OPS);
        const warm = await timedRun(worker.url, name, WARMUP_OPS, pids);
        // Calibrate on CPU time where available: on a loaded machine, wall time minus the empty
        // request's can come out near zero and ask for a run far longer than the target.
        const net = baselineCpuMs === null ? warm.ms - baselineMs : warm.cpuMs - baselineCpuMs;
        warmMs = Math.max(0.05, net);
      }
      const max = name === 'cloud-cold' ? MAX_COLD_OPS : 1_000_000;
      const n = Math.min(max, Math.max(50, Math.round((WARMUP_OPS * targetMs) / warmMs)));
      const rates = [];
      const cpuRates = [];
      for (let r = 0; r < runs; r++) {
        await step(worker.url, 'prepare', name, n);
        const run = await timedRun(worker.url, name, n, pids);
        rates.push((n * 1000) / Math.max(0.05, run.ms - baselineMs));
        if (baselineCpuMs !== null) cpuRates.push((n * 1000) / Math.max(0.05, run.cpuMs - baselineCpuMs));
      }
      const summary = (values) => ({
        median: median(values),
        min: Math.min(...values),
        max: Math.max(...values),
        runs: values,
      });
      results.push({
        name,
        opsPerRun: n,
        opsPerSecond: summary(rates),
        ...(cpuRates.length > 0 && { opsPerCpuSecond: summary(cpuRates) }),
      });
    }
    return {
      runtime: 'workerd',
      baselineRequestMs: baselineMs,
      baselineRequestCpuMs: baselineCpuMs,
      runs,
      results,
    };
  } finally {
    await worker.dispose();
  }
}
