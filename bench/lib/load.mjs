// Load generation for the gateway section: autocannon windows bounded by count and duration,
// and a sequential latency probe timed with hrtime.

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

/** autocannon, bounded by request count and duration (and a hard stop a little after). */
export function load(target, next, { connections, durationS, maxRequests }) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const instance = autocannon(
      {
        url: target,
        connections,
        duration: durationS,
        // autocannon needs at least one request per connection.
        maxOverallRequests: Math.max(maxRequests, connections),
        timeout: 10,
        requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, headers: next() }) }],
      },
      (error, result) => {
        clearTimeout(hardStop);
        if (error) reject(error);
        else resolve({ result, elapsedMs: performance.now() - t0 });
      },
    );
    const hardStop = setTimeout(() => instance.stop(), (durationS + 30) * 1000);
  });
}

export function summarizeLoad({ result, elapsedMs }) {
  const completed = result['2xx'] + result.non2xx;
  return {
    requests: completed,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    elapsedS: elapsedMs / 1000,
    reqPerSec: completed / (elapsedMs / 1000),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
  };
}

/**
 * Sequential requests on one keep-alive connection, each timed with hrtime: unloaded latency at
 * microsecond resolution (autocannon's histogram has whole milliseconds). Stops after `count`
 * requests or `maxMs`, whichever comes first.
 */
export async function latencyProbe(target, next, count, maxMs) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(target);
  const samples = [];
  let failures = 0;
  const deadline = performance.now() + maxMs;
  try {
    for (let i = 0; i < count && performance.now() < deadline; i++) {
      const headers = next();
      const t0 = process.hrtime.bigint();
      const status = await new Promise((resolve, reject) => {
        const request = http.request(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            headers,
            agent,
            timeout: 10_000,
          },
          (response) => {
            response.resume();
            response.once('end', () => resolve(response.statusCode));
          },
        );
        request.once('timeout', () => request.destroy(new Error('probe request timed out')));
        request.once('error', reject);
        request.end();
      });
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (status !== 200) failures++;
    }
  } finally {
    agent.destroy();
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { requests: samples.length, failures, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99) };
}
