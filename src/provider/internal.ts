/**
 * What other rooms of this package use from the provider beyond its public API (the composite's
 * service-token sign-in cookie reuses its sealing and cookie rules): not a subpath of the package.
 *
 * @module
 */
export { serializeCookie } from './cookies.js';
export { Sealer } from './seal.js';
