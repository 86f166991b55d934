/**
 * A Worker module hosting one Cloud emulator per isolate, for end-to-end tests and `wrangler dev`.
 *
 * Configuration (vars): `PROJECT_ID` (required), `CLOUD_LATENCY_MS` (added delay per API answer,
 * default 0), `LOGIN_USER_EMAIL` (the demo user's email), `MASTRA_CLOUD_WIRE` (`v1` default, or
 * `released`). The control API is on: drive the
 * emulator over HTTP under `/__emulator/`. An injected `network_error` makes the handler throw,
 * which a service-binding caller sees as a failed fetch.
 *
 * @example
 * ```toml
 * # wrangler.toml of the emulator Worker
 * main = "node_modules/mastra-edge-auth/dist/testing/cloud-emulator-worker.js"
 * [vars]
 * PROJECT_ID = "proj_local"
 * ```
 * @module
 */
import { createCloudEmulator } from './cloud-emulator/emulator.js';
import { errorResponse } from './cloud-emulator/responses.js';
import { type CloudEmulator, DEMO_USER, type EmulatorWire } from './cloud-emulator/types.js';

interface WorkerConfig {
  wire: EmulatorWire;
  projectId: string;
  latencyMs: number;
  loginUserEmail: string;
}

/** Emulators of this isolate by configuration (a handful at most: one per distinct env). */
const emulators = new Map<string, CloudEmulator>();
const MAX_EMULATORS = 8;

function readVar(env: unknown, name: string): unknown {
  return typeof env === 'object' && env !== null && Object.hasOwn(env, name)
    ? Reflect.get(env, name)
    : undefined;
}

/** Reads the vars; returns the name of the first bad one instead when something is wrong. */
function configFrom(env: unknown): WorkerConfig | { bad: string; message: string } {
  const projectId = readVar(env, 'PROJECT_ID');
  if (typeof projectId !== 'string' || projectId.trim() === '') {
    return { bad: 'PROJECT_ID', message: 'PROJECT_ID must be set to the project id' };
  }
  const latency = readVar(env, 'CLOUD_LATENCY_MS') ?? 0;
  const latencyMs = typeof latency === 'string' && latency.trim() !== '' ? Number(latency) : latency;
  if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0) {
    return {
      bad: 'CLOUD_LATENCY_MS',
      message: 'CLOUD_LATENCY_MS must be a non-negative number of milliseconds',
    };
  }
  const email = readVar(env, 'LOGIN_USER_EMAIL') ?? DEMO_USER.email;
  if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email)) {
    return { bad: 'LOGIN_USER_EMAIL', message: 'LOGIN_USER_EMAIL must be an email address' };
  }
  const wire = readVar(env, 'MASTRA_CLOUD_WIRE') ?? 'v1';
  if (wire !== 'v1' && wire !== 'released') {
    return { bad: 'MASTRA_CLOUD_WIRE', message: "MASTRA_CLOUD_WIRE must be 'v1' or 'released'" };
  }
  return { wire, projectId: projectId.trim(), latencyMs, loginUserEmail: email };
}

/** The isolate's emulator for this configuration, created on first use (never at module load). */
function emulatorFor(config: WorkerConfig): CloudEmulator {
  const key = JSON.stringify(config);
  let emulator = emulators.get(key);
  if (emulator === undefined) {
    emulator = createCloudEmulator({
      wire: config.wire,
      projectId: config.projectId,
      latencyMs: config.latencyMs,
      users: [{ ...DEMO_USER, email: config.loginUserEmail }],
    });
    if (emulators.size >= MAX_EMULATORS) emulators.clear();
    emulators.set(key, emulator);
  }
  return emulator;
}

export default {
  /**
   * Serves the emulator.
   *
   * @param request - the incoming request.
   * @param env - the Worker's bindings and vars.
   * @returns the emulator's answer, or 500 `config_error` naming the bad variable.
   */
  async fetch(request: Request, env: unknown): Promise<Response> {
    const config = configFrom(env);
    if ('bad' in config) return errorResponse(500, 'config_error', config.message);
    return emulatorFor(config).fetch(request);
  },
};
