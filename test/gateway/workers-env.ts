/** The Workers bindings of the `workers` vitest project (only `*.workers.test.ts` import this). */

// A variable specifier keeps the Node type-check from resolving workerd's built-in module.
const workersModule = 'cloudflare:workers';

/** The Miniflare `AUTH_KV` namespace configured in vitest.config.ts. */
export async function authKv(): Promise<unknown> {
  const mod: unknown = await import(/* @vite-ignore */ workersModule);
  if (typeof mod !== 'object' || mod === null || !('env' in mod)) throw new Error('no env');
  const env: unknown = mod.env;
  if (typeof env !== 'object' || env === null || !('AUTH_KV' in env)) throw new Error('no AUTH_KV binding');
  return env.AUTH_KV;
}
