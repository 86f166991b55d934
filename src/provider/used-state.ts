import type { Clock } from '../kv-session/clock.js';
import { LruMap } from '../kv-session/lru.js';

/**
 * Remembers which login states have been used, so a callback replayed within the flow's lifetime
 * is refused. Keys are state hashes (`hashToken(stateId)`), never the state itself.
 */
export interface UsedStateLedger {
  /**
   * Marks a state as used until `untilMs`.
   *
   * @returns `true` when this call claimed it, `false` when it was already used
   */
  claim(stateHash: string, untilMs: number): Promise<boolean>;
}

/** Default bound of the per-isolate set: far more concurrent logins than one isolate sees. */
const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * The per-isolate ledger. A claim is recorded synchronously, before any await, so two callbacks
 * racing in one isolate cannot both claim a state. It cannot see other isolates. A KV tier would
 * narrow that gap but not close it: KV is eventually consistent (a mark written in one location
 * is read elsewhere only after up to about 60 s), so a replay in another location within that
 * window would still pass. The backstop in every case is Cloud: authorization codes are
 * single-use, even when a redemption fails, so a replayed callback cannot redeem its code twice.
 */
export class MemoryUsedStateLedger implements UsedStateLedger {
  readonly #used: LruMap<string, number>;
  readonly #clock: Clock;

  /**
   * @param clock - the time source
   * @param maxEntries - bound of the set (least recently used states are forgotten first)
   */
  constructor(clock: Clock, maxEntries = DEFAULT_MAX_ENTRIES) {
    this.#used = new LruMap(maxEntries);
    this.#clock = clock;
  }

  async claim(stateHash: string, untilMs: number): Promise<boolean> {
    return this.claimSync(stateHash, untilMs);
  }

  /** The synchronous claim, for ledgers that add a shared tier behind this one. */
  claimSync(stateHash: string, untilMs: number): boolean {
    const until = this.#used.peek(stateHash);
    if (until !== undefined && until > this.#clock.now()) return false;
    this.#used.set(stateHash, untilMs);
    return true;
  }
}
