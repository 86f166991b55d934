/**
 * The package as a user gets it: `npm pack` (its `prepack` builds `dist/`), the tarball installed
 * into a scratch project, every subpath imported by Node there, and a Worker entry that uses the
 * package bundled by wrangler (esbuild, no `nodejs_compat`) and run in workerd.
 *
 * The pack runs in a copy of the package's files (so the build never touches this checkout's
 * `dist/`, which other tests read); the copy borrows this checkout's `node_modules` for `tsc`.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const COMPATIBILITY_DATE = '2026-04-20';

interface PackageJson {
  name: string;
  private?: boolean;
  files: string[];
  exports: Record<string, unknown>;
  dependencies: Record<string, string>;
}

const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
const subpaths = Object.keys(manifest.exports).filter((key) => key !== './package.json');
const specifier = (subpath: string) =>
  subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
const sourceOf = (subpath: string) =>
  join(ROOT, 'src', subpath === '.' ? 'index.ts' : `${subpath.slice(2)}/index.ts`);

interface WorkerRuntime {
  dispatchFetch(url: string): Promise<{ status: number; json(): Promise<unknown> }>;
  dispose(): Promise<void>;
}
type WorkerRuntimeClass = new (options: object) => WorkerRuntime;

/** The Miniflare (and so the workerd) that the pinned wrangler runs, not the one the test runner pins. */
async function wranglersMiniflare(): Promise<{ Miniflare: WorkerRuntimeClass }> {
  const resolved = createRequire(WRANGLER).resolve('miniflare');
  const module: unknown = await import(pathToFileURL(resolved).href);
  const Miniflare: unknown =
    typeof module === 'object' && module !== null ? Reflect.get(module, 'Miniflare') : undefined;
  if (typeof Miniflare !== 'function') throw new Error("wrangler's miniflare has no Miniflare class");
  return { Miniflare: Miniflare as WorkerRuntimeClass };
}

let work: string;
let scratch: string;
let tarball: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mea-pack-'));
  const copy = join(work, 'package');
  await mkdir(copy);
  const sources = [...manifest.files.filter((entry) => entry !== 'dist'), 'package.json'];
  for (const name of (await readdir(ROOT)).filter((file) => /^tsconfig\..*json$/.test(file)))
    sources.push(name);
  for (const entry of sources) await cp(join(ROOT, entry), join(copy, entry), { recursive: true });
  await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: copy,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [
    { filename: string },
  ];
  tarball = join(work, filename);

  scratch = join(work, 'app');
  await mkdir(scratch);
  await writeFile(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }),
  );
  await run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: scratch,
    maxBuffer: 16 * 1024 * 1024,
  });
}, 300_000);

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships the built package and its sources, no tests, not private', async () => {
    const listing = await run('tar', ['-tzf', tarball]);
    const files = listing.stdout.split('\n').filter(Boolean);
    for (const subpath of subpaths) {
      const dir = subpath === '.' ? '' : `${subpath.slice(2)}/`;
      expect(files).toContain(`package/dist/${dir}index.js`);
      expect(files).toContain(`package/dist/${dir}index.d.ts`);
    }
    expect(files).toContain('package/LICENSE');
    expect(files.filter((file) => /(^|\/)test\/|node_modules|\.test\.ts$/.test(file))).toEqual([]);
    const installed = JSON.parse(
      await readFile(join(scratch, 'node_modules', manifest.name, 'package.json'), 'utf8'),
    ) as PackageJson;
    expect(installed.private).toBeUndefined();
  }, 60_000);
});

describe('installed from the tarball', () => {
  it('Node imports every subpath, with the same names as the sources', async () => {
    const probe = join(scratch, 'probe.mjs');
    await writeFile(
      probe,
      `const names = {};
for (const id of ${JSON.stringify(subpaths.map(specifier))}) names[id] = Object.keys(await import(id)).sort();
console.log(JSON.stringify(names));`,
    );
    const { stdout } = await run(process.execPath, [probe], { cwd: scratch });
    const installed = JSON.parse(stdout) as Record<string, string[]>;
    for (const subpath of subpaths) {
      const source = Object.keys(await import(sourceOf(subpath))).sort();
      expect(installed[specifier(subpath)]).toEqual(source);
      expect(source.length).toBeGreaterThan(0);
    }
  }, 120_000);

  it('a Worker using it bundles with wrangler and serves in workerd', async () => {
    const workerSubpaths = subpaths.filter((subpath) => subpath !== './node');
    const imports = workerSubpaths.map((subpath, i) => `import * as m${i} from '${specifier(subpath)}';`);
    await writeFile(
      join(scratch, 'worker.ts'),
      `${imports.join('\n')}
import { createGateway } from '${manifest.name}/gateway';
const gateway = createGateway();
const modules = { ${workerSubpaths.map((subpath, i) => `'${specifier(subpath)}': m${i}`).join(', ')} };
export default {
  fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Response | Promise<Response> {
    if (new URL(request.url).pathname === '/__names') {
      return Response.json(Object.fromEntries(Object.entries(modules).map(([id, m]) => [id, Object.keys(m).length])));
    }
    return gateway.fetch(request, env, ctx);
  },
};
`,
    );
    await writeFile(
      join(scratch, 'wrangler.toml'),
      `name = "scratch-gateway"\nmain = "worker.ts"\ncompatibility_date = "${COMPATIBILITY_DATE}"\n`,
    );
    await run(process.execPath, [WRANGLER, 'deploy', '--dry-run', '--outdir', 'out'], {
      cwd: scratch,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    });

    const { Miniflare } = await wranglersMiniflare();
    const mf = new Miniflare({
      modules: [
        {
          type: 'ESModule',
          path: 'worker.js',
          contents: await readFile(join(scratch, 'out', 'worker.js'), 'utf8'),
        },
      ],
      compatibilityDate: COMPATIBILITY_DATE,
      kvNamespaces: ['AUTH_KV'],
      bindings: {
        UPSTREAM_URL: 'http://127.0.0.1:9',
        SESSION_SECRET: 'pack-test-session-secret-0123456789abcdef',
      },
    });
    try {
      const names = (await (await mf.dispatchFetch('http://localhost/__names')).json()) as Record<
        string,
        number
      >;
      for (const subpath of workerSubpaths) expect(names[specifier(subpath)]).toBeGreaterThan(0);
      const health = await mf.dispatchFetch('http://localhost/auth/health');
      expect(health.status).toBe(200);
      const anonymous = await mf.dispatchFetch('http://localhost/api/agents');
      expect(anonymous.status).toBe(401);
    } finally {
      await mf.dispose();
    }
  }, 180_000);
});
