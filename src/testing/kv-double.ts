/**
 * A Workers KV test double that keeps KV's rules, so code that breaks them fails in tests the way
 * it would in production: TTLs under 60 s are rejected with KV's own error text, a second write
 * of a key within a second gets KV's 429, and several locations see each other's writes only
 * after a configurable replication lag (stale reads, stale "not found"). Time comes from a
 * {@link ManualClock}; faults can be injected per operation and location.
 *
 * @module
 */
import {
  type KVPutOptions,
  type KVStore,
  type StoreCapabilities,
  WORKERS_KV_CAPABILITIES,
} from '../kv-session/index.js';
import { ManualClock } from '../kv-session/internal.js';

export { ManualClock };

/** A KV operation, for fault injection and the log. */
export type KVOp = 'get' | 'put' | 'delete';

/** Options of {@link KVDouble}. */
export interface KVDoubleOptions {
  /** Default: a new {@link ManualClock}. */
  clock?: ManualClock;
  /** Location names; the first is the default. Default `['main']`. */
  locations?: readonly string[];
  /** How long a write takes to become visible in the other locations. Default 0. */
  replicationLagMs?: number;
  /** Answer a second write of a key within 1 s with KV's 429. Default true. */
  writeRateLimit?: boolean;
}

/** One operation as the double saw it. */
export interface KVDoubleLogEntry {
  op: KVOp;
  key: string;
  location: string;
  at: number;
  expirationTtl?: number;
  /** The error message when the operation failed (KV's own text, or the injected fault's). */
  error?: string;
}

/** A live record as stored (ignoring replication lag). */
export interface KVDoubleRecord {
  key: string;
  value: string;
  /** Absolute expiry in ms, or `null` without TTL. */
  expiresAt: number | null;
}

interface Version {
  value: string | null;
  at: number;
  location: string;
  expiresAt: number | null;
}

interface Fault {
  op: KVOp;
  location: string | undefined;
  remaining: number;
  error: unknown;
}

const MIN_TTL_SECONDS = 60;
const WRITE_INTERVAL_MS = 1_000;
const MAX_KEY_BYTES = 512;
const encoder = new TextEncoder();

/**
 * The shared state of a KV namespace across locations. Get a store per location (and per
 * simulated isolate) with {@link KVDouble.location}.
 *
 * Import from `mastra-edge-auth/testing`.
 *
 * @example
 * ```ts
 * const kv = new KVDouble({ locations: ['ams', 'sfo'], replicationLagMs: 60_000 });
 * const ams = kv.location('ams');
 * await ams.put('k', 'v', { expirationTtl: 30 }); // rejects: "KV PUT failed: 400 Invalid expiration_ttl of 30. ..."
 * kv.clock.advance(61_000);
 * ```
 */
export class KVDouble {
  readonly clock: ManualClock;
  readonly locations: readonly string[];
  /** Every operation, in order. */
  readonly log: KVDoubleLogEntry[] = [];
  #lagMs: number;
  readonly #rateLimit: boolean;
  readonly #versions = new Map<string, Version[]>();
  readonly #lastWrite = new Map<string, number>();
  #faults: Fault[] = [];

  /** @throws TypeError naming an invalid option. */
  constructor(options: KVDoubleOptions = {}) {
    this.clock = options.clock ?? new ManualClock();
    const locations = options.locations ?? ['main'];
    if (
      !Array.isArray(locations) ||
      locations.length === 0 ||
      !locations.every((l) => typeof l === 'string' && l)
    ) {
      throw new TypeError('locations must be a non-empty array of names');
    }
    if (new Set(locations).size !== locations.length) throw new TypeError('locations must be unique');
    this.locations = [...locations];
    this.#lagMs = checkLag(options.replicationLagMs ?? 0);
    this.#rateLimit = options.writeRateLimit ?? true;
  }

  /**
   * A store bound to one location. Each call returns a new handle (one per simulated isolate);
   * handles of one location share what they see.
   *
   * @throws TypeError for an unknown location.
   */
  location(name: string = this.locations[0] ?? 'main'): KVDoubleNamespace {
    if (!this.locations.includes(name)) throw new TypeError(`unknown location: ${name}`);
    return new KVDoubleNamespace(name, {
      capabilities: () => this.capabilities,
      get: (key, type) => this.#get(name, key, type),
      put: (key, value, options) => this.#put(name, key, value, options),
      delete: (key) => this.#delete(name, key),
    });
  }

