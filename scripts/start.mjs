#!/usr/bin/env node
/**
 * `npm start`: the whole thing on this machine, loopback only.
 *
 *   0. checks that the ports are free (before printing anything else);
 *   1. builds dist/ when src/ is newer than it (`--no-build` skips, `--build` forces);
 *   2. starts the Mastra Cloud emulator as its own process (scripts/cloud-emulator.mjs), so
 *      "Cloud down" can be tried by stopping it;
 *   3. starts the demo runner as its own process (examples/demo-runner: a real Mastra app that
 *      verifies the gateway's signed X-Mastra-Identity);
 *   4. starts the gateway (worker.ts) under `wrangler dev`, pointed at both, with local KV
 *      persisted in .wrangler/state;
 *   5. waits until each answers, then prints the URL to open, the options and the control API.
 *
 * Every line the three processes print is prefixed with [emulator], [runner] or [gateway].
 * Ctrl-C (SIGINT) or SIGTERM stops everything.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const PROJECT_ID = 'proj_local';
const AUDIENCE = 'demo-runner';
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;
const USAGE = `usage: npm start -- [--port 8787] [--emulator-port N] [--runner-port N] [--wire v1|released]
                    [--no-build | --build] [--auto-approve]
  --port           the gateway's port (default 8787 or PORT; 0: any free port). The emulator
                   and the runner default to the next two ports (or any free ones with 0).
  --emulator-port  the Cloud emulator's port       --runner-port  the demo runner's port
  --wire           the Cloud wire profile (v1, the default, or released)
  --no-build       never build dist/; --build: always build (default: only when src/ is newer)
  --auto-approve   the emulator signs in at once, without its "Continue as" page`;

const args = parseArgs(process.argv.slice(2));
const running = { children: new Map(), stopping: false };

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop(0, signal));

try {
  await main();
} catch (error) {
  console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}

async function main() {
  const ports = await checkPorts();
  if (args.build === true || (args.build === 'auto' && !distIsFresh())) build();
  const { DEMO_USER } = await import(distUrl('testing/index.js'));

  const gateway = `http://${HOST}:${ports.gateway}`;
  const emulatorArgs = ['--port', String(ports.emulator), '--quiet', '--wire', args.wire];
  if (args.autoApprove) emulatorArgs.push('--auto-approve');
  const cloud = await startChild(
    'emulator',
    [path.join(ROOT, 'scripts/cloud-emulator.mjs'), ...emulatorArgs],
    {
      ready: /listening on (http:\/\/\S+)/,
      critical: false,
    },
  );

  const identityKey = randomBytes(32).toString('base64url');
  const runner = await startChild(
    'runner',
    [path.join(ROOT, 'examples/demo-runner/server.mjs'), '--port', String(ports.runner)],
    {
      ready: /ready on (http:\/\/\S+)/,
      env: { IDENTITY_SIGNING_KEY: identityKey, GATEWAY_ORIGIN: gateway, IDENTITY_AUDIENCE: AUDIENCE },
    },
  );

  const sessionSecret = randomBytes(32).toString('base64url');
  const serviceToken = `dev_${randomBytes(24).toString('base64url')}`;
  const vars = {
    UPSTREAM_URL: runner,
    MASTRA_CLOUD_API_URL: cloud,
    MASTRA_CLOUD_WIRE: args.wire,
    PROJECT_ID,
    PUBLIC_ORIGIN: gateway,
    SESSION_SECRET: sessionSecret,
    IDENTITY_SIGNING_KEY: identityKey,
    IDENTITY_AUDIENCE: AUDIENCE,
    BUSINESS_JWT_TOKEN: serviceToken,
    AUTH_COOKIE_SECURE: 'false',
    PUBLIC_PATHS: '',
  };
  await startWrangler(ports.gateway, await freePort(), vars);
  await waitForGateway(`${gateway}/auth/health`);
  const emulatorPid = running.children.get('emulator')?.pid;

  console.log(`
mastra-edge-auth local demo is running (Ctrl-C stops everything):

  Open            ${gateway}/
  Signs in as     ${DEMO_USER.name} <${DEMO_USER.email}> (Cloud emulator: no password${args.autoApprove ? '' : ', a "Continue as" page'})
  Gateway         wrangler dev, worker.ts, KV in .wrangler/state
  Runner          ${runner}  (demo Mastra app; trusts only the gateway's signed X-Mastra-Identity)
  Cloud emulator  ${cloud}  (project ${PROJECT_ID}, wire ${args.wire}, pid ${emulatorPid})
  Control API     ${cloud}/__emulator/  (bodies and curl examples: node scripts/cloud-emulator.mjs --help)
  SESSION_SECRET  ${sessionSecret}  (dev only: new on every start)

  Try an API call with the dev service token:
    curl -H "Authorization: Bearer ${serviceToken}" ${gateway}/api/whoami
  Try Cloud down: stop the emulator (kill ${emulatorPid}); signed-in requests keep working from the
    cache, new sign-ins answer 503. Or inject a fault:
    curl -s -X POST ${cloud}/__emulator/faults -H 'Content-Type: application/json' -d '{"kind":"http_error","status":503}'

  Options: --port N (gateway; emulator and runner take N+1, N+2), --emulator-port N, --runner-port N,
           --wire v1|released, --no-build, --build, --auto-approve   (npm start -- --help)
`);
}

/** Fails, before anything else is printed, when a port we were asked to use is taken. */
async function checkPorts() {
  const wanted = {
    gateway: args.port,
    emulator: args.emulatorPort ?? (args.port === 0 ? 0 : args.port + 1),
    runner: args.runnerPort ?? (args.port === 0 ? 0 : args.port + 2),
  };
  const seen = new Map();
  for (const [name, port] of Object.entries(wanted)) {
    if (port === 0) continue;
    if (port > 65535) throw usageError(`the ${name} port would be ${port}: pick a lower --port`);
    if (seen.has(port)) throw usageError(`the ${name} and the ${seen.get(port)} would share port ${port}`);
    seen.set(port, name);
    if (!(await isFree(port))) {
      console.error(
        `npm start: port ${port} (the ${name}) is busy: another program listens on ${HOST}:${port}.\n` +
          `Stop it, or choose other ports: npm start -- --port N   (the emulator and the runner use N+1 and N+2)`,
      );
      process.exit(1);
    }
  }
  // `wrangler dev` needs a real port up front; the emulator and the runner report theirs.
  return { ...wanted, gateway: wanted.gateway === 0 ? await freePort() : wanted.gateway };
}

