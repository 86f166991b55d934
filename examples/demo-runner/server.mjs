#!/usr/bin/env node
/**
 * Serves the demo runner on 127.0.0.1.
 *
 *   IDENTITY_SIGNING_KEY=... GATEWAY_ORIGIN=http://127.0.0.1:8787 IDENTITY_AUDIENCE=demo-runner \
 *     node examples/demo-runner/server.mjs [--port 4111]
 *
 * Needs the built package (`npm run build`). Prints `demo runner ready on <url>` once listening;
 * stops on SIGINT / SIGTERM.
 */
import { serve } from '@hono/node-server';
import { createDemoRunner } from './app.mjs';
import { identitySettings } from './gateway-auth.mjs';

const portFlag = process.argv.indexOf('--port');
const port = Number(portFlag === -1 ? (process.env.PORT ?? 4111) : process.argv[portFlag + 1]);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('demo runner: --port must be 0-65535');
  process.exit(2);
}

let handler;
try {
  handler = await createDemoRunner(identitySettings(process.env));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}
const server = serve({ fetch: handler, port, hostname: '127.0.0.1' });
server.once('error', (error) => {
  console.error(`demo runner: cannot listen on 127.0.0.1:${port} (${error.message})`);
  process.exit(1);
});
server.once('listening', () => {
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  console.log(`demo runner ready on http://127.0.0.1:${bound}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
  });
}
