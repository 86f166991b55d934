import { describe, expect, it } from 'vitest';
import { MemoryUsedStateLedger } from '../../src/provider/index.js';
import { ManualClock } from '../../src/testing/index.js';

describe('MemoryUsedStateLedger', () => {
  it('lets a state be claimed once while it lives', async () => {
    const clock = new ManualClock();
    const ledger = new MemoryUsedStateLedger(clock);
    const until = clock.now() + 600_000;
    const claims = await Promise.all([
      ledger.claim('h1', until),
      ledger.claim('h1', until),
      ledger.claim('h2', until),
    ]);
    expect(claims).toEqual([true, false, true]);
    clock.advance(600_000);
    expect(await ledger.claim('h1', clock.now() + 1)).toBe(true);
  });
});
