/**
 * Whether a granted permission covers a required one. Permissions are
 * `{resource}:{action}[:{resourceId}]` (the format `@mastra/core` uses), with `*` as a wildcard
 * for the whole permission, the resource or the action:
 *
 * - `*` covers everything;
 * - `agents:*` covers `agents:read` and `agents:read:my-agent`;
 * - `*:read` covers `agents:read` and `workflows:read`;
 * - `agents:read` covers `agents:read` and `agents:read:my-agent`;
 * - `agents:read:my-agent` covers only itself; `agents:*:my-agent` covers any action on `my-agent`.
 *
 * The required permission is taken literally: requiring `agents:*` needs `agents:*` or `*`.
 * A malformed permission (empty part, more than three parts) only ever matches itself exactly.
 *
 * @param granted - a permission the user has
 * @param required - the permission being checked
 * @example
 * permissionMatches('agents:*', 'agents:read'); // true
 * permissionMatches('*:read', 'agents:write'); // false
 */
export function permissionMatches(granted: string, required: string): boolean {
  if (granted === '*') return true;
  const g = splitPermission(granted);
  const r = splitPermission(required);
  if (g === null || r === null) return granted === required;
  if (g.resource !== '*' && g.resource !== r.resource) return false;
  if (g.action !== '*' && g.action !== r.action) return false;
  return g.id === undefined || g.id === r.id;
}

/** True when any of `granted` covers `required` ({@link permissionMatches}). */
export function hasPermission(granted: readonly string[], required: string): boolean {
  return granted.some((permission) => permissionMatches(permission, required));
}

/** True when every one of `required` is covered; `true` for an empty list. */
export function hasAllPermissions(granted: readonly string[], required: readonly string[]): boolean {
  return required.every((permission) => hasPermission(granted, permission));
}

/** True when at least one of `required` is covered; `false` for an empty list. */
export function hasAnyPermission(granted: readonly string[], required: readonly string[]): boolean {
  return required.some((permission) => hasPermission(granted, permission));
}

/**
 * The roles of a Cloud user: its `role`, when it is a non-empty string (Cloud gives one role).
 *
 * @param user - a user as this provider produced it
 * @returns `[role]` or `[]`
 */
export function rolesOf(user: { role?: unknown }): string[] {
  return typeof user.role === 'string' && user.role.length > 0 ? [user.role] : [];
}

/**
 * Validates a permission list that came off the wire or out of storage: an array of non-empty
 * strings, de-duplicated.
 *
 * @returns the list, or `null` when it is not one
 */
export function parsePermissionList(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  const out = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string' || item.length === 0) return null;
    out.add(item);
  }
  return [...out];
}

interface PermissionParts {
  resource: string;
  action: string;
  id: string | undefined;
}

function splitPermission(permission: string): PermissionParts | null {
  const parts = permission.split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => part.length === 0)) return null;
  return { resource: parts[0]!, action: parts[1]!, id: parts[2] };
}
