/**
 * The import direction, enforced: gateway -> composite -> provider -> kv-session / cloud-fetch ->
 * leaves (mastra, http, crypto, policy) -> errors. A room may import only rooms below it, and
 * only through their `index.ts` (the public subpath) or `internal.ts` (package-private, for
 * sibling rooms); leaf folders are plain modules and may be imported file by file. `testing` and
 * `node` sit beside the chain and nothing in the library imports them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LEAVES = ['errors', 'mastra', 'http', 'crypto', 'policy'] as const;
const BELOW_PROVIDER = ['kv-session', 'cloud-fetch', ...LEAVES];

/** What each folder of `src/` may import (besides itself). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  errors: [],
  mastra: ['errors'],
  http: ['errors'],
  crypto: ['errors'],
  policy: ['errors', 'mastra', 'http', 'crypto'],
  'cloud-fetch': LEAVES,
  'kv-session': LEAVES,
  provider: BELOW_PROVIDER,
  composite: ['provider', ...BELOW_PROVIDER],
  gateway: ['composite', 'provider', ...BELOW_PROVIDER],
  testing: ['cloud-fetch', 'kv-session', ...LEAVES],
  // Node-only store adapters (Redis) implement kv-session's interfaces.
  node: ['kv-session', ...LEAVES],
};

/**
 * Imports that break a rule today, each with the change that removes it. Exact file -> target
 * pairs: anything else fails.
 */
const KNOWN_EXCEPTIONS: ReadonlyMap<string, string> = new Map([]);

function sourceFiles(dir: string): string[] {
  return readdirSync(`${ROOT}${dir}`).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(`${ROOT}${path}`).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of `file` (static, type-only, re-export, dynamic), as repository paths. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(`${ROOT}${file}`, 'utf8'), true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => new URL(spec.replace(/\.js$/, '.ts'), `file:///${file}`).pathname.slice(1));
}

/** `src/<room>/...` -> room; `worker.ts` -> `worker`. */
function roomOf(file: string): string {
  return file.startsWith('src/') ? (file.split('/')[1] ?? '') : file.replace(/\.ts$/, '');
}

function violation(from: string, to: string): string | undefined {
  if (!to.startsWith('src/')) return 'imports from outside src/';
  const source = roomOf(from);
  const target = roomOf(to);
  if (to === 'src/index.ts') return 'imports the package root';
  if (source === target) return undefined;
  if (source === 'worker')
    return to === 'src/gateway/index.ts' ? undefined : 'worker.ts imports only the gateway';
  if (from === 'src/index.ts')
    return to.endsWith('/index.ts') ? undefined : 'the root re-exports subpaths only';
  if (!(ALLOWED[source] ?? []).includes(target)) return `${source} may not import ${target}`;
  const leaf = (LEAVES as readonly string[]).includes(target);
  const entry = to === `src/${target}/index.ts` || to === `src/${target}/internal.ts`;
  if (!leaf && !entry) return `deep import into ${target} (use its index.ts or internal.ts)`;
  return undefined;
}

const files = [...sourceFiles('src'), 'worker.ts'];
const edges = files.flatMap((from) => importsOf(from).map((to) => ({ from, to })));

describe('import direction', () => {
  it('reads the imports (the check is not vacuous)', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(edges).toContainEqual({ from: 'src/gateway/state.ts', to: 'src/composite/index.ts' });
  });

  it('every room imports only downward, through index.ts / internal.ts', () => {
    const broken = edges
      .map(({ from, to }) => ({ edge: `${from} -> ${to}`, why: violation(from, to) }))
      .filter(({ edge, why }) => why !== undefined && !KNOWN_EXCEPTIONS.has(edge))
      .map(({ edge, why }) => `${edge}: ${why}`);
    expect(broken).toEqual([]);
  });

  it('flags an upward import and a deep import', () => {
    expect(violation('src/provider/x.ts', 'src/gateway/index.ts')).toBe('provider may not import gateway');
    expect(violation('src/kv-session/x.ts', 'src/cloud-fetch/index.ts')).toBe(
      'kv-session may not import cloud-fetch',
    );
    expect(violation('src/gateway/x.ts', 'src/provider/seal.ts')).toMatch(/^deep import into provider/);
    expect(violation('src/gateway/x.ts', 'src/policy/return-to.ts')).toBeUndefined();
    expect(violation('src/errors/x.ts', 'src/http/url.ts')).toBe('errors may not import http');
  });
});
