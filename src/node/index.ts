/**
 * `mastra-edge-auth/node`: Node-only glue (an HTTP adapter for Web-standard handlers).
 *
 * @module
 */

export {
  DEFAULT_REDIS_TIMEOUT_MS,
  REDIS_CAPABILITIES,
  type RedisCommandClient,
  type RedisStores,
  type RedisStoresOptions,
  type RedisSubscriberClient,
  redisStores,
} from './redis-store.js';
export { type ServedHandler, type ServeOptions, serve } from './serve.js';
