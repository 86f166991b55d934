import { KEY_PREFIXES } from '../kv-session/internal.js';

/** What the object uses of `ctx.storage` (a Durable Object's transactional storage). */
interface ObjectStorage {
  get(key: string): Promise<unknown>;
  get(keys: string[]): Promise<Map<string, unknown>>;
  put(entries: Record<string, unknown>): Promise<void>;
  delete(key: string): Promise<boolean>;
  delete(keys: string[]): Promise<number>;
  list(options: { start?: string; prefix?: string; limit?: number }): Promise<Map<string, unknown>>;
  getAlarm(): Promise<number | null>;
  setAlarm(time: number): Promise<void>;
}

/** Revocations remembered for pollers; a poller further behind drops its whole L1 instead. */
const LOG_LIMIT = 1_000;
/** Expired records are swept this often (reads already ignore them). */
const SWEEP_INTERVAL_MS = 60 * 60_000;
const SWEEP_BATCH = 500;
const MAX_KEY_CHARS = 512;
const MAX_VALUE_CHARS = 64 * 1024;
const RECORD_PREFIX = 'r:';
const VERSION_KEY = 'm:version';
const LOG_KEY = 'm:log';

interface StoredRecord {
  v: string;
  /** Absolute expiry in ms, or null without TTL. */
  e: number | null;
}

/**
 * The Durable Object behind `AUTH_DO`: revocation marks, session records and used login states
 * with strong consistency (one object, one thread, transactional storage). Every revocation mark
 * written advances the object's revocation version and is logged, so a gateway isolate that polls
 * `{ op: 'poll', cursor }` learns of every logout since its last poll in one call.
 *
 * Export it from the Worker entry (`worker.ts` does) and bind it as `AUTH_DO` with a migration
 * (see wrangler.toml). The client side is `durableObjectStores` in `mastra-edge-auth/kv-session`.
 *
 * Import from `mastra-edge-auth/gateway`.
 */
export class AuthStoreObject {
  readonly #storage: ObjectStorage;

  constructor(ctx: { storage: ObjectStorage }, _env?: unknown) {
    this.#storage = ctx.storage;
  }

  /** One command per request (JSON body); 400 for a malformed one, never a stack trace. */
  async fetch(request: Request): Promise<Response> {
    let command: unknown;
    try {
      command = await request.json();
    } catch {
      return badRequest('the body must be JSON');
    }
    if (typeof command !== 'object' || command === null) return badRequest('the body must be an object');
    const op: unknown = Reflect.get(command, 'op');
    if (op === 'poll') {
      const cursor: unknown = Reflect.get(command, 'cursor');
      if (cursor !== undefined && (typeof cursor !== 'number' || !Number.isInteger(cursor) || cursor < 0)) {
        return badRequest('cursor must be a non-negative integer');
      }
      return Response.json(await this.#poll(cursor));
    }
    const key: unknown = Reflect.get(command, 'key');
    if (typeof key !== 'string' || key === '' || key.length > MAX_KEY_CHARS) return badRequest('bad key');
    if (op === 'get') return Response.json({ value: await this.#get(key) });
    if (op === 'delete') {
      await this.#storage.delete(RECORD_PREFIX + key);
      return Response.json({ ok: true });
    }
    if (op !== 'put' && op !== 'putIfAbsent') return badRequest('unknown op');
    const value: unknown = Reflect.get(command, 'value');
    const ttl: unknown = Reflect.get(command, 'ttl');
    if (typeof value !== 'string' || value.length > MAX_VALUE_CHARS) return badRequest('bad value');
    if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0)) {
      return badRequest('ttl must be a positive number of seconds');
    }
    if (op === 'putIfAbsent' && (await this.#get(key)) !== null) return Response.json({ wrote: false });
    await this.#put(key, value, ttl);
    return Response.json(op === 'put' ? { ok: true } : { wrote: true });
  }

  /** Sweeps expired records (reads ignore them anyway; this only frees space). */
  async alarm(): Promise<void> {
    const now = Date.now();
    let start: string | undefined;
    let more = false;
    for (;;) {
      const page = await this.#storage.list({
        prefix: RECORD_PREFIX,
        limit: SWEEP_BATCH,
        ...(start !== undefined && { start }),
      });
      const expired: string[] = [];
      let last: string | undefined;
      for (const [key, record] of page) {
        last = key;
        const expiresAt = expiryOf(record);
        if (expiresAt !== null && expiresAt <= now) expired.push(key);
        else if (expiresAt !== null) more = true;
      }
      if (expired.length > 0) await this.#storage.delete(expired);
      if (page.size < SWEEP_BATCH || last === undefined) break;
      start = `${last}\u0000`;
    }
    if (more) await this.#storage.setAlarm(now + SWEEP_INTERVAL_MS);
  }

  async #get(key: string): Promise<string | null> {
    const record = await this.#storage.get(RECORD_PREFIX + key);
    if (!isRecord(record)) return null;
    if (record.e !== null && record.e <= Date.now()) return null;
    return record.v;
  }

  async #put(key: string, value: string, ttl: number | undefined): Promise<void> {
    const record: StoredRecord = { v: value, e: ttl === undefined ? null : Date.now() + ttl * 1000 };
    const entries: Record<string, unknown> = { [RECORD_PREFIX + key]: record };
    if (key.startsWith(KEY_PREFIXES.revoked)) {
      // The mark, the new version and the log entry land in one write: a poller never sees one without the others.
      const [version, log] = await this.#revocationState();
      const next = version + 1;
      const hash = key.slice(KEY_PREFIXES.revoked.length);
      entries[VERSION_KEY] = next;
      entries[LOG_KEY] = [...log, hash].slice(-LOG_LIMIT);
    }
    await this.#storage.put(entries);
    if (record.e !== null && (await this.#storage.getAlarm()) === null) {
      await this.#storage.setAlarm(Date.now() + SWEEP_INTERVAL_MS);
    }
  }

  /** The revocations after `cursor`, or `reset` when the log no longer reaches back that far. */
  async #poll(cursor: number | undefined): Promise<object> {
    const [version, log] = await this.#revocationState();
    if (cursor === undefined || cursor === version) return { cursor: version, revoked: [] };
    const missed = version - cursor;
    if (missed < 0 || missed > log.length) return { cursor: version, reset: true };
    return { cursor: version, revoked: log.slice(log.length - missed) };
  }

  async #revocationState(): Promise<[number, string[]]> {
    const stored = await this.#storage.get([VERSION_KEY, LOG_KEY]);
    const version = stored.get(VERSION_KEY);
    const log = stored.get(LOG_KEY);
    return [
      typeof version === 'number' ? version : 0,
      Array.isArray(log) ? log.filter((h): h is string => typeof h === 'string') : [],
    ];
  }
}

function isRecord(value: unknown): value is StoredRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v: unknown = Reflect.get(value, 'v');
  const e: unknown = Reflect.get(value, 'e');
  return typeof v === 'string' && (e === null || typeof e === 'number');
}

function expiryOf(value: unknown): number | null {
  return isRecord(value) ? value.e : null;
}

function badRequest(message: string): Response {
  return Response.json({ error: 'invalid_request', message }, { status: 400 });
}
