// Turns the sections' results into the stdout table and the target verdicts.

import os from 'node:os';

/** The targets of the cached path (BENCHMARKS.md). */
export const TARGETS = {
  throughputVsPassthrough: 0.9,
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

/** Met/missed verdicts for the gateway targets (null when the gateway section did not run). */
export function verdicts(gateway) {
  if (!gateway) return null;
  const { ratios, scenarios, cloudLatencyMs } = gateway;
  const cached = scenarios['gateway-cached'];
  const verdict = (value, target, better) => ({
    value,
    target,
    met: better === 'higher' ? value >= target : value <= target,
    by: better === 'higher' ? value - target : target - value,
  });
  return {
    throughputVsPassthrough: verdict(ratios.cachedOverPassthrough, TARGETS.throughputVsPassthrough, 'higher'),
    verifiesPerTokenPerTtl: verdict(cached.verify.perTokenPerTtl, TARGETS.verifiesPerTokenPerTtl, 'lower'),
    addedP50Ms: verdict(ratios.addedP50MsProbe, TARGETS.addedP50Ms, 'lower'),
    throughputVsUncached:
      cloudLatencyMs === TARGETS.uncachedCloudLatencyMs
        ? verdict(ratios.cachedOverUncached, TARGETS.throughputVsUncached, 'higher')
        : {
            value: ratios.cachedOverUncached,
            target: TARGETS.throughputVsUncached,
            met: null,
            note: `Cloud latency was ${cloudLatencyMs} ms, target is defined at 50 ms`,
          },
  };
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
        byName.set(r.name, row);
      }
    }
    const cell = (s) => (s ? `${fmt(s.median)} (${fmt(s.min)}-${fmt(s.max)})` : '-');
    out.push(
      `Micro: ops/s, median (min-max) of ${micro.node?.runs ?? micro.workerd?.runs} runs after warm-up`,
      table(
        ['case', 'node', 'workerd'],
        [...byName].map(([name, row]) => [name, cell(row.node), cell(row.workerd)]),
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
      `ratios (median of per-round paired ratios): cached/passthrough ${fmt(gw.ratios.cachedOverPassthrough, 3)}x (rounds: ${gw.ratios.cachedOverPassthroughPerRound.map((r) => fmt(r, 2)).join(', ')}), cached/uncached ${fmt(gw.ratios.cachedOverUncached, 1)}x, added p50 ${fmt(gw.ratios.addedP50MsProbe, 3)} ms (probe) / ${fmt(gw.ratios.addedP50MsLoad, 1)} ms (under load)`,
      `ratios of the medians above: cached/passthrough ${fmt(gw.ratios.ofMedians.cachedOverPassthrough, 3)}x, cached/uncached ${fmt(gw.ratios.ofMedians.cachedOverUncached, 1)}x`,
      `diagnostic: gateway-public (worker.ts, path public: no auth) / passthrough ${fmt(gw.ratios.publicOverPassthrough, 3)}x; cached / gateway-public ${fmt(gw.ratios.cachedOverPublic, 3)}x; per request at saturation: plumbing ${fmt(gw.ratios.plumbingMsPerRequest, 3)} ms, auth ${fmt(gw.ratios.authMsPerRequest, 3)} ms`,
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
        ],
      ),
      '',
    );
  }
  if (results.targets) {
    const t = results.targets;
    const row = (label, v, unit) => [
      label,
      `${fmt(v.value, 3)}${unit}`,
      `${fmt(v.target, 3)}${unit}`,
      v.met === null ? 'n/a' : v.met ? 'met' : `MISSED by ${fmt(Math.abs(v.by), 3)}${unit}`,
    ];
    out.push(
      'Targets (cached path)',
      table(
        ['target', 'value', 'target', 'verdict'],
        [
          row('throughput vs passthrough (>=)', t.throughputVsPassthrough, 'x'),
          row('Cloud verifies per token per TTL (<=)', t.verifiesPerTokenPerTtl, ''),
          row('p50 added latency (probe, <=)', t.addedP50Ms, ' ms'),
          row('throughput vs verify-every-request (>=)', t.throughputVsUncached, 'x'),
        ],
      ),
      '',
    );
  }
  if (results.problems.length > 0) out.push('PROBLEMS:', ...results.problems.map((p) => `  - ${p}`), '');
  return out.join('\n');
}
