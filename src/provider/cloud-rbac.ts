import type { IRBACProvider } from '../mastra/interfaces.js';
import {
  DEFAULT_CLOUD_ROLE_MAPPING,
  DEFAULT_ROLE_KEY,
  hasAllPermissions,
  hasAnyPermission,
  hasPermission,
  mappedPermissions,
  type RoleMapping,
  resolvePermissionsFromMapping,
  rolesOf,
} from '../policy/permissions.js';

/** Options of {@link MastraRBACCloud}. */
export interface MastraRBACCloudOptions {
  /**
   * Role -> permissions; replaces the default map entirely (CONTRACT 4b: `owner`, `admin`,
   * `api`, `member`, `viewer`, `_default`). A role not in the map gets `_default`.
   */
  roleMapping?: RoleMapping;
}

/**
 * Role-based permissions for Mastra Cloud users (import from `mastra-edge-auth/provider`):
 * the user's one `role` (from Cloud's verify answer; service tokens have `api`) mapped to
 * permissions. What the Cloud deployer mounts when the app sets no `server.rbac`, usable as
 * `server.rbac` itself; `createCloudAuth` puts one in its composite when Cloud user auth is on.
 * Matching follows `@mastra/core`'s `matchesPermission` (see `src/policy/permissions.ts`).
 *
 * @example
 * const rbac = new MastraRBACCloud({ roleMapping: { ...DEFAULT_CLOUD_ROLE_MAPPING, viewer: ['agents:read'] } });
 * new Mastra({ server: { auth, rbac } });
 * @see CONTRACT.md section 4b
 */
export class MastraRBACCloud implements IRBACProvider<unknown> {
  readonly #mapping: RoleMapping;

  /**
   * @param options - see {@link MastraRBACCloudOptions}
   * @throws TypeError when `roleMapping` is not an object of permission-string arrays
   */
  constructor(options: MastraRBACCloudOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    this.#mapping =
      options.roleMapping === undefined ? DEFAULT_CLOUD_ROLE_MAPPING : checkedMapping(options.roleMapping);
    // `roleMapping` as core's IRBACProvider names it, for code that reads it at run time. It is
    // kept out of the TypeScript type: core types it with its closed union of permission names,
    // which no plain string list satisfies, and declaring it would make this class unassignable
    // to `server.rbac`. Typed access: `getRoleMapping()`.
    Object.defineProperty(this, 'roleMapping', { value: this.#mapping, enumerable: true });
  }

  /** The role mapping in use (frozen); also readable as the `roleMapping` property. */
  getRoleMapping(): RoleMapping {
    return this.#mapping;
  }

  /** The user's `role` when it is a non-empty string, else none. */
  async getRoles(user: unknown): Promise<string[]> {
    return rolesOf(user);
  }

  async hasRole(user: unknown, role: string): Promise<boolean> {
    return (await this.getRoles(user)).includes(role);
  }

  /** The mapped permissions of the user's role; `_default` for a role not in the map, or no role. */
  async getPermissions(user: unknown): Promise<string[]> {
    return mappedPermissions(user, this.#mapping);
  }

  async hasPermission(user: unknown, permission: string): Promise<boolean> {
    return hasPermission(await this.getPermissions(user), permission);
  }

  async hasAllPermissions(user: unknown, permissions: string[]): Promise<boolean> {
    return hasAllPermissions(await this.getPermissions(user), permissions);
  }

  async hasAnyPermission(user: unknown, permissions: string[]): Promise<boolean> {
    return hasAnyPermission(await this.getPermissions(user), permissions);
  }

  /** Every role of the map except `_default`, as `{ id, name }` (Studio's "View as role"). */
  async getAvailableRoles(): Promise<Array<{ id: string; name: string }>> {
    return Object.keys(this.#mapping)
      .filter((role) => role !== DEFAULT_ROLE_KEY)
      .map((role) => ({ id: role, name: role }));
  }

  /** The permissions a user with this role gets (`_default` for a role not in the map). */
  async getPermissionsForRole(role: string): Promise<string[]> {
    return resolvePermissionsFromMapping([role], this.#mapping);
  }
}

function checkedMapping(value: unknown): RoleMapping {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('roleMapping must be an object of role -> permission list');
  }
  const copy: Record<string, readonly string[]> = {};
  for (const role of Object.keys(value)) {
    const permissions: unknown = Reflect.get(value, role);
    if (!Array.isArray(permissions) || !permissions.every((p) => typeof p === 'string' && p !== '')) {
      throw new TypeError(`roleMapping entry ${JSON.stringify(role)} must be an array of non-empty strings`);
    }
    Object.defineProperty(copy, role, {
      value: Object.freeze([...permissions]),
      enumerable: true,
    });
  }
  return Object.freeze(copy);
}
