/**
 * What the gateway tells operators: structured JSON log lines, a keyed token id (HMAC-SHA-256
 * with a key derived from `SESSION_SECRET`, so a leaked token cannot be matched against logs
 * by anyone without the secret), per-client failure counters, and `Server-Timing`.
 *
 * @module
 */
import { base64url } from '../crypto/base64url.js';
import type { AuthRequestContext } from '../http/request-context.js';
import { LruMap } from '../kv-session/internal.js';

/** Derives the HMAC key for log ids from the session secret (domain-separated from cookie sealing). */
export async function deriveLogKey(sessionSecret: string): Promise<CryptoKey> {
  const material = new TextEncoder().encode(`mastra-edge-auth log-id v1\u0000${sessionSecret}`);
  const digest = await crypto.subtle.digest('SHA-256', material);
  return crypto.subtle.importKey('raw', digest, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/**
 * A short keyed id for a value that must never be logged (a token, a client IP): the first 16
 * base64url characters of HMAC-SHA-256(key, value). Stable within a deployment (same secret),
 * useless without the secret.
 */
export async function keyedId(key: CryptoKey, value: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(value)));
  return base64url(mac.subarray(0, 12));
}

/** Writes one structured log line (JSON, `gateway` names the event). */
export function logEvent(
  event: string,
  fields: Record<string, unknown>,
  level: 'warn' | 'error' = 'warn',
): void {
  const line = JSON.stringify({ gateway: event, ...fields });
  if (level === 'error') console.error(line);
  else console.warn(line);
}

/** Clients tracked for failure counts per isolate (bounded; an evicted client starts again at 0). */
const FAILURE_COUNTERS_MAX = 10_000;

/**
 * Counts failed authentications per client in this isolate, so repeated failures are visible:
 * a log line at the 1st, 10th, 100th... failure of a client, and totals for health.
 */
export class FailureCounters {
  readonly #byClient = new LruMap<string, number>(FAILURE_COUNTERS_MAX);
  #total = 0;
  #throttled = 0;

  get total(): number {
    return this.#total;
  }

  get throttled(): number {
    return this.#throttled;
  }

  /** @returns the client's count including this failure */
  fail(client: string): number {
    this.#total++;
    const count = (this.#byClient.peek(client) ?? 0) + 1;
    this.#byClient.set(client, count);
    return count;
  }

  throttle(): void {
    this.#throttled++;
  }
}

/** True for 1, 10, 100, 1000...: when a repeated failure is worth a log line. */
export function isPowerOfTen(n: number): boolean {
  let x = n;
  while (x >= 10 && x % 10 === 0) x /= 10;
  return x === 1;
}

/**
 * The `Server-Timing` value for an authentication: which tier answered, and Cloud's time when
 * Cloud was asked. Never token material: only fixed words and a number.
 */
export function serverTiming(timing: AuthRequestContext['timing']): string | undefined {
  if (timing?.source === undefined && timing?.cloudMs === undefined) return undefined;
  const parts: string[] = [];
  if (timing.source !== undefined) parts.push(`auth;desc=${timing.source}`);
  if (timing.cloudMs !== undefined) parts.push(`cloud;dur=${Math.max(0, Math.round(timing.cloudMs))}`);
  return parts.join(', ');
}
