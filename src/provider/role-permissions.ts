/**
 * Permissions by Cloud role, for a Cloud without a permissions endpoint (the released profile):
 * the role mapping the Cloud deployer installs by default (CONTRACT 4b).
 *
 * @module
 */

/** The default mapping; a role not in it gets `_default`. */
export const DEFAULT_ROLE_PERMISSIONS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  owner: Object.freeze(['*']),
  admin: Object.freeze(['*:read', '*:write', '*:execute']),
  api: Object.freeze(['*:read', '*:write', '*:execute']),
  member: Object.freeze(['*:read', '*:execute']),
  viewer: Object.freeze(['*:read']),
  _default: Object.freeze([]),
});

/** The permissions of `role` under the default mapping (a copy). */
export function permissionsForRole(role: string | undefined): string[] {
  const key =
    role !== undefined && role !== '_default' && Object.hasOwn(DEFAULT_ROLE_PERMISSIONS, role)
      ? role
      : '_default';
  return [...(DEFAULT_ROLE_PERMISSIONS[key] ?? [])];
}
