/**
 * The workerd micro-benchmark Worker (bench only, run under Miniflare by `scripts/bench.mjs`).
 *
 * workerd's clock does not advance while JavaScript runs (a Spectre mitigation: `Date.now()` and
 * `performance.now()` move only on I/O), so this Worker cannot time itself. It only runs the
 * loops; the harness times each request from Node and subtracts the time of an empty request.
 *
 * - `POST /prepare?case=<name>&n=<ops>`: untimed set-up (mints tokens, fills caches).
 * - `POST /run?case=<name>&n=<ops>`: runs `n` operations, answers `{ ok: true, n }`.
 * - `POST /run?case=noop&n=0`: the empty request (the harness's baseline).
 * - `GET /cases`: the case names, in report order.
 *
 * Case state lives at module scope and is only ever reached by the one request running at a
 * time (the harness sends them one after another), so no request awaits another's promise.
 *
 * @module
 */
import { createMicroCases, isMicroCaseName, MAX_COLD_OPS, MICRO_CASE_NAMES } from './micro-cases.js';

const cases = createMicroCases();
const MAX_OPS = 2_000_000;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

export default {
  /**
   * Runs one prepare or run step of a micro case.
   *
   * @param request - `POST /prepare|/run?case=&n=`
   * @returns `{ ok: true, n }`, or 400/404 JSON for a bad request, 500 JSON when a case failed
   */
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === 'GET' && url.pathname === '/cases')
      return json(200, { ok: true, cases: MICRO_CASE_NAMES });
    if (request.method !== 'POST') return json(405, { ok: false, error: 'use POST' });
    const step = url.pathname;
    if (step !== '/prepare' && step !== '/run') return json(404, { ok: false, error: 'no such step' });
    const name = url.searchParams.get('case');
    const nText = url.searchParams.get('n') ?? '';
    const n = /^\d{1,7}$/.test(nText) ? Number(nText) : Number.NaN;
    if (!Number.isInteger(n) || n > MAX_OPS) return json(400, { ok: false, error: `n must be 0-${MAX_OPS}` });
    if (name === 'noop') return json(200, { ok: true, n: 0 });
    if (!isMicroCaseName(name)) return json(400, { ok: false, error: 'unknown case' });
    if (name === 'cloud-cold' && n > MAX_COLD_OPS)
      return json(400, { ok: false, error: 'too many cold ops' });
    const c = cases.get(name)!;
    try {
      if (step === '/prepare') await c.prepare(n);
      else await c.run(n);
    } catch (error) {
      return json(500, { ok: false, error: error instanceof Error ? error.message : 'case failed' });
    }
    return json(200, { ok: true, n });
  },
};
