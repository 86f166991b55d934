#!/usr/bin/env node
/**
 * `npm start`: the whole thing on this machine, loopback only.
 *
 *   1. builds dist/ (`npm run build`; skip with --no-build);
 *   2. starts the Mastra Cloud emulator (dist/testing, served by dist/node);
 *   3. starts the demo runner (examples/demo-runner: a real Mastra app);
 *   4. starts the gateway (worker.ts) under `wrangler dev`, pointed at both, with local KV
 *      persisted in .wrangler/state;
 *   5. waits until each answers, prints the URL to open and who the emulator signs in.
 *
 * Ctrl-C (SIGINT) or SIGTERM stops everything.
 *
 *   node scripts/start.mjs [--port 8787] [--no-build] [--wire v1|released]     (--port 0: any free port)
 *
 * `--wire` (or MASTRA_CLOUD_WIRE) picks the Cloud wire profile the emulator and the gateway speak.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const PROJECT_ID = 'proj_local';
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;

const args = parseArgs(process.argv.slice(2));
const running = { servers: [], wrangler: undefined, stopping: false };

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop(0, signal));

try {
  await main();
} catch (error) {
  console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}

async function main() {
  if (args.build) build();
  const { createCloudEmulator, DEMO_USER } = await import(distUrl('testing/index.js'));
  const { serve } = await import(distUrl('node/index.js'));
  const { createDemoRunner } = await import(
    pathToFileURL(path.join(ROOT, 'examples/demo-runner/app.mjs')).href
  );

  const emulator = createCloudEmulator({ projectId: PROJECT_ID, wire: args.wire });
  const cloud = await serve((request) => emulator.fetch(request), { port: 0, hostname: HOST });
  running.servers.push(cloud);

  const runner = await serve(await createDemoRunner(), { port: 0, hostname: HOST });
  running.servers.push(runner);

  const port = args.port === 0 ? await freePort() : args.port;
  const sessionSecret = randomBytes(32).toString('base64url');
  const serviceToken = `dev_${randomBytes(24).toString('base64url')}`;
  const gateway = `http://${HOST}:${port}`;
  running.wrangler = startWrangler({
    port,
    inspectorPort: await freePort(),
    vars: {
      UPSTREAM_URL: runner.url,
      MASTRA_CLOUD_API_URL: cloud.url,
      PROJECT_ID,
      MASTRA_CLOUD_WIRE: args.wire,
      SESSION_SECRET: sessionSecret,
      BUSINESS_JWT_TOKEN: serviceToken,
      AUTH_COOKIE_SECURE: 'false',
      PUBLIC_PATHS: '',
    },
  });
  await waitForGateway(`${gateway}/auth/health`);

  console.log(`
mastra-edge-auth local demo is running (Ctrl-C stops everything):

  Open            ${gateway}/
  Signs in as     ${DEMO_USER.name} <${DEMO_USER.email}> (Cloud emulator: no password)
  Gateway         wrangler dev, worker.ts, KV in .wrangler/state
  Runner          ${runner.url}  (demo Mastra app; trusts the gateway's headers, so loopback only)
  Cloud emulator  ${cloud.url}  (project ${PROJECT_ID}, wire ${args.wire})
  SESSION_SECRET  ${sessionSecret}  (dev only: new on every start)

  Try an API call with the dev service token:
    curl -H "Authorization: Bearer ${serviceToken}" ${gateway}/api/whoami
`);
}

function build() {
  console.log('Building dist/ (npm run build)...');
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('npm run build failed (fix the errors above, or pass --no-build)');
}

function distUrl(file) {
  return pathToFileURL(path.join(ROOT, 'dist', file)).href;
}

function startWrangler({ port, inspectorPort, vars }) {
  const wranglerBin = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
  const argv = [
    wranglerBin,
    'dev',
    '--ip',
    HOST,
    '--port',
    String(port),
    '--inspector-port',
    String(inspectorPort),
    '--persist-to',
    '.wrangler/state',
    '--show-interactive-dev-session=false',
    ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
  ];
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    // Its own process group: Ctrl-C reaches this script, which stops wrangler (and workerd) in order.
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      NO_COLOR: '1',
    },
  });
  prefixLines(child.stdout, '[gateway] ', process.stdout);
  prefixLines(child.stderr, '[gateway] ', process.stderr);
  child.once('exit', (code, signal) => {
    running.wrangler = undefined;
    if (!running.stopping) {
      console.error(`wrangler dev exited unexpectedly (${signal ?? `code ${code}`})`);
      void stop(1);
    }
  });
  return child;
}

function prefixLines(stream, prefix, out) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') out.write(`${prefix}${line}\n`);
  });
}

async function waitForGateway(url) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (running.wrangler === undefined) throw new Error('wrangler dev stopped before it was ready');
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await response.text();
      if (response.ok) return;
      last = `${response.status} ${body}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the gateway did not become healthy within ${READY_TIMEOUT_MS / 1000}s (${last})`);
}

async function stop(code, signal) {
  if (running.stopping) return;
  running.stopping = true;
  if (signal !== undefined) console.log(`\n${signal}: stopping...`);
  await stopWrangler();
  await Promise.allSettled(running.servers.map((server) => server.close()));
  process.exit(code);
}

async function stopWrangler() {
  const child = running.wrangler;
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signalGroup(child, 'SIGINT');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function signalGroup(child, signal) {
  try {
    // The negative pid addresses the group this script created for wrangler (and its workerd).
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

function parseArgs(argv) {
  const parsed = {
    port: Number(process.env.PORT ?? 8787),
    build: true,
    wire: process.env.MASTRA_CLOUD_WIRE?.trim() || 'v1',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-build') parsed.build = false;
    else if (arg === '--port') parsed.port = Number(argv[++i]);
    else if (arg === '--wire') parsed.wire = argv[++i];
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node scripts/start.mjs [--port 8787] [--no-build] [--wire v1|released]');
      process.exit(0);
    } else {
      console.error(`unknown argument: ${arg}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(parsed.port) || parsed.port < 0 || parsed.port > 65535) {
    console.error('--port must be 0-65535');
    process.exit(2);
  }
  if (parsed.wire !== 'v1' && parsed.wire !== 'released') {
    console.error("--wire / MASTRA_CLOUD_WIRE must be 'v1' or 'released'");
    process.exit(2);
  }
  return parsed;
}
