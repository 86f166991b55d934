/**
 * `mastra-edge-auth/node`: Node-only glue (an HTTP adapter for Web-standard handlers).
 *
 * @module
 */
export { type ServedHandler, type ServeOptions, serve } from './serve.js';
