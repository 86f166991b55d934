export {
  hasAllPermissions,
  hasAnyPermission,
  hasPermission,
  matchesPermission,
  /** The same function as `matchesPermission` (its earlier name). */
  matchesPermission as permissionMatches,
  rolesOf,
} from '../policy/permissions.js';

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
