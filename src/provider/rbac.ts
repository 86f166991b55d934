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
