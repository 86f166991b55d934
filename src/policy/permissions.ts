/**
 * Permission matching and role mapping, with `@mastra/core` 1.71's rules (`matchesPermission`,
 * `resolvePermissionsFromMapping` in `@mastra/core/auth/ee`). A leaf: imports nothing.
 *
 * Where core's rule is unsafe this module is stricter, never more permissive (a differential
 * test against core checks both: equal answers, and `true` here only where core says `true`):
 * - a permission with more than three parts keeps everything after the second `:` as its
 *   resource id (core drops the extra parts, so `agents:read:a:b` would cover `agents:read:a:c`);
 * - resource and role names are own keys only: core throws a `TypeError` for a granted
 *   resource or a role named after an `Object.prototype` member (`constructor`, `__proto__`);
 * - a non-string permission matches nothing (core throws).
 *
 * @see CONTRACT.md section 4b
 * @module
 */

/** Role name -> permissions; a role not in the map gets `_default` (when present). */
export type RoleMapping = Readonly<Record<string, readonly string[]>>;

/**
 * The role mapping the Mastra Cloud deployer uses when the app sets no RBAC (CONTRACT 4b).
 * `api` is the role of service tokens and project API tokens.
 */
export const DEFAULT_CLOUD_ROLE_MAPPING: RoleMapping = Object.freeze({
  owner: Object.freeze(['*']),
  admin: Object.freeze(['*:read', '*:write', '*:execute']),
  api: Object.freeze(['*:read', '*:write', '*:execute']),
  member: Object.freeze(['*:read', '*:execute']),
  viewer: Object.freeze(['*:read']),
  _default: Object.freeze([]),
});

/** The mapping key a role not in the map falls back to. */
export const DEFAULT_ROLE_KEY = '_default';

/**
 * Compound resources: a granted `stored:<action>` covers `stored-<family>:<action>` for each
 * family (core's `RESOURCE_EXPANSIONS`).
 */
const RESOURCE_EXPANSIONS: ReadonlyMap<string, readonly string[]> = new Map([
  [
    'stored',
    [
      'stored-agents',
      'stored-mcp-clients',
      'stored-prompt-blocks',
      'stored-scorers',
      'stored-skills',
      'stored-workflows',
      'stored-workspaces',
    ],
  ],
]);

/**
 * Whether a granted permission covers a required one. Permissions are
 * `{resource}:{action}[:{resourceId}]`:
 * - `*` covers everything; `agents:*` covers `agents:read` and `agents:read:my-agent`;
 * - `*:read` covers `agents:read`; `*:*:my-agent` covers any action on `my-agent`;
 * - `agents:read` covers `agents:read` and `agents:read:my-agent`;
 * - `agents:read:my-agent` covers only itself; `agents:*:my-agent` covers any action on `my-agent`;
 * - `stored:read` covers `stored-agents:read` (and every other `stored-` family);
 * - the required permission is literal: requiring `agents:*` needs `agents:*`, `*:*` or `*`;
 * - a one-part permission other than `*` only matches itself.
 *
 * @param granted - a permission the user holds
 * @param required - the permission being checked
 * @example
 * matchesPermission('agents:*', 'agents:read'); // true
 * matchesPermission('*:read', 'agents:write'); // false
 */
export function matchesPermission(granted: string, required: string): boolean {
  if (typeof granted !== 'string' || typeof required !== 'string') return false;
  if (granted === '*') return true;
  const g = splitPermission(granted);
  const r = splitPermission(required);
  const families = RESOURCE_EXPANSIONS.get(g[0]);
  if (families?.includes(r[0])) return matchesPermission([r[0], ...g.slice(1)].join(':'), required);
  if (g.length < 2 || r.length < 2) return granted === required;
  const [grantedResource, grantedAction, grantedId] = g;
  const [requiredResource, requiredAction, requiredId] = r;
  if (grantedResource !== '*' && grantedResource !== requiredResource) return false;
  if (grantedAction !== '*' && grantedAction !== requiredAction) return false;
  return grantedId === undefined || grantedId === requiredId;
}

/** True when any of `granted` covers `required` ({@link matchesPermission}); `false` for a non-array. */
export function hasPermission(granted: readonly string[], required: string): boolean {
  return Array.isArray(granted) && granted.some((permission) => matchesPermission(permission, required));
}

/** True when every one of `required` is covered; `true` for an empty list, `false` for a non-array. */
export function hasAllPermissions(granted: readonly string[], required: readonly string[]): boolean {
  return Array.isArray(required) && required.every((permission) => hasPermission(granted, permission));
}

/** True when at least one of `required` is covered; `false` for an empty list or a non-array. */
export function hasAnyPermission(granted: readonly string[], required: readonly string[]): boolean {
  return Array.isArray(required) && required.some((permission) => hasPermission(granted, permission));
}

/**
 * The permissions of a set of roles: each role's own mapping entry (an empty list counts), else
 * `_default`; de-duplicated, in first-seen order (core's `resolvePermissionsFromMapping`, with
 * own keys only).
 *
 * @param roles - role names (non-strings are ignored)
 * @param mapping - role -> permissions
 */
export function resolvePermissionsFromMapping(roles: readonly string[], mapping: RoleMapping): string[] {
  const permissions = new Set<string>();
  const fallback = ownEntry(mapping, DEFAULT_ROLE_KEY) ?? [];
  for (const role of roles) {
    if (typeof role !== 'string') continue;
    for (const permission of ownEntry(mapping, role) ?? fallback) permissions.add(permission);
  }
  return [...permissions];
}

/**
 * The roles of a user: its `role`, when it is a non-empty string (Cloud gives one role).
 *
 * @param user - any value (a non-object has no roles)
 * @returns `[role]` or `[]`
 */
export function rolesOf(user: unknown): string[] {
  const role: unknown = typeof user === 'object' && user !== null ? Reflect.get(user, 'role') : undefined;
  return typeof role === 'string' && role.length > 0 ? [role] : [];
}

/**
 * The permissions a role mapping gives a user: its role's entry, `_default` for a role not in the
 * map or no role at all.
 */
export function mappedPermissions(user: unknown, mapping: RoleMapping): string[] {
  const roles = rolesOf(user);
  return resolvePermissionsFromMapping(roles.length > 0 ? roles : [DEFAULT_ROLE_KEY], mapping);
}

function ownEntry(mapping: RoleMapping, role: string): readonly string[] | undefined {
  return Object.hasOwn(mapping, role) ? mapping[role] : undefined;
}

/** `resource`, `action`, then the rest as one id: `[resource]`, `[resource, action]` or all three. */
function splitPermission(permission: string): [string, ...string[]] {
  const first = permission.indexOf(':');
  if (first < 0) return [permission];
  const second = permission.indexOf(':', first + 1);
  if (second < 0) return [permission.slice(0, first), permission.slice(first + 1)];
  return [permission.slice(0, first), permission.slice(first + 1, second), permission.slice(second + 1)];
}
