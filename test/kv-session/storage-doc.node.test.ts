/**
 * STORAGE.md's capabilities table is the code's declared capabilities, rendered: a change to an
 * engine's guarantees fails here until the documentation says the same.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DURABLE_OBJECT_CAPABILITIES,
  MEMORY_CAPABILITIES,
  revocationWindowMs,
  type StoreCapabilities,
  WORKERS_KV_CAPABILITIES,
} from '../../src/kv-session/index.js';
import { DEFAULT_L1_TTL_MS, REVOCATION_WINDOW_MS } from '../../src/kv-session/limits.js';
import { REDIS_CAPABILITIES } from '../../src/node/index.js';

const ENGINES: Array<[string, string, StoreCapabilities]> = [
  ['Workers KV', '`asKVStore(env.AUTH_KV)`', WORKERS_KV_CAPABILITIES],
  ['memory', '`new MemoryKVStore()`', MEMORY_CAPABILITIES],
  ['Durable Object', '`durableObjectStores(env.AUTH_DO)`', DURABLE_OBJECT_CAPABILITIES],
  ['Redis', '`redisStores({ client, subscriber })`', REDIS_CAPABILITIES],
];

const seconds = (s: number) => (s === 0 ? 'none' : `${s} s`);

function render(): string {
  const rows = ENGINES.map(([engine, adapter, c]) => {
    const consistency =
      c.consistency.kind === 'strong' ? 'strong' : `eventual, ≤ ${c.consistency.propagationMs / 1000} s`;
    const writes = c.writeIntervalMs === 0 ? 'unlimited' : `1 per ${c.writeIntervalMs} ms`;
    return `| ${engine} | ${adapter} | ${consistency} | ${seconds(c.ttlFloorSeconds)} | ${c.ttlMarginSeconds} s | ${writes} | ${c.atomicSetIfAbsent ? 'yes' : 'no'} |`;
  });
  return [
    '| Engine | Adapter | Consistency | TTL floor | TTL margin | Writes per key | Atomic set-if-absent |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function section(text: string, name: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  return text.slice(text.indexOf(start) + start.length, text.indexOf(end)).trim();
}

describe('STORAGE.md', () => {
  const text = readFileSync(new URL('../../STORAGE.md', import.meta.url), 'utf8');

  it('shows every engine with the capabilities its code declares', () => {
    expect(section(text, 'capabilities')).toBe(render());
  });

  it('the KV-only window it documents is the one computed from KV’s capabilities', () => {
    const kvWindow = revocationWindowMs({ marks: WORKERS_KV_CAPABILITIES, l1TtlMs: DEFAULT_L1_TTL_MS });
    expect(kvWindow).toBe(REVOCATION_WINDOW_MS);
    expect(section(text, 'revocation-window')).toContain(`| ${kvWindow / 1000}.0 s |`);
  });
});

describe('revocationWindowMs', () => {
  it('follows the marks store: none, eventual, strong with a push, a poll, or nothing', () => {
    expect(revocationWindowMs({ marks: undefined, l1TtlMs: 5_000 })).toBe(Number.POSITIVE_INFINITY);
    expect(revocationWindowMs({ marks: WORKERS_KV_CAPABILITIES, l1TtlMs: 2_000 })).toBe(62_000);
    expect(revocationWindowMs({ marks: REDIS_CAPABILITIES, l1TtlMs: 5_000, feed: 'push' })).toBe(0);
    expect(
      revocationWindowMs({
        marks: DURABLE_OBJECT_CAPABILITIES,
        l1TtlMs: 5_000,
        feed: 'poll',
        feedPollMs: 1_000,
      }),
    ).toBe(1_000);
    expect(revocationWindowMs({ marks: MEMORY_CAPABILITIES, l1TtlMs: 5_000 })).toBe(5_000);
  });
});
