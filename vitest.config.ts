import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Vitest 5's reporter calls Map.groupBy (Node >= 21); on the Node 20 CI machine a failing run
// would crash while printing its summary and hide which test failed.
if (typeof (Map as { groupBy?: unknown }).groupBy !== 'function') {
  Object.defineProperty(Map, 'groupBy', {
    configurable: true,
    writable: true,
    value<K, T>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> {
      const groups = new Map<K, T[]>();
      let index = 0;
      for (const item of items) {
        const k = key(item, index++);
        const group = groups.get(k);
        if (group) group.push(item);
        else groups.set(k, [item]);
      }
      return groups;
    },
  });
}

// One suite, two runtimes: `*.test.ts` runs in Node and in workerd; `*.node.test.ts` and
// `*.workers.test.ts` are runtime-specific (real servers, the Worker gateway end to end).
const shared = 'test/**/*.test.ts';
const nodeOnly = 'test/**/*.node.test.ts';
const workersOnly = 'test/**/*.workers.test.ts';

// Two Cloud wire profiles (CONTRACT 1 and 1b): the suites that talk to Cloud run once per profile
// in each runtime (`test/wire.ts` reads the profile a project provides). Everything else (codecs,
// parsers, policies) does not depend on the wire and runs once.
const wireSuites = [
  'test/cloud-fetch/against-emulator.test.ts',
  'test/provider/**/*.test.ts',
  'test/composite/**/*.test.ts',
  'test/gateway/**/*.test.ts',
  'test/mastra/**/*.test.ts',
  'test/start.node.test.ts',
  'test/browser/**/*.test.ts',
];

// examples/mastra-app imports the package by name, as an app that installed it would; in a
// fresh clone the example has no node_modules of its own, so tests resolve the name to dist/.
const dist = fileURLToPath(new URL('./dist/', import.meta.url));
const packageByName = [
  { find: /^mastra-edge-auth$/, replacement: `${dist}index.js` },
  { find: /^mastra-edge-auth\/(.+)$/, replacement: `${dist}$1/index.js` },
];

const workersPool = () =>
  cloudflareTest({
    // The Worker entry exports the AUTH_DO class, so tests run the real Durable Object runtime.
    main: './worker.ts',
    miniflare: {
      compatibilityDate: '2026-04-20',
      compatibilityFlags: ['nodejs_compat'],
      kvNamespaces: ['AUTH_KV'],
      durableObjects: { AUTH_DO: { className: 'AuthStoreObject', useSQLite: true } },
    },
  });

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: packageByName },
        test: {
          name: 'node',
          environment: 'node',
          provide: { cloudWire: 'v1' },
          // A test that asserts nothing fails: a test that cannot fail is no test.
          expect: { requireAssertions: true },
          include: [shared],
          exclude: [workersOnly, '**/node_modules/**'],
        },
      },
      {
        plugins: [workersPool()],
        test: {
          name: 'workers',
          provide: { cloudWire: 'v1' },
          expect: { requireAssertions: true },
          include: [shared],
          exclude: [nodeOnly, '**/node_modules/**'],
        },
      },
      {
        resolve: { alias: packageByName },
        test: {
          name: 'node-released',
          environment: 'node',
          provide: { cloudWire: 'released' },
          expect: { requireAssertions: true },
          include: wireSuites,
          // Streams through wrangler dev do not depend on the Cloud wire: once is enough.
          exclude: [workersOnly, 'test/mastra/streaming-gateway.node.test.ts', '**/node_modules/**'],
        },
      },
      {
        plugins: [workersPool()],
        test: {
          name: 'workers-released',
          provide: { cloudWire: 'released' },
          expect: { requireAssertions: true },
          include: wireSuites,
          exclude: [nodeOnly, '**/node_modules/**'],
        },
      },
    ],
  },
});