  /** Workers KV's, with this double's replication lag as the propagation bound. */
  get capabilities(): StoreCapabilities {
    return {
      ...WORKERS_KV_CAPABILITIES,
      engine: 'workers-kv-double',
      consistency: { kind: 'eventual', propagationMs: this.#lagMs },
    };
  }

  /** Moves the clock forward. */
  advance(ms: number): void {
    this.clock.advance(ms);
  }

  /** Changes the replication lag from now on (already visible writes stay visible). */
  setReplicationLag(ms: number): void {
    this.#lagMs = checkLag(ms);
  }

  /** Makes the next `times` (default 1) calls of `op` throw `error` (default: a KV 503). */
  failNext(op: KVOp, options: { error?: unknown; times?: number; location?: string } = {}): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new TypeError('times must be a positive integer');
    this.#addFault(op, times, options);
  }

  /** Makes every call of `op` throw until {@link KVDouble.heal}. */
  failAlways(op: KVOp, options: { error?: unknown; location?: string } = {}): void {
    this.#addFault(op, Number.POSITIVE_INFINITY, options);
  }

  /** Removes every injected fault. */
  heal(): void {
    this.#faults = [];
  }

  /** The live value of a key as the origin sees it (ignores lag), or `null`. */
  peek(key: string): string | null {
    const latest = this.#versions.get(key)?.at(-1);
    if (!latest || latest.value === null || this.#expired(latest)) return null;
    return latest.value;
  }

  /** Every live record (ignores lag). */
  records(): KVDoubleRecord[] {
    const out: KVDoubleRecord[] = [];
    for (const key of this.#versions.keys()) {
      const value = this.peek(key);
      const latest = this.#versions.get(key)?.at(-1);
      if (value !== null && latest) out.push({ key, value, expiresAt: latest.expiresAt });
    }
    return out;
  }

  /** Every key and every value ever written, overwritten, deleted or expired ones included (for leak checks). */
  everything(): string[] {
    const out: string[] = [];
    for (const [key, versions] of this.#versions) {
      out.push(key);
      for (const v of versions) if (v.value !== null) out.push(v.value);
    }
    return out;
  }

  /** Forgets every record, write time, fault and log entry. */
  clear(): void {
    this.#versions.clear();
    this.#lastWrite.clear();
    this.#faults = [];
    this.log.length = 0;
  }

  #get(location: string, key: string, type: unknown): string | null {
    const entry = this.#begin('get', location, key);
    try {
      if (type !== undefined && type !== 'text' && !(isObject(type) && type.type === 'text')) {
        throw new TypeError('KVDouble supports the text type only');
      }
      this.#checkKey('GET', key);
      const now = this.clock.now();
      const versions = this.#versions.get(key) ?? [];
      for (let i = versions.length - 1; i >= 0; i--) {
        const v = versions[i];
        if (!v) continue;
        const visibleAt = v.location === location ? v.at : v.at + this.#lagMs;
        if (visibleAt > now) continue;
        return v.value === null || this.#expired(v) ? null : v.value;
      }
      return null;
    } catch (error) {
      entry.error = messageOf(error);
      throw error;
    }
  }

