import type { Clock } from './clock.js';

/**
 * A clock tests move by hand. `sleep(ms)` is a virtual timer: it never waits for real time; on a
 * later macrotask turn (after pending promise callbacks have run) the clock jumps to the earliest
 * pending deadline and that sleeper resumes, so concurrent sleepers wake in deadline order, each
 * at its own time. `advance` also wakes every sleeper whose deadline it passes.
 *
 * Import from `mastra-edge-auth/testing` (it lives here, next to {@link Clock}, for the KV double).
 */
export class ManualClock implements Clock {
  #now: number;
  #timers: Array<{ at: number; wake: () => void }> = [];
  #pumping = false;

  /** @param start - initial time in ms since the epoch (default 2026-01-01T00:00:00Z). */
  constructor(start: number = Date.UTC(2026, 0, 1)) {
    this.#now = checkTime('start', start);
  }

  /** Current time in ms since the epoch. */
  now(): number {
    return this.#now;
  }

  /** Moves time forward. @throws TypeError for a negative or non-finite `ms`. */
  advance(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new TypeError('ms must be a non-negative finite number');
    }
    this.#now += ms;
    while (this.#timers[0] && this.#timers[0].at <= this.#now) this.#timers.shift()?.wake();
  }

  /** Sets the time (may go backwards, to test clock skew). */
  set(ms: number): void {
    this.#now = checkTime('ms', ms);
  }

  /** Resolves once the clock has been moved `ms` forward (by a later turn or by `advance`). */
  sleep(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    return new Promise((wake) => {
      this.#timers.push({ at: this.#now + ms, wake });
      this.#timers.sort((a, b) => a.at - b.at);
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    // A zero-delay turn lets every pending promise callback run first; no real time is waited for.
    setTimeout(() => {
      this.#pumping = false;
      const next = this.#timers.shift();
      if (!next) return;
      if (next.at > this.#now) this.#now = next.at;
      next.wake();
      if (this.#timers.length > 0) this.#pump();
    }, 0);
  }
}

function checkTime(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new TypeError(`${name} must be a finite number`);
  return value;
}
