/**
 * Where a service token may come from in a request, in the order SimpleAuth tries them.
 *
 * @see CONTRACT.md section 4
 * @module
 */
import { parseCookie } from 'cookie';
import { getRequestHeader, type HeaderSource } from '../mastra/request.js';
import { MAX_TOKEN_LENGTH } from '../policy/limits.js';

/** The cookie SimpleAuth reads (the one Mastra's Studio sets for token sign-in). */
export const TOKEN_COOKIE = 'mastra-token';

/** Headers always read, before any extra ones. */
export const DEFAULT_TOKEN_HEADERS: readonly string[] = ['Authorization', 'X-Playground-Access'];

const BEARER = /^bearer\s+/i;

/**
 * The non-empty token candidates of a request, in order: the explicit token, each header in
 * `headerNames` (a leading `Bearer `, any case, removed), then the `mastra-token` cookie (as sent,
 * then percent-decoded when that differs). Duplicates are kept once.
 *
 * @param token - The token the server extracted, or `null` when there is none.
 * @param request - Any request shape `getRequestHeader` reads.
 * @param headerNames - Header names to read, in order.
 */
export function tokenCandidates(
  token: string | null,
  request: HeaderSource,
  headerNames: readonly string[],
): string[] {
  const candidates: string[] = [];
  addCandidate(candidates, token);
  for (const name of headerNames) addCandidate(candidates, getRequestHeader(request, name));
  const cookie = getRequestHeader(request, 'cookie');
  if (cookie !== null) for (const value of cookieValues(cookie)) addCandidate(candidates, value);
  return candidates;
}

function addCandidate(candidates: string[], value: string | null | undefined): void {
  if (typeof value !== 'string' || value === '') return;
  const cleaned = value.replace(BEARER, '').trim();
  if (cleaned !== '' && cleaned.length <= MAX_TOKEN_LENGTH && !candidates.includes(cleaned)) {
    candidates.push(cleaned);
  }
}

function cookieValues(header: string): string[] {
  const raw = parseCookie(header, { decode: (value) => value })[TOKEN_COOKIE];
  if (raw === undefined) return [];
  const decoded = parseCookie(header)[TOKEN_COOKIE];
  return decoded !== undefined && decoded !== raw ? [raw, decoded] : [raw];
}
