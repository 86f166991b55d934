import { StaticRBACProvider } from '@mastra/core/auth/ee';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLOUD_ROLE_MAPPING, MastraRBACCloud } from '../../src/provider/index.js';

const DEFAULT_ROLES = ['owner', 'admin', 'api', 'member', 'viewer'] as const;
const REQUIRED = [
  'agents:read',
  'agents:write',
  'agents:execute',
  'agents:delete',
  'workflows:execute',
  'tools:read:echo',
  'stored-agents:publish',
  'stored-agents:write',
  'studio:admin',
];

type CoreMapping = NonNullable<ConstructorParameters<typeof StaticRBACProvider>[0]['roleMapping']>;

/** Core's own RBAC with the same mapping: the oracle for "what core's rules give that role". */
const coreRbac = new StaticRBACProvider<{ role?: string }>({
  roleMapping: { ...DEFAULT_CLOUD_ROLE_MAPPING } as unknown as CoreMapping,
  getUserRoles: (user) => (user.role ? [user.role] : []),
});

describe('MastraRBACCloud with the default mapping (CONTRACT 4b)', () => {
  const rbac = new MastraRBACCloud();

  it.each([...DEFAULT_ROLES, 'unknown'])('a user with role %j gets exactly what core gives', async (role) => {
    const user = { id: 'u1', role };
    expect(await rbac.getRoles(user)).toEqual([role]);
    expect(await rbac.getPermissions(user)).toEqual(await coreRbac.getPermissions(user));
    for (const permission of REQUIRED) {
      expect(await rbac.hasPermission(user, permission)).toBe(await coreRbac.hasPermission(user, permission));
    }
    expect(await rbac.hasAllPermissions(user, REQUIRED)).toBe(
      await coreRbac.hasAllPermissions(user, REQUIRED),
    );
    expect(await rbac.hasAnyPermission(user, REQUIRED)).toBe(await coreRbac.hasAnyPermission(user, REQUIRED));
  });

  it('agrees with core on generated roles and required permissions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...DEFAULT_ROLES, 'guest', ''),
        fc.constantFrom('agents', 'tools', 'stored-skills', 'stored', '*'),
        fc.constantFrom('read', 'write', 'execute', 'delete', 'publish', '*'),
        async (role, resource, action) => {
          const user = { id: 'u', role };
          const permission = `${resource}:${action}`;
          expect(await rbac.hasPermission(user, permission)).toBe(
            await coreRbac.hasPermission(user, permission),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the documented permissions per role', async () => {
    const of = (role?: string) => rbac.getPermissions(role === undefined ? { id: 'u' } : { id: 'u', role });
    expect(await of('owner')).toEqual(['*']);
    expect(await of('admin')).toEqual(['*:read', '*:write', '*:execute']);
    expect(await of('api')).toEqual(['*:read', '*:write', '*:execute']);
    expect(await of('member')).toEqual(['*:read', '*:execute']);
    expect(await of('viewer')).toEqual(['*:read']);
    expect(await of('somebody')).toEqual([]);
    expect(await of()).toEqual([]);
    expect(await rbac.getRoles(null)).toEqual([]);
    expect(await rbac.hasRole({ id: 'u', role: 'viewer' }, 'viewer')).toBe(true);
    expect(await rbac.hasRole({ id: 'u', role: 'viewer' }, 'admin')).toBe(false);
  });

  it('answers roleMapping, getAvailableRoles and getPermissionsForRole like core', async () => {
    expect(rbac.getRoleMapping()).toBe(DEFAULT_CLOUD_ROLE_MAPPING);
    expect(Reflect.get(rbac, 'roleMapping')).toBe(DEFAULT_CLOUD_ROLE_MAPPING);
    expect(await rbac.getAvailableRoles()).toEqual(await coreRbac.getAvailableRoles());
    expect((await rbac.getAvailableRoles()).map((r) => r.id)).toEqual([...DEFAULT_ROLES]);
    for (const role of [...DEFAULT_ROLES, 'nobody', '_default']) {
      expect(await rbac.getPermissionsForRole(role)).toEqual(await coreRbac.getPermissionsForRole(role));
    }
  });
});

describe('MastraRBACCloud roleMapping option', () => {
  it('replaces the map; a role not in it gets _default', async () => {
    const rbac = new MastraRBACCloud({ roleMapping: { editor: ['agents:*'], _default: ['agents:read'] } });
    expect(await rbac.getPermissions({ id: 'u', role: 'editor' })).toEqual(['agents:*']);
    expect(await rbac.getPermissions({ id: 'u', role: 'owner' })).toEqual(['agents:read']);
    expect(await rbac.getPermissions({ id: 'u', role: 'constructor' })).toEqual(['agents:read']);
    expect(await rbac.getAvailableRoles()).toEqual([{ id: 'editor', name: 'editor' }]);
    expect(Object.isFrozen(rbac.getRoleMapping())).toBe(true);
  });

  it('is copied, so later changes to the caller’s object do not widen anyone', async () => {
    const mapping: Record<string, string[]> = { viewer: ['agents:read'] };
    const rbac = new MastraRBACCloud({ roleMapping: mapping });
    mapping.viewer?.push('*');
    mapping.admin = ['*'];
    expect(await rbac.getPermissions({ id: 'u', role: 'viewer' })).toEqual(['agents:read']);
    expect(await rbac.getPermissions({ id: 'u', role: 'admin' })).toEqual([]);
  });

  it.each([
    ['not an object', 'admin'],
    ['an array', [['*']]],
    ['a non-array entry', { admin: '*' }],
    ['a non-string permission', { admin: [1] }],
    ['an empty permission', { admin: [''] }],
  ])('refuses %s', (_label, roleMapping) => {
    expect(() => new MastraRBACCloud({ roleMapping: roleMapping as never })).toThrow(TypeError);
  });
});
