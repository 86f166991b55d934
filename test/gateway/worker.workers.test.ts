/**
 * The real entry (`worker.ts`, as wrangler bundles it) in workerd: configuration from bindings
 * only, the route table, and the proxy through a service binding.
 */
import { describe, expect, it, vi } from 'vitest';
import worker from '../../worker.js';
import { authKv } from './workers-env.js';

const SECRET = 'worker-entry-secret-0123456789-abcdef';

describe('worker.ts', () => {
  it('answers 500 naming SESSION_SECRET when it is missing, on every route, and logs the detail', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const env = { UPSTREAM_URL: 'http://127.0.0.1:4111', AUTH_KV: await authKv() };
      for (const path of ['/auth/health', '/auth/login', '/api/agents']) {
        const response = await worker.fetch(new Request(`https://gw.example${path}`), env);
        expect(response.status).toBe(500);
        expect(await response.text()).toContain('SESSION_SECRET');
      }
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/"code":"invalid_config".*SESSION_SECRET/));
    } finally {
      log.mockRestore();
    }
  });

  it('authenticates a service token and proxies through the UPSTREAM service binding', async () => {
    const seen: Array<string | null> = [];
    const env = {
      SESSION_SECRET: SECRET,
      BUSINESS_JWT_TOKEN: 'svc-token',
      UPSTREAM: {
        fetch: async (request: Request) => {
          seen.push(request.headers.get('X-Mastra-User-Id'));
          return Response.json({ ok: true });
        },
      },
    };
    const ok = await worker.fetch(
      new Request('https://gw.example/api/agents', { headers: { Authorization: 'Bearer svc-token' } }),
      env,
    );
    expect(ok.status).toBe(200);
    const refused = await worker.fetch(new Request('https://gw.example/api/agents'), env);
    expect(refused.status).toBe(401);
    expect(seen).toEqual(['business-api']);
  });
});
