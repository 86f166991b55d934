// One process of a Node fleet, for redis-fleet.node.test.ts: the gateway (createGateway, which
// builds createCloudAuth) served over HTTP by the Node adapter, with every shared state in Redis.
// Loads the package built into FLEET_BUILD; prints {"url": ...} once listening; SIGTERM stops it.
import { Redis } from 'ioredis';

const build = process.env.FLEET_BUILD;
const [{ createGateway }, { serve, redisStores }, { MemoryKVStore }] = await Promise.all([
  import(`${build}/gateway/index.js`),
  import(`${build}/node/index.js`),
  import(`${build}/kv-session/index.js`),
]);

const client = new Redis(Number(process.env.REDIS_PORT), '127.0.0.1', { maxRetriesPerRequest: 1 });
client.on('error', () => {});
const subscriber = client.duplicate();
subscriber.on('error', () => {});
const stores = redisStores({ client, subscriber, prefix: process.env.REDIS_PREFIX });

const env = {
  UPSTREAM_URL: process.env.RUNNER_URL,
  MASTRA_CLOUD_API_URL: process.env.CLOUD_URL,
  PROJECT_ID: process.env.PROJECT_ID,
  SESSION_SECRET: process.env.SESSION_SECRET,
  AUTH_COOKIE_SECURE: 'false',
  // Required by the gateway config; every role is overridden by the Redis stores.
  AUTH_KV: new MemoryKVStore(),
};
const gateway = createGateway({
  stores,
  onError: () => {},
  onCloudError: () => {},
  onProviderError: () => {},
});
const server = await serve((request) => gateway.fetch(request, env), { port: 0 });
console.log(JSON.stringify({ url: server.url }));

process.on('SIGTERM', async () => {
  await server.close();
  client.disconnect();
  subscriber.disconnect();
  process.exit(0);
});
