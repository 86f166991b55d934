/** Constructor options: defaults and a TypeError naming each bad option. */
import { describe, expect, it } from 'vitest';
import { type CloudClientOptions, MastraCloudClient } from '../../src/cloud-fetch/index.js';
import { PROJECT_ID } from './fixtures.js';

function make(options: Partial<CloudClientOptions>): MastraCloudClient {
  return new MastraCloudClient({ projectId: PROJECT_ID, ...options } as CloudClientOptions);
}

describe('MastraCloudClient options', () => {
  it('accepts a projectId alone and exposes it', () => {
    const client = make({});
    expect(client.projectId).toBe(PROJECT_ID);
    expect(client.baseUrl).toBe('https://cloud.mastra.ai');
  });

  const bad: Array<[string, Partial<Record<keyof CloudClientOptions, unknown>>]> = [
    ['projectId', { projectId: undefined }],
    ['projectId', { projectId: '' }],
    ['projectId', { projectId: 'has space' }],
    ['projectId', { projectId: 'line\nbreak' }],
    ['baseUrl', { baseUrl: 'not a url' }],
    ['baseUrl', { baseUrl: 'ftp://cloud.example.com' }],
    ['baseUrl', { baseUrl: 'https://cloud.example.com/?x=1' }],
    ['baseUrl', { baseUrl: 'https://cloud.example.com/#x' }],
    ['baseUrl', { baseUrl: 'https://user:pw@cloud.example.com' }],
    ['baseUrl', { baseUrl: '' }],
    ['apiPrefix', { apiPrefix: 'api/v1' }],
    ['apiPrefix', { apiPrefix: '/api/../admin' }],
    ['apiPrefix', { apiPrefix: '/api?x' }],
    ['authPath', { authPath: '' }],
    ['authPath', { authPath: '/' }],
    ['fetch', { fetch: 'fetch' }],
    ['timeoutMs', { timeoutMs: 0 }],
    ['timeoutMs', { timeoutMs: 1.5 }],
    ['timeoutMs', { timeoutMs: Number.POSITIVE_INFINITY }],
    ['timeoutMs', { timeoutMs: '5000' }],
    ['retries', { retries: -1 }],
    ['retries', { retries: 11 }],
    ['retryBaseDelayMs', { retryBaseDelayMs: -1 }],
    ['maxResponseBytes', { maxResponseBytes: 0 }],
    ['sleep', { sleep: 1 }],
    ['random', { random: 0.5 }],
  ];
  it.each(bad)('refuses a bad %s with a TypeError naming it (%j)', (name, options) => {
    const build = () => new MastraCloudClient({ projectId: PROJECT_ID, ...options } as CloudClientOptions);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(new RegExp(`^${name} `));
  });

  it('refuses a missing options object', () => {
    expect(() => new MastraCloudClient(undefined as unknown as CloudClientOptions)).toThrow(TypeError);
  });
});
