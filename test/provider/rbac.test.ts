import { describe, expect, it } from 'vitest';
import { matchesPermission } from '../../src/policy/permissions.js';
import { parsePermissionList, permissionMatches, rolesOf } from '../../src/provider/rbac.js';

describe('provider rbac helpers', () => {
  it('permissionMatches is the policy matcher (tested in test/policy)', () => {
    expect(permissionMatches).toBe(matchesPermission);
  });

  it('parses a permission list strictly', () => {
    expect(parsePermissionList(['a:b', 'a:b', 'c:d'])).toEqual(['a:b', 'c:d']);
    expect(parsePermissionList([])).toEqual([]);
    expect(parsePermissionList('a:b')).toBeNull();
    expect(parsePermissionList(['a:b', 1])).toBeNull();
    expect(parsePermissionList(['a:b', ''])).toBeNull();
    expect(parsePermissionList(null)).toBeNull();
  });

  it("rolesOf gives the user's role, or none", () => {
    expect(rolesOf({ role: 'admin' })).toEqual(['admin']);
    expect(rolesOf({})).toEqual([]);
    expect(rolesOf({ role: '' })).toEqual([]);
    expect(rolesOf({ role: 42 })).toEqual([]);
  });
});
