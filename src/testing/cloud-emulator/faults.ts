/** Injected failures: which apply to a request, and the answer each one gives. */
import { waitForAbort } from './abort.js';
import { errorResponse, rawJsonResponse, redirectResponse } from './responses.js';
import type { EmulatorFault, EmulatorRoute, EmulatorWire } from './types.js';

/** Where the `redirect` fault sends clients: a host that never resolves (RFC 6761 `.invalid`). */
export const FAULT_REDIRECT_LOCATION = 'https://elsewhere.invalid/moved';

interface ActiveFault {
  fault: EmulatorFault;
  remaining: number | undefined;
}

/** The faults hitting one request: total added delay, and the fault that decides the answer. */
export interface FaultPlan {
  delayMs: number;
  decisive: DecisiveFault | undefined;
}

/** A fault that decides the answer (every kind but `delay`). */
export type DecisiveFault = Exclude<EmulatorFault, { kind: 'delay' }>;

/** Injected faults in injection order. */
export class FaultQueue {
  private active: ActiveFault[] = [];

  add(fault: EmulatorFault): void {
    this.active.push({ fault, remaining: fault.times });
  }

  clear(): void {
    this.active = [];
  }

  /**
   * Picks and uses up the faults that match a request: every matching `delay` (they add up)
   * and the first matching fault of another kind.
   *
   * @param route - the request's route.
   * @param api - whether the route is under the API prefix (faults without `route` hit only those).
   */
  take(route: EmulatorRoute, api: boolean): FaultPlan {
    const plan: FaultPlan = { delayMs: 0, decisive: undefined };
    for (const entry of this.active) {
      const { fault } = entry;
      if (fault.route === undefined ? !api : fault.route !== route) continue;
      if (fault.kind === 'delay') plan.delayMs += fault.ms;
      else if (plan.decisive === undefined) plan.decisive = fault;
      else continue;
      if (entry.remaining !== undefined) entry.remaining -= 1;
    }
    this.active = this.active.filter((entry) => entry.remaining === undefined || entry.remaining > 0);
    return plan;
  }
}

/**
 * The answer a decisive fault gives. In the released wire, which has no in-band failures,
 * `ok_false` is the same refusal sent the released way: its status as the HTTP status, with
 * `{ code, message }`.
 *
 * @throws TypeError `fetch failed` for `network_error`; the signal's reason when a `hang` is aborted.
 */
export async function faultResponse(
  fault: DecisiveFault,
  route: EmulatorRoute,
  signal: AbortSignal | undefined,
  wire: EmulatorWire = 'v1',
): Promise<Response> {
  if (fault.kind === 'ok_false' && wire === 'released') {
    return errorResponse(fault.status, fault.code ?? 'injected', fault.message ?? 'Injected failure');
  }
  switch (fault.kind) {
    case 'http_error':
      return errorResponse(
        fault.status,
        httpErrorCode(fault.status),
        `Injected HTTP ${fault.status}`,
        fault.status === 429 || fault.status === 503 ? { 'Retry-After': '1' } : undefined,
      );
    case 'ok_false':
      return rawJsonResponse({
        ok: false,
        error: {
          message: fault.message ?? 'Injected failure',
          code: fault.code ?? 'injected',
          status: fault.status,
        },
      });
    case 'non_json':
      return new Response('<html><body>502 Bad Gateway</body></html>', {
        status: 200,
        headers: { 'Content-Type': 'text/html' },
      });
    case 'ok_without_data':
      return rawJsonResponse({ ok: true });
    case 'bad_shape':
      return rawJsonResponse({ ok: true, data: badShapeData(route) });
    case 'hang':
      return waitForAbort(signal);
    case 'network_error':
      throw new TypeError('fetch failed', { cause: new Error('Injected network error') });
    case 'redirect':
      return redirectResponse(FAULT_REDIRECT_LOCATION);
  }
}

function httpErrorCode(status: number): string {
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'service_unavailable';
  if (status >= 500) return 'internal_error';
  return 'http_error';
}

/** `data` that looks plausible but breaks the route's shape (wrong types, missing fields). */
function badShapeData(route: EmulatorRoute): unknown {
  switch (route) {
    case 'callback':
      return { jwt: 42, user: { id: 7 }, session: null };
    case 'verify':
      return { user: { id: 42, email: null }, expires_at: 'tomorrow' };
    case 'session.validate':
      return { session: { id: 42, user_id: null, expires_at: 'never' } };
    case 'session.destroy':
      return 'destroyed';
    case 'users.get':
      return { user: { id: 42, created_at: 'yesterday' } };
    case 'users.permissions':
      return { permissions: 'admin' };
    default:
      return 'unexpected';
  }
}
