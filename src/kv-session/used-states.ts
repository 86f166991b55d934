import { StorageUnavailableError } from '../errors/index.js';
import { capabilitiesOf, cleanupTtlFor } from './capabilities.js';
import type { Clock } from './clock.js';
import { guardedPut } from './guarded-put.js';
import { storageKey } from './keys.js';
import { LruMap } from './lru.js';
import { report, type StorageErrorHandler } from './report.js';
import type { KVStore } from './store.js';

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
 * racing in one isolate cannot both claim a state. It cannot see other isolates: with KV, the
 * provider puts {@link KvUsedStateLedger} in front of it for those. The backstop in every case is
 * Cloud: authorization codes are single-use, even when a redemption fails, so a replayed callback
 * cannot redeem its code twice.
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

/**
 * The per-isolate ledger plus a shared store, so a callback replayed to another isolate or
 * process is refused too. What "refused" means follows the store's declared capabilities:
 *
 * - atomic set-if-absent (a Durable Object, Redis `SET NX`, memory): exactly one claim of a state
 *   wins anywhere; a store that cannot answer is an outage (`StorageUnavailableError`), never a pass.
 * - Workers KV (eventual, no atomic claim): read, then write. A mark reaches other locations only
 *   after the propagation bound (about 60 s), so a replay elsewhere inside it can still pass;
 *   Cloud's single-use codes remain the backstop there. A KV failure is reported and does not
 *   block the login (the local claim stands, and Cloud still has to accept the code).
 *
 * Import from `mastra-edge-auth/kv-session`.
 */
export class KvUsedStateLedger implements UsedStateLedger {
  readonly #local: MemoryUsedStateLedger;
  readonly #kv: KVStore;
  readonly #clock: Clock;
  readonly #onError: StorageErrorHandler | undefined;

  constructor(kv: KVStore, clock: Clock, onError?: StorageErrorHandler) {
    this.#local = new MemoryUsedStateLedger(clock);
    this.#kv = kv;
    this.#clock = clock;
    this.#onError = onError;
  }

  /** @throws StorageUnavailableError when an atomic store could not answer. */
  async claim(stateHash: string, untilMs: number): Promise<boolean> {
    if (!this.#local.claimSync(stateHash, untilMs)) return false;
    const key = storageKey('used-state', stateHash);
    const capabilities = capabilitiesOf(this.#kv);
    if (capabilities.atomicSetIfAbsent && this.#kv.putIfAbsent) {
      const ttl = cleanupTtlFor(capabilities, untilMs - this.#clock.now());
      try {
        return await this.#kv.putIfAbsent(key, '1', { expirationTtl: ttl });
      } catch (error) {
        report(this.#onError, error, { op: 'put', record: 'used-state' });
        throw new StorageUnavailableError('The used-state store could not be written', { cause: error });
      }
    }
    try {
      if ((await this.#kv.get(key, 'text')) !== null) return false;
    } catch (error) {
      report(this.#onError, error, { op: 'get', record: 'used-state' });
      return true;
    }
    await guardedPut(this.#kv, key, '1', untilMs - this.#clock.now(), {
      record: 'used-state',
      clock: this.#clock,
      mode: 'skip',
      onError: this.#onError,
    });
    return true;
  }
}
