#!/usr/bin/env node
// Runs the Mastra Cloud emulator in Node, from the BUILT package (run `npm run build` first).
//
//   node scripts/cloud-emulator.mjs [--port 8788] [--wire v1|released]   (or PORT, MASTRA_CLOUD_WIRE)
//
// Environment: PROJECT_ID (default proj_local), CLOUD_LATENCY_MS (default 0),
// LOGIN_USER_EMAIL (the demo user's email). Binds 127.0.0.1 only. Ctrl-C stops it.

import { parseArgs } from 'node:util';

let modules;
try {
  modules = await Promise.all([import('../dist/testing/index.js'), import('../dist/node/index.js')]);
} catch (error) {
  console.error(
    `cloud-emulator: cannot load the built package (${error.message}). Run \`npm run build\` first.`,
  );
  process.exit(1);
}
const [{ createCloudEmulator, DEMO_USER }, { serve }] = modules;

function fail(message) {
  console.error(`cloud-emulator: ${message}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: { port: { type: 'string' }, wire: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  }));
} catch (error) {
  fail(error.message);
}
if (values.help) {
  console.log(
    'Usage: node scripts/cloud-emulator.mjs [--port <port>] [--wire v1|released]   (env: PORT, MASTRA_CLOUD_WIRE, PROJECT_ID, CLOUD_LATENCY_MS, LOGIN_USER_EMAIL)',
  );
  process.exit(0);
}

const portText = values.port ?? process.env.PORT ?? '8788';
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65535)
  fail(`--port / PORT must be a port number, got ${JSON.stringify(portText)}`);

const wire = values.wire ?? (process.env.MASTRA_CLOUD_WIRE?.trim() || 'v1');
if (wire !== 'v1' && wire !== 'released') fail(`--wire / MASTRA_CLOUD_WIRE must be 'v1' or 'released'`);
const projectId = process.env.PROJECT_ID?.trim() || 'proj_local';
const latencyText = process.env.CLOUD_LATENCY_MS ?? '0';
const latencyMs = Number(latencyText);
if (latencyText.trim() === '' || !Number.isFinite(latencyMs) || latencyMs < 0) {
  fail('CLOUD_LATENCY_MS must be a non-negative number of milliseconds');
}
const user = { ...DEMO_USER, email: process.env.LOGIN_USER_EMAIL || DEMO_USER.email };

let emulator;
try {
  emulator = createCloudEmulator({ wire, projectId, latencyMs, users: [user] });
} catch (error) {
  fail(error.message);
}

let server;
try {
  server = await serve((request) => emulator.fetch(request), { port });
} catch (error) {
  fail(`cannot listen on 127.0.0.1:${port} (${error.code ?? error.message})`);
}

const { url } = server;
const apiPrefix = wire === 'released' ? '' : '/api/v1';
console.log(`Mastra Cloud emulator listening on ${url}
  wire:        ${wire}      (MASTRA_CLOUD_WIRE=${wire}; API paths under ${apiPrefix || 'the origin root'})
  project id:  ${projectId}      (send as X-Project-ID; MASTRA_CLOUD_API_URL=${url})
  demo user:   ${user.id} <${user.email}> (role ${user.role}); /auth/oss signs this user in
  latency:     ${latencyMs} ms per API answer

Get a token for the demo user through the control API:
  curl -s -X POST ${url}/__emulator/tokens -H 'Content-Type: application/json' -d '{"userId":"${user.id}"}'
Then verify it:
  curl -s -X POST ${url}${apiPrefix}/auth/verify -H 'X-Project-ID: ${projectId}' -H 'Accept: application/json' -H 'Authorization: Bearer <token>'

Control API: POST /__emulator/{tokens,api-tokens,revoke,login-user,users,faults,reset}, DELETE /__emulator/faults, GET /__emulator/counts
Press Ctrl-C to stop.`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
