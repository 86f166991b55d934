/**
 * Permission matching against `@mastra/core` 1.71 as the oracle (`@mastra/core/auth/ee`, which
 * loads in workerd too): the same answer everywhere, except in the documented cases where core
 * is unsafe, and there this module is never more permissive than core.
 */
import * as core from '@mastra/core/auth/ee';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLOUD_ROLE_MAPPING,
  hasAllPermissions,
  hasAnyPermission,
  hasPermission,
  matchesPermission,
  type RoleMapping,
  resolvePermissionsFromMapping,
} from '../../src/policy/permissions.js';

const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
const PARTS = [
  '*',
  '',
  'agents',
  'workflows',
  'stored',
  'stored-agents',
  'stored-skills',
  'stored-workspaces',
  'stored-x',
  'read',
  'write',
  'execute',
  'my-agent',
  'other',
  ...PROTOTYPE_NAMES,
];

/** 1 to 5 parts from a vocabulary where collisions (and so `true` answers) are frequent. */
const structured = fc
  .array(
    fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PARTS) }, { weight: 1, arbitrary: fc.string() }),
    {
      minLength: 1,
      maxLength: 5,
    },
  )
  .map((parts) => parts.join(':'));
/** A required permission derived from a granted one, so that the pair is related. */
const relatedPair = structured.chain((granted) =>
  fc.tuple(
    fc.constant(granted),
    fc.oneof(
      fc.constant(granted),
      fc.tuple(fc.constantFrom(...PARTS), fc.nat(4)).map(([part, index]) => {
        const parts = granted.split(':');
        parts[Math.min(index, parts.length - 1)] = part;
        return parts.join(':');
      }),
      fc.constantFrom(...PARTS).map((part) => `${granted}:${part}`),
      structured,
    ),
  ),
);
const pair = fc.oneof(
  { weight: 4, arbitrary: relatedPair },
  { weight: 1, arbitrary: fc.tuple(fc.string(), fc.string()) },
);

/** Core types permissions as a literal union; the oracle takes our plain strings. */
type CoreMapping = Parameters<typeof core.resolvePermissionsFromMapping>[1];
const coreMapping = (mapping: RoleMapping) => ({ ...mapping }) as unknown as CoreMapping;

type CoreAnswer = boolean | 'throws';
function coreMatches(granted: string, required: string): CoreAnswer {
  try {
    return core.matchesPermission(granted, required);
  } catch {
    return 'throws';
  }
}
/** The documented difference: more than three parts (core drops the extra ones). */
const hasExtraParts = (permission: string) => permission.split(':').length > 3;

