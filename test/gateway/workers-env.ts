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

/** The Miniflare `AUTH_DO` Durable Object namespace (class `AuthStoreObject` from worker.ts). */
export async function authDo(): Promise<unknown> {
  const mod: unknown = await import(/* @vite-ignore */ workersModule);
  if (typeof mod !== 'object' || mod === null || !('env' in mod)) throw new Error('no env');
  const env: unknown = mod.env;
  if (typeof env !== 'object' || env === null || !('AUTH_DO' in env)) throw new Error('no AUTH_DO binding');
  return env.AUTH_DO;
}

const testModule = 'cloudflare:test';

/** Restarts the object named `name` of `namespace` (its memory is dropped, its storage kept). */
export async function restartObject(namespace: unknown, name: string): Promise<void> {
  const mod: unknown = await import(/* @vite-ignore */ testModule);
  const evict: unknown =
    typeof mod === 'object' && mod !== null ? Reflect.get(mod, 'evictDurableObject') : null;
  if (typeof evict !== 'function') throw new Error('no evictDurableObject');
  if (typeof namespace !== 'object' || namespace === null) throw new Error('not a namespace');
  const idFromName: unknown = Reflect.get(namespace, 'idFromName');
  const get: unknown = Reflect.get(namespace, 'get');
  if (typeof idFromName !== 'function' || typeof get !== 'function') throw new Error('not a namespace');
  const stub: unknown = Reflect.apply(get, namespace, [Reflect.apply(idFromName, namespace, [name])]);
  await Reflect.apply(evict, undefined, [stub]);
}
