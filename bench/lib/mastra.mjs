// The Mastra-server section: a real Mastra server on Node with `createCloudAuth` answering cached
// Cloud tokens, against the same server with no auth. Both servers and the Cloud emulator run in
// one Node child (bench/mastra-servers.ts); autocannon drives `GET /api/tools` from this process.

import { latencyProbe, load, summarizeLoad } from './load.mjs';
import { startNodeService } from './procs.mjs';

const PATH = '/api/tools';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function mustAnswer(url, headers, expected) {
  const response = await fetch(`${url}${PATH}`, { headers, signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  if (response.status !== expected)
    throw new Error(`mastra sanity: expected ${expected}, got ${response.status}`);
}

/**
 * Interleaved rounds of load against the two servers, with the same request mix (every Cloud
 * token once per cycle, a service token after every tenth), sent to both.
 */
export async function mastraSection(options) {
  const {
    script,
    cloudLatencyMs,
    tokenCount,
    connections,
    rounds,
    warmupS,
    warmupRequests,
    durationS,
    maxRequests,
  } = options;
  const servers = await startNodeService(
    script,
    [
      '--latency-ms',
      String(cloudLatencyMs),
      '--tokens',
      String(tokenCount),
      '--max-lifetime-ms',
      String(20 * 60_000),
    ],
    { timeoutMs: 60_000, label: 'mastra servers' },
  );
  try {
    const { noAuth, trivialAuth, cloudAuth, cloud, tokens, serviceToken } = servers.info;
    const verifies = async () => {
      const response = await fetch(`${cloud}/__emulator/counts`, { signal: AbortSignal.timeout(10_000) });
      const body = await response.json();
      return body.data.verify;
    };
    const sequence = [];
    tokens.forEach((token, i) => {
      sequence.push({ authorization: `Bearer ${token}`, accept: 'application/json' });
      if (i % 10 === 9)
        sequence.push({ authorization: `Bearer ${serviceToken}`, accept: 'application/json' });
    });
    let cursor = 0;
    const next = () => sequence[cursor++ % sequence.length];
    await mustAnswer(cloudAuth, { accept: 'application/json' }, 401);
    await mustAnswer(cloudAuth, sequence[0], 200);
    await mustAnswer(noAuth, sequence[0], 200);
    await mustAnswer(trivialAuth, sequence[0], 200);
    const scenarios = {
      'no-auth': { url: noAuth, rounds: [] },
      'trivial-auth': { url: trivialAuth, rounds: [] },
      'cloud-auth': { url: cloudAuth, rounds: [] },
    };
    // Warm-up: JIT, and the first (cold) verify of every token on the auth server.
    for (const s of Object.values(scenarios)) {
      s.warmup = summarizeLoad(
        await load(`${s.url}${PATH}`, next, { connections, durationS: warmupS, maxRequests: warmupRequests }),
      );
    }
    const order = Object.values(scenarios);
    const verifiesBefore = await verifies();
    for (let round = 0; round < rounds; round++) {
      for (const s of round % 2 === 0 ? order : [...order].reverse()) {
        const probe = await latencyProbe(
          `${s.url}${PATH}`,
          next,
          options.probeRequests,
          options.probeMaxS * 1000,
        );
        const measured = summarizeLoad(
          await load(`${s.url}${PATH}`, next, { connections, durationS, maxRequests }),
        );
        s.rounds.push({ probe, load: measured });
      }
    }
    const summary = (s) => ({
      reqPerSec: median(s.rounds.map((r) => r.load.reqPerSec)),
      reqPerSecRounds: s.rounds.map((r) => r.load.reqPerSec),
      p50Ms: median(s.rounds.map((r) => r.load.latencyMs.p50)),
      p99Ms: median(s.rounds.map((r) => r.load.latencyMs.p99)),
      probeP50Ms: median(s.rounds.map((r) => r.probe.p50Ms)),
      probeP99Ms: median(s.rounds.map((r) => r.probe.p99Ms)),
      non2xx:
        s.warmup.non2xx + s.rounds.reduce((n, r) => n + r.load.non2xx + r.probe.failures + r.load.errors, 0),
    });
    const verifiesInRounds = (await verifies()) - verifiesBefore;
    const a = scenarios['no-auth'];
    const b = scenarios['cloud-auth'];
    const t = scenarios['trivial-auth'];
    const perRound = b.rounds.map((r, i) => r.load.reqPerSec / a.rounds[i].load.reqPerSec);
    const ratioOf = (x, y) => median(x.rounds.map((r, i) => r.load.reqPerSec / y.rounds[i].load.reqPerSec));
    return {
      path: PATH,
      tokens: tokenCount,
      connections,
      rounds,
      durationS,
      cloudLatencyMs,
      scenarios: { 'no-auth': summary(a), 'trivial-auth': summary(t), 'cloud-auth': summary(b) },
      ratio: median(perRound),
      ratioPerRound: perRound,
      trivialOverNoAuth: ratioOf(t, a),
      cloudOverTrivial: ratioOf(b, t),
      cloudVerifiesInRounds: verifiesInRounds,
    };
  } finally {
    await servers.stop();
  }
}