describe('matchesPermission equals core (differential, fast-check)', () => {
  it('agrees on 12,000 generated pairs, and is never more permissive where core is unsafe', () => {
    const tally = { runs: 0, equal: 0, stricter: 0, coreThrew: 0, granted: 0 };
    fc.assert(
      fc.property(pair, ([granted, required]) => {
        tally.runs++;
        const ours = matchesPermission(granted, required);
        const theirs = coreMatches(granted, required);
        if (ours) tally.granted++;
        if (theirs === 'throws') {
          // Core throws for a granted resource named after an Object.prototype member.
          tally.coreThrew++;
          expect(PROTOTYPE_NAMES).toContain(granted.split(':')[0]);
        } else if (hasExtraParts(granted) || hasExtraParts(required)) {
          if (ours) expect(theirs).toBe(true);
          if (ours === theirs) tally.equal++;
          else tally.stricter++;
        } else {
          expect(ours).toBe(theirs);
          tally.equal++;
        }
      }),
      { numRuns: 12_000 },
    );
    expect(tally.runs).toBe(12_000);
    // Not vacuous: both answers are common, and the unsafe cases were met.
    expect(tally.granted).toBeGreaterThan(2_000);
    expect(tally.runs - tally.granted).toBeGreaterThan(2_000);
    expect(tally.stricter).toBeGreaterThan(0);
    expect(tally.coreThrew).toBeGreaterThan(0);
  }, 60_000);

  it('list checks agree with core (hasPermission) on generated lists', () => {
    fc.assert(
      fc.property(fc.array(structured, { maxLength: 4 }), structured, (granted, required) => {
        fc.pre(!granted.some((p) => PROTOTYPE_NAMES.includes(p.split(':')[0] ?? '')));
        fc.pre(!granted.some(hasExtraParts) && !hasExtraParts(required));
        expect(hasPermission(granted, required)).toBe(core.hasPermission(granted, required));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('matchesPermission (fixed vectors)', () => {
  it.each([
    ['*', 'agents:read', true],
    ['*', 'anything', true],
    ['agents:*', 'agents:read', true],
    ['agents:*', 'agents:read:my-agent', true],
    ['agents:*', 'agents', false],
    ['*:read', 'agents:read', true],
    ['*:read', 'agents:write', false],
    ['*:*', 'agents:write', true],
    ['*:*:my-agent', 'agents:write:my-agent', true],
    ['*:*:my-agent', 'agents:write', false],
    ['agents:read', 'agents:read:my-agent', true],
    ['agents:read:my-agent', 'agents:read', false],
    ['agents:*:my-agent', 'agents:write:my-agent', true],
    ['agents:read', 'agents:*', false],
    ['agents:*', '*', false],
    ['agents', 'agents', true],
    ['agents', 'agents:read', false],
    // The stored family expansion.
    ['stored:read', 'stored-agents:read', true],
    ['stored:*', 'stored-workspaces:delete', true],
    ['stored:read:a1', 'stored-skills:read:a1', true],
    ['stored:read', 'stored-agents:write', false],
    ['stored:read', 'stored-unknown:read', false],
    ['stored:read', 'stored:read', true],
    ['stored', 'stored-agents', true],
    ['stored-agents:read', 'stored-skills:read', false],
    // Empty parts are ordinary values, as in core.
    ['*:read', ':read', true],
    ['agents:', 'agents:', true],
    ['agents:', 'agents:read', false],
  ])('%j covers %j: %s (as core)', (granted, required, expected) => {
    expect(matchesPermission(granted, required)).toBe(expected);
    expect(core.matchesPermission(granted, required)).toBe(expected);
  });

  it.each([
    // Core drops parts after the third: a grant on id "a:b" would cover "a:c" and "a".
    ['agents:read:a:b', 'agents:read:a:c'],
    ['agents:read:a:b', 'agents:read:a'],
    ['agents:read:a', 'agents:read:a:b'],
    ['*:*:a:b', 'tools:execute:a:c'],
  ])('is stricter than core on extra parts: %j does not cover %j', (granted, required) => {
    expect(core.matchesPermission(granted, required)).toBe(true);
    expect(matchesPermission(granted, required)).toBe(false);
  });

  it('an id with colons covers exactly itself', () => {
    expect(matchesPermission('tools:execute:agent-1:search', 'tools:execute:agent-1:search')).toBe(true);
    expect(matchesPermission('tools:*:agent-1:search', 'tools:read:agent-1:search')).toBe(true);
  });

  it.each(PROTOTYPE_NAMES)('answers (core throws) for a granted resource named %j', (name) => {
    expect(() => core.matchesPermission(`${name}:read`, 'agents:read')).toThrow(TypeError);
    expect(matchesPermission(`${name}:read`, 'agents:read')).toBe(false);
    expect(matchesPermission(`${name}:read`, `${name}:read`)).toBe(true);
  });

  it('matches nothing for non-string input (core throws)', () => {
    const notString: unknown = 42;
    expect(matchesPermission(notString as string, 'agents:read')).toBe(false);
    expect(matchesPermission('*', notString as string)).toBe(false);
    expect(hasPermission(notString as string[], 'agents:read')).toBe(false);
  });

  it('a literal permission always covers itself', () => {
    fc.assert(
      fc.property(fc.string(), (p) => {
        expect(matchesPermission(p, p)).toBe(true);
      }),
    );
  });
});

describe('permission lists', () => {
  const granted = ['agents:read', 'workflows:*'];

  it('checks one, all and any', () => {
    expect(hasPermission(granted, 'workflows:run')).toBe(true);
    expect(hasPermission([], 'agents:read')).toBe(false);
    expect(hasAllPermissions(granted, ['agents:read', 'workflows:run'])).toBe(true);
    expect(hasAllPermissions(granted, ['agents:read', 'agents:write'])).toBe(false);
    expect(hasAllPermissions(granted, [])).toBe(true);
    expect(hasAnyPermission(granted, ['agents:write', 'workflows:run'])).toBe(true);
    expect(hasAnyPermission(granted, [])).toBe(false);
  });
});

describe('resolvePermissionsFromMapping', () => {
  const ROLES = ['owner', 'admin', 'api', 'member', 'viewer', '_default', 'unknown', 'Owner', ''];

  it.each(ROLES)('the default Cloud mapping gives role %j what core gives it', (role) => {
    expect(resolvePermissionsFromMapping([role], DEFAULT_CLOUD_ROLE_MAPPING)).toEqual(
      core.resolvePermissionsFromMapping([role], coreMapping(DEFAULT_CLOUD_ROLE_MAPPING)),
    );
  });

  it('agrees with core on generated roles and mappings', () => {
    const mapping = fc.dictionary(
      fc.constantFrom(...ROLES, 'x'),
      fc.array(fc.constantFrom('*', 'agents:read', '*:read', 'tools:*'), { maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ROLES, 'x'), { maxLength: 4 }), mapping, (roles, map) => {
        expect(resolvePermissionsFromMapping(roles, map)).toEqual(
          core.resolvePermissionsFromMapping(roles, coreMapping(map)),
        );
      }),
      { numRuns: 2_000 },
    );
  });

  it.each(PROTOTYPE_NAMES)('a role named %j gets _default (core throws)', (role) => {
    const mapping: RoleMapping = { viewer: ['*:read'], _default: ['agents:read'] };
    expect(() => core.resolvePermissionsFromMapping([role], coreMapping(mapping))).toThrow(TypeError);
    expect(resolvePermissionsFromMapping([role], mapping)).toEqual(['agents:read']);
  });
});
