import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hasAllPermissions,
  hasAnyPermission,
  hasPermission,
  parsePermissionList,
  permissionMatches,
  rolesOf,
} from '../../src/provider/rbac.js';

const part = fc.stringMatching(/^[a-z][a-z-]{0,9}$/);

describe('permissionMatches', () => {
  it.each([
    ['*', 'agents:read', true],
    ['*', 'anything', true],
    ['agents:*', 'agents:read', true],
    ['agents:*', 'agents:read:my-agent', true],
    ['agents:*', 'workflows:read', false],
    ['agents:*', 'agents', false],
    ['*:read', 'agents:read', true],
    ['*:read', 'workflows:read', true],
    ['*:read', 'agents:write', false],
    ['*:*', 'agents:write', true],
    ['agents:read', 'agents:read', true],
    ['agents:read', 'agents:read:my-agent', true],
    ['agents:read', 'agents:write', false],
    ['agents:read', 'agent:read', false],
    ['agents:read:my-agent', 'agents:read:my-agent', true],
    ['agents:read:my-agent', 'agents:read:other', false],
    ['agents:read:my-agent', 'agents:read', false],
    ['agents:*:my-agent', 'agents:write:my-agent', true],
    ['agents:*:my-agent', 'agents:write:other', false],
    ['agents:read', 'agents:*', false],
    ['agents:read', '*', false],
    ['agents:*', '*', false],
    ['agents', 'agents', true],
    ['agents', 'agents:read', false],
    ['agents::read', 'agents::read', true],
    ['agents:', 'agents:read', false],
    ['a:b:c:d', 'a:b:c', false],
    ['', '', true],
    ['', 'agents:read', false],
  ])('%j covers %j: %s', (granted, required, expected) => {
    expect(permissionMatches(granted, required)).toBe(expected);
  });

  it('a literal permission always covers itself', () => {
    fc.assert(
      fc.property(fc.string(), (p) => {
        expect(permissionMatches(p, p)).toBe(true);
      }),
    );
  });

  it('resource and action wildcards cover any permission of that shape', () => {
    fc.assert(
      fc.property(part, part, fc.option(part, { nil: undefined }), (resource, action, id) => {
        const required = id === undefined ? `${resource}:${action}` : `${resource}:${action}:${id}`;
        expect(permissionMatches(`${resource}:*`, required)).toBe(true);
        expect(permissionMatches(`*:${action}`, required)).toBe(true);
        expect(permissionMatches(`${resource}:${action}`, required)).toBe(true);
        expect(permissionMatches(`${resource}x:*`, required)).toBe(false);
        expect(permissionMatches(`*:${action}x`, required)).toBe(false);
      }),
    );
  });
});

describe('permission lists', () => {
  const granted = ['agents:read', 'workflows:*'];

  it('checks one, all and any', () => {
    expect(hasPermission(granted, 'workflows:run')).toBe(true);
    expect(hasPermission(granted, 'agents:write')).toBe(false);
    expect(hasPermission([], 'agents:read')).toBe(false);
    expect(hasAllPermissions(granted, ['agents:read', 'workflows:run'])).toBe(true);
    expect(hasAllPermissions(granted, ['agents:read', 'agents:write'])).toBe(false);
    expect(hasAllPermissions(granted, [])).toBe(true);
    expect(hasAnyPermission(granted, ['agents:write', 'workflows:run'])).toBe(true);
    expect(hasAnyPermission(granted, ['agents:write', 'tools:run'])).toBe(false);
    expect(hasAnyPermission(granted, [])).toBe(false);
  });

  it('parses a permission list strictly', () => {
    expect(parsePermissionList(['a:b', 'a:b', 'c:d'])).toEqual(['a:b', 'c:d']);
    expect(parsePermissionList([])).toEqual([]);
    expect(parsePermissionList('a:b')).toBeNull();
    expect(parsePermissionList(['a:b', 1])).toBeNull();
    expect(parsePermissionList(['a:b', ''])).toBeNull();
    expect(parsePermissionList(null)).toBeNull();
  });
});

describe('rolesOf', () => {
  it("gives the user's role, or none", () => {
    expect(rolesOf({ role: 'admin' })).toEqual(['admin']);
    expect(rolesOf({})).toEqual([]);
    expect(rolesOf({ role: '' })).toEqual([]);
    expect(rolesOf({ role: 42 })).toEqual([]);
  });
});
