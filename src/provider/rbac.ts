import { DEFAULT_ROLE_KEY, type RoleMapping, resolvePermissionsFromMapping } from '../policy/permissions.js';

export {
  hasAllPermissions,
  hasAnyPermission,
  hasPermission,
  matchesPermission,
  /** The same function as `matchesPermission` (its earlier name). */
  matchesPermission as permissionMatches,
} from '../policy/permissions.js';

/**
 * The roles of a Cloud user: its `role`, when it is a non-empty string (Cloud gives one role).
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
