/**
 * A source of time in milliseconds since the epoch. Injected everywhere time matters so tests
 * move time instead of sleeping.
 */
export interface Clock {
  /** Current time, in milliseconds since the epoch. */
  now(): number;
  /**
   * Waits `ms` milliseconds. Optional: when absent, a `setTimeout` promise is used. A test clock
   * implements it by advancing itself.
   */
  sleep?(ms: number): Promise<void>;
}

/** The real clock (`Date.now`, `setTimeout`). */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Waits on `clock`, falling back to `setTimeout` when the clock cannot sleep. */
export function sleepOn(clock: Clock, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  if (clock.sleep) return clock.sleep(ms);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
