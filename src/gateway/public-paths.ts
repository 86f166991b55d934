import { ConfigError } from '../errors/index.js';

/** One `PUBLIC_PATHS` entry: an exact path, or a prefix (written with a trailing `*`). */
export interface PublicPathRule {
  readonly path: string;
  readonly prefix: boolean;
}

const MAX_RULES = 64;
const MAX_RULE_LENGTH = 256;
// Path characters only: no query, fragment, spaces, backslashes, or percent-encoding tricks.
export const RULE_PATH = /^\/[A-Za-z0-9\-._~!$&'()+,;=:@/]*$/;
// Encoded separators and backslashes a runner might decode differently: such paths never count as public.
export const AMBIGUOUS_PATH = /%2f|%5c|\\/i;

/**
 * Parses `PUBLIC_PATHS`: comma-separated paths, each starting with `/`; an entry ending in `*`
 * is a prefix, others match exactly. Empty or unset means no public paths.
 *
 * @param value - the raw variable
 * @returns the rules, in order
 * @throws ConfigError (setting `PUBLIC_PATHS`) on an entry that is not a plain path, or a `*` anywhere but the end
 * @example
 * parsePublicPaths('/health, /static/*'); // [{ path: '/health', prefix: false }, { path: '/static/', prefix: true }]
 */
export function parsePublicPaths(value: unknown): PublicPathRule[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'string') throw new ConfigError('PUBLIC_PATHS', 'PUBLIC_PATHS must be a string');
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length > MAX_RULES) {
    throw new ConfigError('PUBLIC_PATHS', `PUBLIC_PATHS has more than ${MAX_RULES} entries`);
  }
  return entries.map((entry) => {
    const prefix = entry.endsWith('*');
    const path = prefix ? entry.slice(0, -1) : entry;
    if (path.length > MAX_RULE_LENGTH || !RULE_PATH.test(path)) {
      throw new ConfigError(
        'PUBLIC_PATHS',
        'PUBLIC_PATHS entries must be paths starting with "/" (a trailing "*" makes a prefix)',
      );
    }
    if (path === '/' && prefix) {
      throw new ConfigError('PUBLIC_PATHS', 'PUBLIC_PATHS must not make every path public ("/*")');
    }
    return { path, prefix };
  });
}

/**
 * Whether a (normalized, as parsed by `URL`) pathname is public. Paths under `/auth/` are the
 * gateway's own and never match; paths with encoded separators never match (fail closed).
 *
 * @param rules - from {@link parsePublicPaths}
 * @param pathname - `new URL(request.url).pathname`
 * @returns true when the request may be proxied without authentication
 */
export function isPublicPath(rules: readonly PublicPathRule[], pathname: string): boolean {
  if (rules.length === 0 || AMBIGUOUS_PATH.test(pathname)) return false;
  return rules.some((rule) => (rule.prefix ? pathname.startsWith(rule.path) : pathname === rule.path));
}
