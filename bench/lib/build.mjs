// Bundles the benchmark's TypeScript entries with esbuild (Node 20 cannot run TypeScript and
// no tsx is installed): Node entries as ESM for `node`, Worker entries as ESM for workerd.
// Output goes to a fresh temporary directory per run (removed by the caller), so concurrent
// runs (a smoke test during a full run) never overwrite each other's bundles.

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** esbuild: the top-level install, else the copy wrangler ships. */
async function loadEsbuild(root) {
  for (const base of [join(root, 'package.json'), join(root, 'node_modules/wrangler/package.json')]) {
    try {
      return createRequire(base)('esbuild');
    } catch {
      // try the next location
    }
  }
  throw new Error('esbuild not found (expected in node_modules or node_modules/wrangler/node_modules)');
}

export const NODE_ENTRIES = {
  'micro-node': 'bench/micro-node.ts',
  memory: 'bench/memory.ts',
  backends: 'bench/backends.ts',
  'mastra-servers': 'bench/mastra-servers.ts',
  'revocation-node': 'bench/revocation-node.ts',
};

export const WORKER_ENTRIES = {
  'micro-worker': 'bench/micro-worker.ts',
  passthrough: 'bench/passthrough-worker.ts',
  gateway: 'worker.ts',
  'gateway-uncached': 'bench/gateway-uncached-worker.ts',
  'hono-bearer': 'bench/hono-bearer-worker.ts',
};

/**
 * Builds the requested entries into a new temporary directory.
 * @param root - the project root
 * @param names - entry names from NODE_ENTRIES / WORKER_ENTRIES
 * @returns name -> absolute path of the bundle, the esbuild version, and `cleanup()`
 */
export async function buildEntries(root, names) {
  const esbuild = await loadEsbuild(root);
  const outdir = mkdtempSync(join(tmpdir(), 'mastra-edge-auth-bench-'));
  const cleanup = () => rmSync(outdir, { recursive: true, force: true });
  const out = {};
  for (const name of names) {
    const isNode = Object.hasOwn(NODE_ENTRIES, name);
    const entry = isNode ? NODE_ENTRIES[name] : WORKER_ENTRIES[name];
    if (entry === undefined) throw new Error(`unknown bench entry ${name}`);
    const outfile = join(outdir, isNode ? `${name}.mjs` : `${name}/index.mjs`);
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: 'esm',
      target: 'es2022',
      logLevel: 'error',
      ...(isNode
        ? {
            platform: 'node',
            target: 'node20',
            // Bundled CommonJS dependencies (ioredis, ws under @mastra/core) require Node built-ins.
            banner: {
              js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
            },
          }
        : { platform: 'browser', conditions: ['workerd', 'worker', 'browser'], minify: false }),
    });
    out[name] = outfile;
  }
  return { paths: out, esbuildVersion: esbuild.version, cleanup };
}
