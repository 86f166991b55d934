import { ConfigError } from '../errors/index.js';
import { AMBIGUOUS_PATH, RULE_PATH } from './public-paths.js';

/**
 * One per-route permission rule: requests with this method whose path matches need one of
 * `permissions` (checked with the composite's RBAC, `matchesPermission` rules).
 */
export interface RoutePermissionRule {
  /** An upper-case method, or `*` for any. A `GET` rule also covers `HEAD`. */
  readonly method: string;
  /** The exact path, or the prefix when `prefix` is true (written with a trailing `*`). */
  readonly path: string;
  readonly prefix: boolean;
  /** Any one of these is enough. */
  readonly permissions: readonly string[];
}

/** A rule as `createGateway({ routePermissions })` takes it. */
export interface RoutePermissionInput {
  /** Default `*` (any method). */
  readonly method?: string;
  /** A path starting with `/`; a trailing `*` makes it a prefix. */
  readonly path: string;
  /** The permission needed, or several of which any one is enough. */
  readonly permission: string | readonly string[];
}

const MAX_RULES = 64;
const MAX_RULE_LENGTH = 256;
const METHOD = /^(?:\*|[A-Z]{1,16})$/;
const PERMISSION = /^[^\s,|=]{1,200}$/;
const ENTRY = /^(?:(\S+)\s+)?(\/\S*?)\s*=\s*(\S+)$/;

/**
 * Parses `ROUTE_PERMISSIONS`: entries separated by commas or newlines, each
 * `[METHOD ]PATH=PERMISSION[|PERMISSION...]`, e.g. `POST /api/agents/*=agents:execute`. No
 * method (or `*`) means any method; a path ending in `*` is a prefix; `a|b` needs either.
 *
 * @param value - the raw variable (unset or empty: no rules)
 * @param setting - the name reported in errors
 * @throws ConfigError naming the setting (never a value) for a malformed entry
 * @example
 * parseRoutePermissions('POST /api/agents/*=agents:execute, DELETE /api/*=*:delete');
 */
export function parseRoutePermissions(value: unknown, setting = 'ROUTE_PERMISSIONS'): RoutePermissionRule[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'string') throw new ConfigError(setting, `${setting} must be a string`);
  const entries = value
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length > MAX_RULES)
    throw new ConfigError(setting, `${setting} has more than ${MAX_RULES} entries`);
  return entries.map((entry) => {
    const match = ENTRY.exec(entry);
    if (match === null) {
      throw new ConfigError(setting, `${setting} entries must look like "POST /api/agents/*=agents:execute"`);
    }
    return rule(setting, {
      method: match[1] ?? '*',
      path: match[2] ?? '',
      permission: (match[3] ?? '').split('|'),
    });
  });
}

/**
 * Checks rules given as objects (the `createGateway` option).
 *
 * @throws ConfigError (setting `routePermissions`) for a malformed rule
 */
export function checkRoutePermissions(rules: readonly RoutePermissionInput[]): RoutePermissionRule[] {
  const setting = 'routePermissions';
  if (!Array.isArray(rules))
    throw new ConfigError(setting, `${setting} must be a string or an array of rules`);
  if (rules.length > MAX_RULES) throw new ConfigError(setting, `${setting} has more than ${MAX_RULES} rules`);
  return rules.map((input: unknown) => {
    if (typeof input !== 'object' || input === null)
      throw new ConfigError(setting, `${setting} rules must be objects`);
    const method: unknown = Reflect.get(input, 'method') ?? '*';
    const path: unknown = Reflect.get(input, 'path');
    const permission: unknown = Reflect.get(input, 'permission');
    const permissions: unknown[] = Array.isArray(permission) ? permission : [permission];
    if (
      typeof method !== 'string' ||
      typeof path !== 'string' ||
      !permissions.every((p) => typeof p === 'string')
    ) {
      throw new ConfigError(setting, `${setting} rules need a path and a permission (strings)`);
    }
    return rule(setting, { method, path, permission: permissions.filter((p) => typeof p === 'string') });
  });
}

/**
 * The permission groups a request needs: one group per matching rule, each satisfied by any of
 * its permissions. A path that a runner might decode differently (`%2F`, `\`, `//`) is matched
 * in that decoded form too, so such spellings cannot slip past a rule.
 *
 * @param rules - the gateway's rules
 * @param method - the request method
 * @param pathname - `new URL(request.url).pathname`
 */
export function requiredPermissions(
  rules: readonly RoutePermissionRule[],
  method: string,
  pathname: string,
): ReadonlyArray<readonly string[]> {
  if (rules.length === 0) return [];
  const upper = method.toUpperCase();
  const paths =
    AMBIGUOUS_PATH.test(pathname) || pathname.includes('//') ? [pathname, decoded(pathname)] : [pathname];
  return rules
    .filter((rule) => methodMatches(rule.method, upper) && paths.some((path) => pathMatches(rule, path)))
    .map((rule) => rule.permissions);
}

function rule(
  setting: string,
  input: { method: string; path: string; permission: readonly string[] },
): RoutePermissionRule {
  const method = input.method.toUpperCase();
  if (!METHOD.test(method))
    throw new ConfigError(setting, `${setting}: a method must be a word like POST, or *`);
  const prefix = input.path.endsWith('*');
  const path = prefix ? input.path.slice(0, -1) : input.path;
  if (path.length > MAX_RULE_LENGTH || !RULE_PATH.test(path)) {
    throw new ConfigError(setting, `${setting}: paths start with "/" (a trailing "*" makes a prefix)`);
  }
  if (input.permission.length === 0 || !input.permission.every((p) => PERMISSION.test(p))) {
    throw new ConfigError(setting, `${setting}: permissions look like "agents:execute" (several: "a|b")`);
  }
  return Object.freeze({ method, path, prefix, permissions: Object.freeze([...input.permission]) });
}

function methodMatches(ruleMethod: string, method: string): boolean {
  return ruleMethod === '*' || ruleMethod === method || (ruleMethod === 'GET' && method === 'HEAD');
}

function pathMatches(rule: RoutePermissionRule, path: string): boolean {
  return rule.prefix ? path.startsWith(rule.path) : path === rule.path;
}

/** The path as a lenient runner might read it: encoded and back slashes as `/`, repeated `/` once. */
function decoded(pathname: string): string {
  return pathname.replace(/%2f|%5c|\\/gi, '/').replace(/\/{2,}/g, '/');
}
