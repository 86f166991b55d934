// Runs a bundled Worker in workerd through Miniflare (the copy wrangler ships; Node >= 18),
// listening on 127.0.0.1 only, with the compatibility date from wrangler.toml.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { onDispose } from './procs.mjs';

function requireFrom(root) {
  const bases = [join(root, 'node_modules/wrangler/package.json'), join(root, 'package.json')];
  for (const base of bases) {
    const require = createRequire(base);
    try {
      const { Miniflare } = require('miniflare');
      const miniflareDir = dirname(require.resolve('miniflare/package.json'));
      const workerdVersion = createRequire(join(miniflareDir, 'package.json'))(
        'workerd/package.json',
      ).version;
      const miniflareVersion = require('miniflare/package.json').version;
      return { Miniflare, workerdVersion, miniflareVersion };
    } catch {
      // try the next location
    }
  }
  throw new Error('miniflare not found (expected under node_modules/wrangler/node_modules)');
}

/** The compatibility date of the gateway (wrangler.toml), so bench Workers run like it. */
export function compatibilityDate(root) {
  const toml = readFileSync(join(root, 'wrangler.toml'), 'utf8');
  const match = /^compatibility_date\s*=\s*"(\d{4}-\d{2}-\d{2})"/m.exec(toml);
  if (!match) throw new Error('wrangler.toml has no compatibility_date');
  return match[1];
}

/** The Miniflare class (for setups `startWorker` does not cover: several Workers, Durable Objects). */
export function loadMiniflare(root) {
  return requireFrom(root).Miniflare;
}

/** Miniflare / workerd versions, without starting anything. */
export function runtimeVersions(root) {
  const { workerdVersion, miniflareVersion } = requireFrom(root);
  return { workerd: workerdVersion, miniflare: miniflareVersion };
}

/**
 * Starts one Worker on 127.0.0.1 (free port) with in-memory KV.
 * @returns { url, dispose }
 */
export async function startWorker(root, { scriptPath, bindings = {}, kvNamespaces = [] }) {
  const { Miniflare } = requireFrom(root);
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath),
    compatibilityDate: compatibilityDate(root),
    host: '127.0.0.1',
    port: 0,
    bindings,
    kvNamespaces,
  });
  const dispose = onDispose(() => mf.dispose());
  try {
    const url = await Promise.race([
      mf.ready,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('workerd did not start in 30 s')), 30_000).unref(),
      ),
    ]);
    return { url: String(url).replace(/\/$/, ''), dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
