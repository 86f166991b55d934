#!/usr/bin/env node
// Runs the Mastra Cloud emulator in Node, from the BUILT package (run `npm run build` first).
//
//   node scripts/cloud-emulator.mjs [--port 8788] [--wire v1|released] [--auto-approve] [--quiet]
//
// Environment: PORT, PROJECT_ID (default proj_local), CLOUD_LATENCY_MS (default 0),
// LOGIN_USER_EMAIL (the demo user's email). Binds 127.0.0.1 only. Ctrl-C stops it.

import { parseArgs } from 'node:util';

const USAGE = `Usage: node scripts/cloud-emulator.mjs [--port <port>] [--wire v1|released] [--auto-approve] [--quiet]
  --port           port on 127.0.0.1 (default 8788, or PORT; 0 picks a free one)
  --wire           Cloud wire profile: v1 (default) or released
  --auto-approve   /auth/oss signs the demo user in at once (default: a "Continue as ..." page)
  --quiet          print one "listening on <url>" line instead of the guide
Environment: PROJECT_ID, CLOUD_LATENCY_MS, LOGIN_USER_EMAIL.`;

function fail(message) {
  console.error(`cloud-emulator: ${message}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      wire: { type: 'string' },
      'auto-approve': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(`${error.message}\n${USAGE}`);
}
if (values.help) {
  console.log(`${USAGE}\n\n${controlGuide('http://127.0.0.1:8788', 'user_demo')}`);
  process.exit(0);
}

let modules;
try {
  modules = await Promise.all([import('../dist/testing/index.js'), import('../dist/node/index.js')]);
} catch (error) {
  fail(`cannot load the built package (${error.message}). Run \`npm run build\` first.`);
}
const [{ createCloudEmulator, DEMO_USER }, { serve }] = modules;

const portText = values.port ?? process.env.PORT ?? '8788';
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65535)
  fail(`--port / PORT must be a port number, got ${JSON.stringify(portText)}`);
const wire = values.wire ?? 'v1';
if (wire !== 'v1' && wire !== 'released') fail('--wire must be v1 or released');

const projectId = process.env.PROJECT_ID?.trim() || 'proj_local';
const latencyText = process.env.CLOUD_LATENCY_MS ?? '0';
const latencyMs = Number(latencyText);
if (latencyText.trim() === '' || !Number.isFinite(latencyMs) || latencyMs < 0) {
  fail('CLOUD_LATENCY_MS must be a non-negative number of milliseconds');
}
const user = { ...DEMO_USER, email: process.env.LOGIN_USER_EMAIL || DEMO_USER.email };

let emulator;
try {
  emulator = createCloudEmulator({
    projectId,
    latencyMs,
    users: [user],
    autoApprove: values['auto-approve'] === true,
    ...(wire !== 'v1' && { wire }),
  });
} catch (error) {
  fail(error.message);
}

let server;
try {
  server = await serve((request) => emulator.fetch(request), { port });
} catch (error) {
  fail(
    error.code === 'EADDRINUSE'
      ? `port ${port} is busy (another program listens on 127.0.0.1:${port}); pick another with --port N`
      : `cannot listen on 127.0.0.1:${port} (${error.code ?? error.message})`,
  );
}

const { url } = server;
if (values.quiet) {
  console.log(`Mastra Cloud emulator listening on ${url} (project ${projectId}, wire ${wire})`);
} else {
  console.log(`Mastra Cloud emulator listening on ${url}
  project id:  ${projectId}      (send as X-Project-ID; MASTRA_CLOUD_API_URL=${url})
  wire:        ${wire}
  demo user:   ${user.id} <${user.email}> (role ${user.role}); /auth/oss signs this user in${
    values['auto-approve'] ? ' at once' : ' after a "Continue as" page'
  }
  latency:     ${latencyMs} ms per API answer

${controlGuide(url, user.id)}

Verify a token like a gateway does:
  curl -s -X POST ${url}/api/v1/auth/verify -H 'X-Project-ID: ${projectId}' -H 'Accept: application/json' -H 'Authorization: Bearer <token>'
Press Ctrl-C to stop.`);
}

/** The control API, one curl per action, with the body each one takes. */
function controlGuide(base, userId) {
  const post = (action, body) =>
    `  curl -s -X POST ${base}/__emulator/${action} -H 'Content-Type: application/json' -d '${body}'`;
  return `Control API (${base}/__emulator/), JSON bodies; unknown fields are refused:
  # a Cloud token for a user; ttlSeconds optional
${post('tokens', `{"userId":"${userId}","ttlSeconds":3600}`)}
  # revoke a token (Cloud then says no to it)
${post('revoke', '{"token":"<token>"}')}
  # add a user, then make it the one /auth/oss signs in
${post('users', '{"id":"user_2","email":"two@example.com","name":"Two","role":"member"}')}
${post('login-user', '{"userId":"user_2"}')}
  # Cloud trouble: kind http_error|ok_false|hang|delay|network_error|non_json|...; route, times optional
${post('faults', '{"route":"verify","kind":"http_error","status":503,"times":3}')}
  curl -s -X DELETE ${base}/__emulator/faults              # clear faults
  curl -s ${base}/__emulator/counts                         # calls per route
  curl -s -X POST ${base}/__emulator/reset                  # forget tokens, sessions, faults`;
}

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
