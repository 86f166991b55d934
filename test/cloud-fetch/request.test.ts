/** One attempt: time limit (request and body read) and network failures. */
import { describe, expect, it } from 'vitest';
import { MastraCloudClient } from '../../src/cloud-fetch/index.js';
import { cloudError } from '../support/errors.js';
import { deafFetch, hangingFetch, stalledBody } from './fake-fetch.js';
import { PROJECT_ID, REDIRECT_URI, TOKEN, VERIFIER } from './fixtures.js';

function client(fetchImpl: typeof fetch): MastraCloudClient {
  return new MastraCloudClient({ projectId: PROJECT_ID, fetch: fetchImpl, timeoutMs: 20, retries: 0 });
}

describe('timeouts', () => {
  it('aborts a fetch that waits for its signal: status 0, code timeout, unavailable', async () => {
    const error = await cloudError(client(hangingFetch).verifyToken(TOKEN));
    expect(error).toMatchObject({ status: 0, code: 'timeout', family: 'unavailable' });
    expect(error.message).toMatch(/^verify: /);
  });

  it('gives up on a fetch that ignores its signal', async () => {
    const error = await cloudError(client(deafFetch).validateSession(TOKEN));
    expect(error).toMatchObject({ status: 0, code: 'timeout', family: 'unavailable' });
  });

  it('times out a body that never arrives', async () => {
    const error = await cloudError(client(async () => stalledBody()).getUserPermissions('u', TOKEN));
    expect(error).toMatchObject({ status: 0, code: 'timeout', family: 'unavailable' });
  });

  it('times out the code exchange the same way', async () => {
    const error = await cloudError(
      client(hangingFetch).exchangeCode({ code: 'c', codeVerifier: VERIFIER, redirectUri: REDIRECT_URI }),
    );
    expect(error).toMatchObject({ status: 0, code: 'timeout' });
  });
});

describe('network errors', () => {
  it('maps a throwing fetch to status 0, code network_error, unavailable, keeping the cause', async () => {
    const cause = new TypeError('fetch failed');
    const error = await cloudError(
      client(async () => {
        throw cause;
      }).getUser('u', TOKEN),
    );
    expect(error).toMatchObject({ status: 0, code: 'network_error', family: 'unavailable', cause });
    expect(error.message).not.toContain(TOKEN);
  });

  it('maps a synchronously throwing fetch the same way', async () => {
    const error = await cloudError(
      client(() => {
        throw new Error('sync');
      }).destroySession(TOKEN, 'sess_1'),
    );
    expect(error).toMatchObject({ status: 0, code: 'network_error' });
  });
});
