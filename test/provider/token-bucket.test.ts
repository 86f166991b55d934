import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/provider/token-bucket.js';

describe('TokenBucket', () => {
  it('gives the burst, then one token per 1/rate seconds, and says how long to wait', () => {
    let now = 0;
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, now: () => now });
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0]);
    expect(bucket.take()).toBe(100);
    now = 50;
    expect(bucket.take()).toBe(50);
    now = 100;
    expect(bucket.take()).toBe(0);
    now = 100_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0, 100]);
    expect(bucket.refused).toBe(3);
  });

  it('never refills backwards when the clock goes back', () => {
    let now = 1_000;
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, now: () => now });
    bucket.take();
    now = 0;
    expect(bucket.take()).toBeGreaterThan(0);
  });

  it.each([
    { ratePerSecond: 0, burst: 1 },
    { ratePerSecond: Number.NaN, burst: 1 },
    { ratePerSecond: 1, burst: 0 },
    { ratePerSecond: 1, burst: 1.5 },
  ])('refuses %j', (options) => {
    expect(() => new TokenBucket({ ...options, now: () => 0 })).toThrow(TypeError);
  });
});
