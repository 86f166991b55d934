/**
 * The Cloud wire profile the current test project runs against (not a test file itself).
 *
 * `vitest.config.ts` runs the wire-dependent suites (Cloud client against the emulator, provider,
 * composite, gateway, Mastra server) twice per runtime: projects `node` / `workers` provide
 * `cloudWire: 'v1'`, projects `node-released` / `workers-released` provide `'released'`. Harnesses
 * build their emulator and client with {@link WIRE}; a test that depends on what a profile can do
 * asks {@link CAPABILITIES}, never the profile's name.
 */
import { inject } from 'vitest';
import { type CloudCapabilities, type CloudWire, MastraCloudClient } from '../src/cloud-fetch/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    cloudWire: CloudWire;
  }
}

/** This project's wire profile (`v1` when the project provides none). */
export const WIRE: CloudWire = inject('cloudWire') ?? 'v1';

/** What this project's profile can do (from the client itself, so tests follow the library). */
export const CAPABILITIES: CloudCapabilities = new MastraCloudClient({ projectId: 'p', wire: WIRE })
  .capabilities;
