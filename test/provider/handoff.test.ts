import { describe, expect, it } from 'vitest';
import { Handoff } from '../../src/provider/handoff.js';
import { ManualClock } from '../../src/testing/index.js';

describe('Handoff', () => {
  it('hands a value over once, per key', () => {
    const handoff = new Handoff<string>(10, 1000, new ManualClock());
    handoff.put('a', 'A');
    handoff.put('b', 'B');
    expect(handoff.take('b')).toBe('B');
    expect(handoff.take('a')).toBe('A');
    expect(handoff.take('a')).toBeUndefined();
  });

  it('drops values not taken in time', () => {
    const clock = new ManualClock();
    const handoff = new Handoff<string>(10, 1000, clock);
    handoff.put('a', 'A');
    clock.advance(1000);
    expect(handoff.take('a')).toBeUndefined();
  });

  it('stays bounded, forgetting the oldest first', () => {
    const handoff = new Handoff<number>(3, 1000, new ManualClock());
    for (let i = 0; i < 5; i++) handoff.put(`k${i}`, i);
    expect(handoff.take('k0')).toBeUndefined();
    expect(handoff.take('k1')).toBeUndefined();
    expect([handoff.take('k2'), handoff.take('k3'), handoff.take('k4')]).toEqual([2, 3, 4]);
  });
});
