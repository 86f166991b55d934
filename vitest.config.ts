import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// One suite, two runtimes: `*.test.ts` runs in Node and in workerd; `*.node.test.ts` and
// `*.workers.test.ts` are runtime-specific (real servers, the Worker gateway end to end).
const shared = 'test/**/*.test.ts';
const nodeOnly = 'test/**/*.node.test.ts';
const workersOnly = 'test/**/*.workers.test.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [shared],
          exclude: [workersOnly, '**/node_modules/**'],
        },
      },
      {
        plugins: [
          cloudflareTest({
            miniflare: {
              compatibilityDate: '2026-04-20',
              compatibilityFlags: ['nodejs_compat'],
              kvNamespaces: ['AUTH_KV'],
            },
          }),
        ],
        test: {
          name: 'workers',
          include: [shared],
          exclude: [nodeOnly, '**/node_modules/**'],
        },
      },
    ],
  },
});
