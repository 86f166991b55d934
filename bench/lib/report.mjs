// Turns the sections' results into the stdout table and the target verdicts.

import os from 'node:os';

/** The targets of the cached path (BENCHMARKS.md). */
export const TARGETS = {
  /** ops/s of CompositeAuth.authenticateToken on an L1 hit and for a service token, in each runtime. */
  cachedDecisionOpsPerSec: 200_000,
  /** ...and at least this many times the rate of one awaited SHA-256 digest in the same run. */
  cachedDecisionOverDigest: 3,
  /** workerd CPU of the whole gateway handler per cached Cloud-token request (us). */
  gatewayHandlerUs: 25,
  /** Mastra server with createCloudAuth on a cached token vs the same server without auth. */
  mastraServerRatio: 0.95,
  /** L1 bytes per entry. */
  l1BytesPerEntry: 1024,
  throughputVsPassthrough: 0.9,
  addedP99Ms: 1,
  verifiesPerTokenPerTtl: 1,
  addedP50Ms: 1,
  throughputVsUncached: 20,
  uncachedCloudLatencyMs: 50,
};

/** Cores, memory, load, runtime versions. */
export function machineInfo(versions) {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    ...versions,
    loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

const verdict = (value, target, better) =>
  value === null || value === undefined || Number.isNaN(value)
    ? { value: null, target, met: null, by: null }
    : {
        value,
        target,
        met: better === 'higher' ? value >= target : value <= target,
        by: better === 'higher' ? value - target : target - value,
      };

/** Met/missed verdicts for every target a section that ran can judge (null when none ran). */
export function verdicts(results) {
  const out = {};
  const micro = results.micro;
  if (micro) {
    // workerd: CPU time where the harness could read it (a shared machine's load inflates wall time).
    const pick = (r) => (r?.opsPerCpuSecond ?? r?.opsPerSecond)?.median;
    for (const runtime of ['node', 'workerd']) {
      const rate = (name) => pick(micro[runtime]?.results.find((r) => r.name === name));
      const digest = rate('sha256-digest');
      for (const name of ['cloud-l1-hit', 'service-token']) {
        const ops = rate(name);
        if (ops === undefined) continue;
        out[`${runtime} ${name} ops/s`] = verdict(ops, TARGETS.cachedDecisionOpsPerSec, 'higher');
        out[`${runtime} ${name} / sha256-digest`] = verdict(
          digest ? ops / digest : null,
          TARGETS.cachedDecisionOverDigest,
          'higher',
        );
      }
    }
    const handler = micro.workerd?.results.find((r) => r.name === 'gateway-cloud-cached');
    if (handler)
      out['workerd gateway handler us/request'] = verdict(
        1e6 / pick(handler),
        TARGETS.gatewayHandlerUs,
        'lower',
      );
  }
  const gateway = results.gateway;
  if (gateway) {
    const { ratios, scenarios, cloudLatencyMs } = gateway;
    const cached = scenarios['gateway-cached'];
    out['gateway throughput vs passthrough'] = verdict(
      ratios.cachedOverPassthrough,
      TARGETS.throughputVsPassthrough,
      'higher',
    );
    out['gateway added p99 ms (probe)'] = verdict(ratios.addedP99MsProbe, TARGETS.addedP99Ms, 'lower');
    out['gateway added p50 ms (probe)'] = verdict(ratios.addedP50MsProbe, TARGETS.addedP50Ms, 'lower');
    out['Cloud verifies per token per TTL'] = verdict(
      cached.verify.perTokenPerTtl,
      TARGETS.verifiesPerTokenPerTtl,
      'lower',
    );
    out['gateway throughput vs verify-every-request'] =
      cloudLatencyMs === TARGETS.uncachedCloudLatencyMs
        ? verdict(ratios.cachedOverUncached, TARGETS.throughputVsUncached, 'higher')
        : { ...verdict(ratios.cachedOverUncached, TARGETS.throughputVsUncached, 'higher'), met: null };
  }
  if (results.mastra) {
    out['Mastra server createCloudAuth vs no auth'] = verdict(
      results.mastra.ratio,
      TARGETS.mastraServerRatio,
      'higher',
    );
  }
  if (results.memory) {
    out['L1 bytes per entry'] = verdict(results.memory.l1.bytesPerEntry, TARGETS.l1BytesPerEntry, 'lower');
  }
  return Object.keys(out).length === 0 ? null : out;
}

const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? '-'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The human-readable report. */
export function renderTable(results) {
  const out = [];
  const { machine } = results;
  out.push(
    `mastra-edge-auth benchmarks  ${results.date}  (${results.quick ? 'QUICK smoke run: numbers are not meaningful' : 'full run'})`,
    `machine: ${machine.cores} x ${machine.cpu}, ${fmt(machine.memoryBytes / 2 ** 30, 1)} GiB, node ${machine.node}, workerd ${machine.workerd}, load avg ${machine.loadAverageAtStart.join(' ')}`,
    '',
  );
  const micro = results.micro;
  if (micro) {
    const byName = new Map();
    for (const runtime of ['node', 'workerd']) {
      for (const r of micro[runtime]?.results ?? []) {
        const row = byName.get(r.name) ?? {};
        row[runtime] = r.opsPerSecond;
        if (r.opsPerCpuSecond) row[`${runtime}Cpu`] = r.opsPerCpuSecond;
        byName.set(r.name, row);
      }
    }
    const cell = (s) => (s ? `${fmt(s.median)} (${fmt(s.min)}-${fmt(s.max)})` : '-');
    const us = (s) => (s ? fmt(1e6 / s.median, 2) : '-');
    out.push(
      `Micro: ops/s, median (min-max) of ${micro.node?.runs ?? micro.workerd?.runs} runs after warm-up; workerd timed by wall clock and by the workerd process's CPU time (Linux schedstat), both minus an empty request; Node by wall clock and by process CPU time`,
      table(
        ['case', 'node (wall)', 'node (CPU)', 'us CPU', 'workerd (wall)', 'workerd (CPU)', 'us CPU'],
        [...byName].map(([name, row]) => [
          name,
          cell(row.node),
          cell(row.nodeCpu),
          us(row.nodeCpu),
          cell(row.workerd),
          cell(row.workerdCpu),
          us(row.workerdCpu),
        ]),
      ),
      '',
    );
  }
  const gw = results.gateway;
  if (gw) {
    out.push(
      `Gateway: ${gw.connections} connections; ${gw.rounds} interleaved rounds per scenario of <= ${gw.durationS} s / ${fmt(gw.maxRequests)} requests (medians shown); ${gw.tokens} Cloud tokens + 1 service token (${fmt(gw.serviceTokenShare * 100, 1)}% of requests); Cloud latency ${gw.cloudLatencyMs} ms`,
      table(
        [
          'scenario',
          'req/s',
          'min-max',
          'p50 ms',
          'p99 ms',
          'probe p50 ms',
          'probe p99 ms',
          'verify/1k req',
          'incl. warm-up',
          'verify total',
          'non-2xx',
        ],
        Object.values(gw.scenarios).map((s) => [
          s.name,
          fmt(s.load.reqPerSec),
          `${fmt(s.load.reqPerSecMin)}-${fmt(s.load.reqPerSecMax)}`,
          fmt(s.load.latencyMs.p50, 1),
          fmt(s.load.latencyMs.p99, 1),
          fmt(s.probe.p50Ms, 3),
          fmt(s.probe.p99Ms, 3),
          fmt(s.verify.perThousandRequests, 2),
          fmt(s.verify.perThousandRequestsAll, 2),
          fmt(s.verify.total),
          fmt(s.load.non2xx + s.warmup.non2xx + s.probe.failures),
        ]),
      ),
      `ratios (median of per-round paired ratios): cached/passthrough ${fmt(gw.ratios.cachedOverPassthrough, 3)}x (rounds: ${gw.ratios.cachedOverPassthroughPerRound.map((r) => fmt(r, 2)).join(', ')}), cached/uncached ${fmt(gw.ratios.cachedOverUncached, 1)}x, added p50 ${fmt(gw.ratios.addedP50MsProbe, 3)} ms / p99 ${fmt(gw.ratios.addedP99MsProbe, 3)} ms (probe) / ${fmt(gw.ratios.addedP50MsLoad, 1)} ms (under load)`,
      `ratios of the medians above: cached/passthrough ${fmt(gw.ratios.ofMedians.cachedOverPassthrough, 3)}x, cached/uncached ${fmt(gw.ratios.ofMedians.cachedOverUncached, 1)}x`,
      `Hono bearerAuth + Map / passthrough ${fmt(gw.ratios.honoOverPassthrough, 3)}x; gateway cached / Hono bearerAuth + Map ${fmt(gw.ratios.cachedOverHono, 3)}x`,
      `diagnostic: gateway-public (worker.ts, path public: no auth) / passthrough ${fmt(gw.ratios.publicOverPassthrough, 3)}x; cached / gateway-public ${fmt(gw.ratios.cachedOverPublic, 3)}x; per request at saturation: plumbing ${fmt(gw.ratios.plumbingMsPerRequest, 3)} ms, auth ${fmt(gw.ratios.authMsPerRequest, 3)} ms`,
      '',
    );
  }
  const ms = results.mastra;
  if (ms) {
    out.push(
      `Mastra server (Node, @mastra/core + @mastra/hono, GET ${ms.path}): ${ms.connections} connections; ${ms.rounds} interleaved rounds of <= ${ms.durationS} s; ${ms.tokens} Cloud tokens + 1 service token, cached`,
      table(
        ['server', 'req/s', 'rounds', 'p50 ms', 'p99 ms', 'probe p50 ms', 'probe p99 ms', 'non-2xx'],
        Object.entries(ms.scenarios).map(([name, s]) => [
          name,
          fmt(s.reqPerSec),
          s.reqPerSecRounds.map((r) => fmt(r)).join(' / '),
          fmt(s.p50Ms, 1),
          fmt(s.p99Ms, 1),
          fmt(s.probeP50Ms, 3),
          fmt(s.probeP99Ms, 3),
          fmt(s.non2xx),
        ]),
      ),
      `ratio cloud-auth / no-auth (median of per-round ratios): ${fmt(ms.ratio, 3)}x (rounds: ${ms.ratioPerRound.map((r) => fmt(r, 3)).join(', ')}); trivial-auth / no-auth ${fmt(ms.trivialOverNoAuth, 3)}x (Mastra's auth middleware alone); cloud-auth / trivial-auth ${fmt(ms.cloudOverTrivial, 3)}x; Cloud verifies during the rounds: ${fmt(ms.cloudVerifiesInRounds)}`,
      '',
    );
  }
  const mem = results.memory;
  if (mem) {
    out.push(
      'Memory (node, --expose-gc)',
      table(
        ['measure', 'value'],
        [
          [
            `L1 heap per 10k entries (median of ${mem.l1.repeats})`,
            `${fmt(mem.l1.bytesPer10k / 2 ** 20, 2)} MiB`,
          ],
          [
            '  per entry: total / cached value / cache overhead',
            `${fmt(mem.l1.bytesPerEntry)} / ${fmt(mem.l1.valueBytesPerEntry)} / ${fmt(mem.l1.overheadBytesPerEntry)} B`,
          ],
          [
            `L1 entries held after ${fmt(mem.bound.tokens)} distinct tokens`,
            `${fmt(mem.bound.retainedEntries)} (max ${fmt(mem.bound.maxEntries)}): ${mem.bound.holds ? 'bound holds' : 'BOUND BROKEN'}`,
          ],
          [
            'process RSS before / after',
            `${fmt(mem.bound.rssBytesBefore / 2 ** 20, 1)} / ${fmt(mem.bound.rssBytes / 2 ** 20, 1)} MiB`,
          ],
          [
            `  per entry with ${mem.l1.longTokenLength}-character tokens`,
            `${fmt(mem.l1.longTokenBytesPerEntry)} B`,
          ],
          [
            `soak: ${fmt(mem.soak.tokens)} new tokens in ${mem.soak.seconds} s; heap after GC, first / max / last sample`,
            mem.soak.samples.length === 0
              ? '-'
              : `${[mem.soak.samples[0].heapUsedBytes, mem.soak.heapMaxBytes, mem.soak.samples.at(-1).heapUsedBytes].map((b) => fmt(b / 2 ** 20, 2)).join(' / ')} MiB (growth ${fmt(mem.soak.heapGrowthBytes / 2 ** 20, 2)} MiB over ${mem.soak.samples.length} samples)`,
          ],
        ],
      ),
      '',
    );
  }
  if (results.targets) {
    const row = ([label, v]) => [
      label,
      fmt(v.value, 3),
      fmt(v.target, 3),
      v.met === null ? 'n/a' : v.met ? 'met' : `MISSED by ${fmt(Math.abs(v.by), 3)}`,
    ];
    out.push(
      'Targets',
      table(['target', 'value', 'target', 'verdict'], Object.entries(results.targets).map(row)),
      '',
    );
  }
  if (results.problems.length > 0) out.push('PROBLEMS:', ...results.problems.map((p) => `  - ${p}`), '');
  return out.join('\n');
}
