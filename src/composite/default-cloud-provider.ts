/**
 * The Cloud provider `createCloudAuth` builds when the caller passes no `cloudProviderFactory`.
 *
 * `undefined` (the factory is then required) until the real provider is switched on, by replacing
 * the two lines below with (type-checked against src/provider/factory.ts):
 * `export { createMastraCloudAuthProvider as defaultCloudProviderFactory } from '../provider/index.js';`
 *
 * @module
 */
import type { CloudProviderFactory } from './cloud-env.js';

export const defaultCloudProviderFactory: CloudProviderFactory | undefined = undefined;