  #put(location: string, key: string, value: unknown, options: KVPutOptions | undefined): void {
    const entry = this.#begin('put', location, key);
    try {
      if (typeof value !== 'string') throw new TypeError('KVDouble stores text values only');
      this.#checkKey('PUT', key);
      const raw = options?.expirationTtl;
      let expiresAt: number | null = null;
      if (raw !== undefined) {
        entry.expirationTtl = raw;
        const ttl = Number.parseInt(String(raw), 10);
        if (Number.isNaN(ttl) || ttl <= 0) {
          throw kvError(
            'PUT',
            400,
            `Invalid expiration_ttl of ${raw}. Please specify integer greater than 0.`,
          );
        }
        if (ttl < MIN_TTL_SECONDS) {
          throw kvError(
            'PUT',
            400,
            `Invalid expiration_ttl of ${raw}. Expiration TTL must be at least ${MIN_TTL_SECONDS}.`,
          );
        }
        expiresAt = this.clock.now() + ttl * 1000;
      }
      this.#write('PUT', location, key, value, expiresAt);
    } catch (error) {
      entry.error = messageOf(error);
      throw error;
    }
  }

  #delete(location: string, key: string): void {
    const entry = this.#begin('delete', location, key);
    try {
      this.#checkKey('DELETE', key);
      this.#write('DELETE', location, key, null, null);
    } catch (error) {
      entry.error = messageOf(error);
      throw error;
    }
  }

  #begin(op: KVOp, location: string, key: string): KVDoubleLogEntry {
    const entry: KVDoubleLogEntry = { op, key, location, at: this.clock.now() };
    this.log.push(entry);
    const fault = this.#faults.find(
      (f) => f.op === op && (f.location === undefined || f.location === location),
    );
    if (fault) {
      fault.remaining--;
      if (fault.remaining <= 0) this.#faults = this.#faults.filter((f) => f !== fault);
      entry.error = messageOf(fault.error);
      throw fault.error;
    }
    return entry;
  }

  #write(
    op: 'PUT' | 'DELETE',
    location: string,
    key: string,
    value: string | null,
    expiresAt: number | null,
  ) {
    const now = this.clock.now();
    const last = this.#lastWrite.get(key);
    if (this.#rateLimit && last !== undefined && now - last < WRITE_INTERVAL_MS) {
      throw kvError(op, 429, 'Too Many Requests');
    }
    this.#lastWrite.set(key, now);
    const versions = this.#versions.get(key) ?? [];
    versions.push({ value, at: now, location, expiresAt });
    this.#versions.set(key, versions);
  }

  #checkKey(op: string, key: unknown): void {
    if (typeof key !== 'string') throw new TypeError('key must be a string');
    if (key === '') throw kvError(op, 400, 'Key names must not be empty');
    if (key === '.' || key === '..')
      throw kvError(op, 400, `Illegal key name "${key}". Please use a different name.`);
    const bytes = encoder.encode(key).byteLength;
    if (bytes > MAX_KEY_BYTES) {
      throw kvError(
        op,
        414,
        `UTF-8 encoded length of ${bytes} exceeds key length limit of ${MAX_KEY_BYTES}.`,
      );
    }
  }

  #expired(v: Version): boolean {
    return v.expiresAt !== null && v.expiresAt <= this.clock.now();
  }

  #addFault(op: KVOp, times: number, options: { error?: unknown; location?: string }): void {
    if (op !== 'get' && op !== 'put' && op !== 'delete')
      throw new TypeError("op must be 'get', 'put' or 'delete'");
    if (options.location !== undefined && !this.locations.includes(options.location)) {
      throw new TypeError(`unknown location: ${options.location}`);
    }
    const error = 'error' in options ? options.error : kvError(op.toUpperCase(), 503, 'Service Unavailable');
    this.#faults.push({ op, location: options.location, remaining: times, error });
  }
}

/** The operations a {@link KVDoubleNamespace} forwards to its {@link KVDouble}, bound to one location. */
export interface KVDoubleOps {
  capabilities(): StoreCapabilities;
  get(key: string, type: unknown): string | null;
  put(key: string, value: unknown, options: KVPutOptions | undefined): void;
  delete(key: string): void;
}

/**
 * One location's view of a {@link KVDouble}: a {@link KVStore} (the text subset of `KVNamespace`).
 * Get one from {@link KVDouble.location}. Errors reject the returned promise, as with real KV.
 */
export class KVDoubleNamespace implements KVStore {
  /** The location this view reads from and writes to. */
  readonly name: string;
  readonly #ops: KVDoubleOps;

  constructor(name: string, ops: KVDoubleOps) {
    this.name = name;
    this.#ops = ops;
  }

  /** Workers KV's limits, with the double's current replication lag. */
  get capabilities(): StoreCapabilities {
    return this.#ops.capabilities();
  }

  /** Reads a key as this location sees it (writes from elsewhere appear after the replication lag). */
  async get(key: string, type?: 'text' | { type: 'text' }): Promise<string | null> {
    return this.#ops.get(key, type);
  }

  /** Writes a key, with KV's TTL floor and write-rate limit. */
  async put(key: string, value: string, options?: KVPutOptions): Promise<void> {
    this.#ops.put(key, value, options);
  }

  /** Deletes a key (a write, for the rate limit). */
  async delete(key: string): Promise<void> {
    this.#ops.delete(key);
  }
}

/** KV's error format: `KV PUT failed: 400 <message>`. */
function kvError(op: string, status: number, message: string): Error {
  return new Error(`KV ${op} failed: ${status} ${message}`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function checkLag(ms: number): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new TypeError('replicationLagMs must be a non-negative finite number');
  }
  return ms;
}
