/**
 * `mastra-edge-auth/testing`: test doubles for the package's dependencies.
 *
 * @module
 */
export {
  type CloudEmulator,
  type CloudEmulatorOptions,
  createCloudEmulator,
  DEMO_USER,
  EMULATOR_ROUTES,
  type EmulatorFault,
  type EmulatorLogEntry,
  type EmulatorRoute,
  type EmulatorUser,
  type EmulatorWire,
  FAULT_REDIRECT_LOCATION,
  ROLE_PERMISSIONS,
} from './cloud-emulator/index.js';
export {
  KVDouble,
  type KVDoubleLogEntry,
  KVDoubleNamespace,
  type KVDoubleOps,
  type KVDoubleOptions,
  type KVDoubleRecord,
  type KVOp,
  ManualClock,
} from './kv-double.js';
