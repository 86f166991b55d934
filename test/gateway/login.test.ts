import { describe, expect, it } from 'vitest';
import { returnToFromState } from '../../src/gateway/login.js';

describe('returnToFromState', () => {
  it.each([
    ['id|%2Fagents%3Ftab%3D1', '/agents?tab=1'],
    ['id', '/'],
    ['id|', '/'],
    ['id|%2F%2Fevil.example', '/'],
    ['id|https%3A%2F%2Fevil.example', '/'],
    ['id|%E0%A4%A', '/'],
  ])('%s -> %s', (state, expected) => {
    expect(returnToFromState(state)).toBe(expected);
  });
});
