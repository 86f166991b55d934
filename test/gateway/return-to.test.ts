import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors/index.js';
import { requireReturnTo } from '../../src/gateway/return-to.js';

describe('requireReturnTo', () => {
  it('defaults to / and keeps same-origin paths', () => {
    expect(requireReturnTo(null)).toBe('/');
    expect(requireReturnTo('')).toBe('/');
    expect(requireReturnTo('/agents?tab=1')).toBe('/agents?tab=1');
  });

  it.each([
    '//evil.example',
    '/\\evil.example',
    'https://evil.example/',
    '/%2F%2Fevil.example',
    'javascript:alert(1)',
    `/${'a'.repeat(3000)}`,
  ])('refuses %j with 400 invalid_redirect', (value) => {
    try {
      requireReturnTo(value);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error).toMatchObject({ code: 'invalid_redirect', status: 400 });
    }
  });
});