function usageError(message) {
  console.error(`npm start: ${message}\n${USAGE}`);
  process.exit(2);
}

function isFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** dist/ is fresh when it exists and no file under src/ (or the build config) is newer than it. */
function distIsFresh() {
  let built;
  try {
    built = statSync(path.join(ROOT, 'dist', 'index.js')).mtimeMs;
  } catch {
    return false;
  }
  const inputs = [path.join(ROOT, 'package.json'), path.join(ROOT, 'tsconfig.build.json')];
  const newest = Math.max(
    ...inputs.map((file) => statSync(file).mtimeMs),
    newestUnder(path.join(ROOT, 'src')),
  );
  return newest <= built;
}

function newestUnder(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function build() {
  console.log('Building dist/ (src/ changed since the last build; --no-build skips this)...');
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('npm run build failed (fix the errors above, or pass --no-build)');
}

function distUrl(file) {
  return pathToFileURL(path.join(ROOT, 'dist', file)).href;
}

/**
 * Starts a Node child with prefixed output and waits for its ready line.
 *
 * @returns the URL its ready line names
 */
function startChild(name, argv, { ready, env = {}, critical = true }) {
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, NO_COLOR: '1' },
  });
  running.children.set(name, child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the ${name} did not start within ${READY_TIMEOUT_MS / 1000}s`)),
      READY_TIMEOUT_MS,
    );
    let started = false;
    prefixLines(child.stdout, `[${name}] `, process.stdout, (line) => {
      const match = ready.exec(line);
      if (!started && match?.[1] !== undefined) {
        started = true;
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    prefixLines(child.stderr, `[${name}] `, process.stderr);
    child.once('exit', (code, signal) => {
      running.children.delete(name);
      clearTimeout(timer);
      if (!started) reject(new Error(`the ${name} exited before it was ready (${signal ?? `code ${code}`})`));
      else if (running.stopping) return;
      else if (!critical) {
        console.log(
          `[${name}] stopped (${signal ?? `code ${code}`}): Cloud is down now; the gateway answers 503 where it needs Cloud.`,
        );
      } else {
        console.error(`[${name}] exited unexpectedly (${signal ?? `code ${code}`}); stopping everything.`);
        void stop(1);
      }
    });
  });
}

function startWrangler(port, inspectorPort, vars) {
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
  running.children.set('gateway', child);
  prefixLines(child.stdout, '[gateway] ', process.stdout);
  prefixLines(child.stderr, '[gateway] ', process.stderr);
  child.once('exit', (code, signal) => {
    running.children.delete('gateway');
    if (!running.stopping) {
      console.error(
        `[gateway] wrangler dev exited unexpectedly (${signal ?? `code ${code}`}); stopping everything.`,
      );
      void stop(1);
    }
  });
}

function prefixLines(stream, prefix, out, onLine) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      out.write(`${prefix}${line}\n`);
      onLine?.(line);
    }
  });
}

async function waitForGateway(url) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!running.children.has('gateway')) throw new Error('wrangler dev stopped before it was ready');
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
  const gateway = running.children.get('gateway');
  if (gateway !== undefined) await stopChild(gateway, true);
  await Promise.all([...running.children.values()].map((child) => stopChild(child, false)));
  process.exit(code);
}

async function stopChild(child, group) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signal(child, 'SIGINT', group);
  const timer = setTimeout(() => signal(child, 'SIGKILL', group), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function signal(child, name, group) {
  try {
    // The negative pid addresses the group this script created for wrangler (and its workerd).
    if (group && process.platform !== 'win32') process.kill(-child.pid, name);
    else child.kill(name);
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
    emulatorPort: undefined,
    runnerPort: undefined,
    build: 'auto',
    wire: 'v1',
    autoApprove: false,
  };
  const portValue = (flag, value) => {
    const port = Number(value);
    if (value === undefined || !/^\d+$/.test(value) || port > 65535)
      usageError(`${flag} must be a port number (0-65535)`);
    return port;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-build') parsed.build = false;
    else if (arg === '--build') parsed.build = true;
    else if (arg === '--auto-approve') parsed.autoApprove = true;
    else if (arg === '--port') parsed.port = portValue(arg, argv[++i]);
    else if (arg === '--emulator-port') parsed.emulatorPort = portValue(arg, argv[++i]);
    else if (arg === '--runner-port') parsed.runnerPort = portValue(arg, argv[++i]);
    else if (arg === '--wire') {
      parsed.wire = argv[++i];
      if (parsed.wire !== 'v1' && parsed.wire !== 'released') usageError('--wire must be v1 or released');
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else usageError(`unknown argument: ${arg}`);
  }
  if (!Number.isInteger(parsed.port) || parsed.port < 0 || parsed.port > 65535)
    usageError('--port must be 0-65535');
  return parsed;
}
