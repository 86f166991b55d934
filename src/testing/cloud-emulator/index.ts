/**
 * The Mastra Cloud emulator: an in-memory Cloud speaking wire v1 or released, for tests, the local
 * demo and benchmarks.
 *
 * @module
 */
export { createCloudEmulator } from './emulator.js';
export { FAULT_REDIRECT_LOCATION } from './faults.js';
export {
  type CloudEmulator,
  type CloudEmulatorOptions,
  DEMO_USER,
  EMULATOR_ROUTES,
  type EmulatorFault,
  type EmulatorLogEntry,
  type EmulatorRoute,
  type EmulatorUser,
  type EmulatorWire,
  ROLE_PERMISSIONS,
} from './types.js';
