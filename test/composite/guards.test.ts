import { describe, expect, it } from 'vitest';
import {
  isAuthProvider,
  isRBACProvider,
  isSessionProvider,
  isSSOProvider,
  isUserProvider,
} from '../../src/composite/index.js';

const fn = () => undefined;

describe('capability guards', () => {
  it.each([
    [isSSOProvider, ['getLoginUrl', 'handleCallback']],
    [isSessionProvider, ['validateSession', 'createSession']],
    [isUserProvider, ['getCurrentUser']],
    [isRBACProvider, ['getPermissions', 'hasPermission']],
    [isAuthProvider, ['authenticateToken', 'authorizeUser']],
  ] as const)('%o needs every method of its capability to be a function', (guard, methods) => {
    const complete = Object.fromEntries(methods.map((name) => [name, fn]));
    expect(guard(complete)).toBe(true);
    expect(guard(Object.assign(Object.create(complete), {}))).toBe(true);
    for (const name of methods) {
      expect(guard({ ...complete, [name]: undefined })).toBe(false);
      expect(guard({ ...complete, [name]: 'not a function' })).toBe(false);
    }
  });

  it('is false for non-objects', () => {
    for (const value of [null, undefined, 'getCurrentUser', 1, true]) {
      expect(isUserProvider(value)).toBe(false);
      expect(isSSOProvider(value)).toBe(false);
    }
  });

  it('recognises class instances by their prototype methods', () => {
    class Users {
      async getCurrentUser() {
        return null;
      }
    }
    expect(isUserProvider(new Users())).toBe(true);
    expect(isSessionProvider(new Users())).toBe(false);
  });
});
