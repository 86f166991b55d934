#!/usr/bin/env node
// Measures the revocation window of each storage configuration (STORAGE.md "Revocation windows"):
// the time from a logout through one isolate/process (A) until another one (B), whose L1 held
// the user, refuses the token.
//
//   npm run revocation-window            measure and print the table
//   npm run revocation-window -- --write also replace the table in STORAGE.md
//
// - memory, KV only (KV double, 60 s lag, simulated time), Redis with and without pub/sub (a real
//   redis-server on a free loopback port): bench/revocation-node.ts in a Node child.
// - KV + Durable Object: two gateway Workers (two isolates) in one workerd (Miniflare) sharing
//   the AuthStoreObject and the KV namespace, a browser signing in through A, logging out through
//   A, then asking B until it refuses; with AUTH_DO_SYNC_MS 0 and 1000. Also what the DO costs:
//   the latency of an authenticated request (L1 hit) through the gateway with and without AUTH_DO.
// Everything binds 127.0.0.1; children and workerd are stopped on exit. Needs redis-server.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const write = process.argv.includes('--write');
process.env.WRANGLER_SEND_METRICS = 'false';

const { buildEntries } = await import('../bench/lib/build.mjs');
const { disposeAll, onDispose, runNodeJson, startNodeService } = await import('../bench/lib/procs.mjs');
const { compatibilityDate, loadMiniflare } = await import('../bench/lib/workerd.mjs');

const PROJECT_ID = 'proj_revocation';
const SESSION_SECRET = 'revocation-window-secret-0123456789-abcdef';

