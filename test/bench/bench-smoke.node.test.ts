/**
 * Smoke run of the benchmark harness (`node scripts/bench.mjs --quick`): every section runs end
 * to end with tiny counts and writes a JSON report with numbers in every place. The numbers
 * themselves are not asserted (timing is never asserted in tests); the structure, the request
 * outcomes and the counters are.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TIMEOUT_MS = 85_000;

interface RunOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBench(args: string[]): Promise<RunOutcome> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['scripts/bench.mjs', ...args], {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGINT'), TIMEOUT_MS - 5_000);
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

function isPositiveNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

const MICRO_CASES = [
  'sha256-digest',
  'service-token',
  'cloud-l1-hit',
  'cloud-kv-hit',
  'cloud-cold',
  'open-sealed-cookie',
  'pkce-pair',
  'gateway-public',
  'gateway-service-token',
  'gateway-cloud-cached',
];
const SCENARIOS = ['passthrough', 'gateway-public', 'gateway-cached', 'gateway-uncached', 'hono-bearer-map'];

describe('npm run bench --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  const out = join(dir, 'latest.json');
  let outcome: RunOutcome;
  // biome-ignore lint/suspicious/noExplicitAny: the report is checked field by field below
  let report: any;

  beforeAll(async () => {
    outcome = await runBench(['--quick', '--out', out]);
    report = JSON.parse(readFileSync(out, 'utf8'));
  }, TIMEOUT_MS);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 and prints the table', () => {
    expect(outcome.stderr).not.toMatch(/bench: .*Error/);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('Micro: ops/s');
    expect(outcome.stdout).toContain('Gateway:');
    expect(outcome.stdout).toContain('Mastra server');
    expect(outcome.stdout).toContain('Memory');
    expect(outcome.stdout).toContain('Targets');
  });

  it('records the machine and the run', () => {
    expect(report.quick).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
    expect(report.machine.workerd).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('has ops/s for every micro case in Node and in workerd', () => {
    for (const runtime of ['node', 'workerd']) {
      const results: Array<{
        name: string;
        opsPerSecond: { median: number; min: number; max: number };
        opsPerCpuSecond?: { median: number };
      }> = report.micro[runtime].results;
      expect(results.map((r) => r.name)).toEqual(MICRO_CASES);
      for (const r of results) {
        expect(isPositiveNumber(r.opsPerSecond.median), `${runtime} ${r.name}`).toBe(true);
        // CPU-time rates: Node always; workerd where /proc is readable (Linux).
        if (runtime === 'node' || process.platform === 'linux')
          expect(isPositiveNumber(r.opsPerCpuSecond?.median), `${runtime} ${r.name} (CPU)`).toBe(true);
        expect(r.opsPerSecond.min).toBeLessThanOrEqual(r.opsPerSecond.median);
        expect(r.opsPerSecond.max).toBeGreaterThanOrEqual(r.opsPerSecond.median);
      }
    }
  });

  it('has throughput, latency and Cloud verify counts for every gateway scenario', () => {
    const { scenarios, ratios } = report.gateway;
    expect(Object.keys(scenarios)).toEqual(SCENARIOS);
    for (const name of SCENARIOS) {
      const s = scenarios[name];
      expect(isPositiveNumber(s.load.reqPerSec), name).toBe(true);
      expect(s.load.non2xx + s.warmup.non2xx + s.probe.failures, name).toBe(0);
      expect(isPositiveNumber(s.probe.p50Ms), name).toBe(true);
      expect(typeof s.load.latencyMs.p99, name).toBe('number');
      for (const key of ['warmup', 'probe', 'load', 'total'])
        expect(isCount(s.verify[key]), `${name} ${key}`).toBe(true);
    }
    // The floor never asks Cloud; verify-every-request asks once per Cloud-token request.
    expect(scenarios.passthrough.verify.total).toBe(0);
    expect(scenarios['gateway-public'].verify.total).toBe(0);
    const uncached = scenarios['gateway-uncached'];
    const cloudShare = 1 - report.gateway.serviceTokenShare;
    expect(uncached.verify.load).toBeGreaterThanOrEqual(
      Math.floor(0.9 * cloudShare * uncached.load.requests),
    );
    // The cached gateway asks Cloud for every token while warming up (more than once for a token
    // whose cold verify is still in flight when it comes round again: workerd cannot coalesce
    // across requests), then never again while the entries are fresh (the run is shorter than the TTL).
    const cached = scenarios['gateway-cached'];
    expect(cached.verify.warmup).toBeGreaterThanOrEqual(report.gateway.tokens);
    expect(cached.verify.probe + cached.verify.load).toBe(0);
    for (const key of ['cachedOverPassthrough', 'cachedOverUncached'])
      expect(isPositiveNumber(ratios[key])).toBe(true);
    expect(typeof ratios.addedP50MsProbe).toBe('number');
    expect(typeof ratios.addedP99MsProbe).toBe('number');
    // Hono's bearerAuth + Map asks Cloud once per token too.
    expect(scenarios['hono-bearer-map'].verify.probe + scenarios['hono-bearer-map'].verify.load).toBe(0);
    expect(isPositiveNumber(ratios.cachedOverHono)).toBe(true);
  });

  it('has both Mastra servers answering every request, and their ratio', () => {
    const { scenarios, ratio } = report.mastra;
    for (const name of ['no-auth', 'cloud-auth']) {
      expect(isPositiveNumber(scenarios[name].reqPerSec), name).toBe(true);
      expect(scenarios[name].non2xx, name).toBe(0);
    }
    expect(isPositiveNumber(ratio)).toBe(true);
  });

  it('has L1 bytes per 10k entries and RSS, with the LRU bound holding', () => {
    const { l1, bound } = report.memory;
    expect(isPositiveNumber(l1.bytesPer10k)).toBe(true);
    expect(isPositiveNumber(bound.rssBytes)).toBe(true);
    expect(bound.tokens).toBeGreaterThan(bound.maxEntries);
    expect(bound.retainedEntries).toBe(bound.maxEntries);
    expect(bound.holds).toBe(true);
    expect(isPositiveNumber(report.memory.l1.longTokenBytesPerEntry)).toBe(true);
    expect(report.memory.soak.tokens).toBeGreaterThan(0);
  });

  it('has a verdict for every target', () => {
    for (const key of [
      'node cloud-l1-hit / sha256-digest',
      'workerd service-token ops/s',
      'workerd gateway handler us/request',
      'gateway throughput vs passthrough',
      'gateway added p99 ms (probe)',
      'Cloud verifies per token per TTL',
      'Mastra server createCloudAuth vs no auth',
      'L1 bytes per entry',
    ]) {
      expect(typeof report.targets[key].value, key).toBe('number');
      expect([true, false]).toContain(report.targets[key].met);
    }
  });
});