/** A browser over HTTP: one cookie jar (cookies are not port-specific), redirects by hand. */
class Browser {
  jar = new Map();
  async get(url, init = {}) {
    const headers = new Headers(init.headers);
    if (this.jar.size > 0) headers.set('Cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(cookie)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }
  async signIn(gateway) {
    let next = `${gateway}/auth/login?returnTo=%2Fwhoami`;
    for (let hop = 0; hop < 10; hop++) {
      const response = await this.get(next, { headers: { Accept: 'text/html' } });
      await response.arrayBuffer();
      const location = response.headers.get('Location');
      if (response.status < 300 || response.status > 399 || location === null) return response.status;
      next = new URL(location, next).href;
    }
    throw new Error('too many redirects');
  }
}

async function status(browser, url) {
  const response = await browser.get(url);
  await response.arrayBuffer();
  return response.status;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

async function durableObjectWindows(paths, backends) {
  const Miniflare = loadMiniflare(root);
  const bindings = {
    UPSTREAM_URL: backends.upstream,
    MASTRA_CLOUD_API_URL: backends.cloud,
    PROJECT_ID,
    SESSION_SECRET,
    AUTH_COOKIE_SECURE: 'false',
  };
  const results = [];
  for (const syncMs of [0, 1000]) {
    const worker = (name, port, extra) => ({
      name,
      modules: true,
      scriptPath: paths.gateway,
      modulesRoot: dirname(paths.gateway),
      compatibilityDate: compatibilityDate(root),
      bindings: { ...bindings, AUTH_DO_SYNC_MS: String(syncMs) },
      kvNamespaces: { AUTH_KV: 'shared-kv' },
      durableObjects: { AUTH_DO: { className: 'AuthStoreObject', scriptName: 'a', useSQLite: true } },
      unsafeDirectSockets: [{ host: '127.0.0.1', port }],
      ...extra,
    });
    const mf = new Miniflare({
      host: '127.0.0.1',
      port: 0,
      workers: [worker('a', 0), worker('b', 0), worker('c', 0, { durableObjects: {} })],
    });
    const dispose = onDispose(() => mf.dispose());
    await mf.ready;
    const urls = {};
    for (const name of ['a', 'b', 'c'])
      urls[name] = String(await mf.unsafeGetDirectURL(name)).replace(/\/$/, '');
    const runs = [];
    for (let run = 0; run < 5; run++) {
      const browser = new Browser();
      if ((await browser.signIn(urls.a)) !== 200) throw new Error('sign-in through A failed');
      for (let i = 0; i < 3; i++)
        if ((await status(browser, `${urls.b}/whoami`)) !== 200) throw new Error('B refused');
      if (syncMs === 0 && run === 0) results.push({ cost: await costOfDurableObject(urls, browser) });
      const cookies = new Map(browser.jar);
      const logout = await browser.get(`${urls.a}/auth/logout`, {
        method: 'POST',
        headers: { Origin: urls.a },
      });
      await logout.arrayBuffer();
      const t0 = performance.now();
      const stolen = new Browser();
      stolen.jar = cookies;
      let measured = Number.POSITIVE_INFINITY;
      while (performance.now() - t0 < 10_000) {
        if ((await status(stolen, `${urls.b}/whoami`)) === 401) {
          measured = performance.now() - t0;
          break;
        }
      }
      runs.push(measured);
    }
    runs.sort((x, y) => x - y);
    results.push({
      config: `KV + Durable Object (AUTH_DO_SYNC_MS ${syncMs})`,
      measuredMs: runs[Math.floor(runs.length / 2)],
      worstMs: runs.at(-1),
      runs: runs.length,
      declaredMs: syncMs,
    });
    await dispose();
  }
  return results;
}

/** Latency of an authenticated request (L1 hit) through the gateway with AUTH_DO (A) and without (C). */
async function costOfDurableObject(urls, browser) {
  const c = new Browser();
  if ((await c.signIn(urls.c)) !== 200) throw new Error('sign-in through C failed');
  const sample = async (b, url) => {
    for (let i = 0; i < 50; i++) await status(b, url);
    const times = [];
    for (let i = 0; i < 500; i++) {
      const t = performance.now();
      await status(b, url);
      times.push(performance.now() - t);
    }
    return times.sort((x, y) => x - y);
  };
  const withDo = await sample(browser, `${urls.a}/whoami`);
  const without = await sample(c, `${urls.c}/whoami`);
  const round = (x) => Math.round(x * 100) / 100;
  return {
    requests: withDo.length,
    withDurableObject: { p50Ms: round(percentile(withDo, 0.5)), p99Ms: round(percentile(withDo, 0.99)) },
    kvOnly: { p50Ms: round(percentile(without, 0.5)), p99Ms: round(percentile(without, 0.99)) },
  };
}

function fmt(ms) {
  if (ms === null || ms === undefined) return 'not refused';
  if (!Number.isFinite(ms)) return 'never (until the cached answer expires)';
  if (ms === 0) return '0 (the next request)';
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

async function main() {
  const { paths, cleanup } = await buildEntries(root, ['backends', 'gateway', 'revocation-node']);
  onDispose(cleanup);
  const node = await runNodeJson(paths['revocation-node'], [], {
    timeoutMs: 120_000,
    label: 'revocation-node',
  });
  const backends = await startNodeService(
    paths.backends,
    ['--latency-ms', '0', '--project-id', PROJECT_ID, '--max-lifetime-ms', '300000'],
    { timeoutMs: 30_000, label: 'backends' },
  );
  onDispose(() => backends.stop());
  const durable = await durableObjectWindows(paths, backends.info);
  const cost = durable.find((r) => r.cost)?.cost;
  const rows = [...node.result.results, ...durable.filter((r) => r.config)];
  const table = [
    "| Configuration | Declared window (from the store's capabilities) | Measured |",
    '| --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.config} | ${fmt(r.declaredMs)} | ${fmt(r.measuredMs)}${r.simulatedTime ? ' (simulated time)' : ''}${r.worstMs !== undefined && r.runs > 1 ? `, worst of ${r.runs}: ${fmt(r.worstMs)}` : ''} |`,
    ),
  ].join('\n');
  const costLine = cost
    ? `Cost of AUTH_DO (AUTH_DO_SYNC_MS 0), ${cost.requests} sequential authenticated requests (L1 hits) per gateway, local workerd: p50 ${cost.withDurableObject.p50Ms} ms / p99 ${cost.withDurableObject.p99Ms} ms with the object, p50 ${cost.kvOnly.p50Ms} ms / p99 ${cost.kvOnly.p99Ms} ms with KV only.`
    : '';
  console.log(`${table}\n\n${costLine}`);
  if (write) {
    const file = resolve(root, 'STORAGE.md');
    const text = readFileSync(file, 'utf8');
    const start = '<!-- revocation-window:start -->';
    const end = '<!-- revocation-window:end -->';
    const i = text.indexOf(start);
    const j = text.indexOf(end);
    if (i === -1 || j === -1) throw new Error('STORAGE.md has no revocation-window markers');
    writeFileSync(file, `${text.slice(0, i + start.length)}\n${table}\n\n${costLine}\n${text.slice(j)}`);
    console.log('STORAGE.md updated');
  }
}

try {
  await main();
} finally {
  await disposeAll();
}
