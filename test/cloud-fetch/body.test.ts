/** Size-capped body reads: oversized bodies are refused without reading them whole. */
import { describe, expect, it } from 'vitest';
import { parsePermissionsData, processEnvelope } from '../../src/cloud-fetch/index.js';
import { cloudError } from '../support/errors.js';
import { endlessBody, fail } from './fake-fetch.js';
import { clientWith, TOKEN } from './fixtures.js';

const JSON_TYPE = { 'content-type': 'application/json' };

function permissionsBody(bytes: number): string {
  const head = '{"ok":true,"data":{"permissions":["';
  const tail = '"]}}';
  return head + 'a'.repeat(bytes - head.length - tail.length) + tail;
}

describe('response size cap', () => {
  it('reads a body of exactly 64 KiB and refuses one byte more', async () => {
    const exact = new Response(permissionsBody(64 * 1024), { headers: JSON_TYPE });
    await expect(processEnvelope(exact, parsePermissionsData, 'permissions')).resolves.toHaveLength(1);
    const over = new Response(permissionsBody(64 * 1024 + 1), { headers: JSON_TYPE });
    const error = await cloudError(processEnvelope(over, parsePermissionsData, 'permissions'));
    expect(error).toMatchObject({ status: 200, code: 'bad_response', family: 'unavailable' });
    expect(error.message).toBe('permissions: response body exceeds 65536 bytes');
  });

  it('stops reading an endless body and cancels its stream', async () => {
    const endless = endlessBody();
    const error = await cloudError(processEnvelope(endless.response, parsePermissionsData, 'permissions'));
    expect(error).toMatchObject({ code: 'bad_response', family: 'unavailable' });
    expect(endless.cancelled()).toBe(true);
  });

  it('refuses a declared Content-Length over the cap without reading', async () => {
    const response = new Response('{"ok":true,"data":{"permissions":[]}}', {
      headers: { ...JSON_TYPE, 'content-length': '999999' },
    });
    const error = await cloudError(
      processEnvelope(response, parsePermissionsData, 'permissions', { maxBytes: 100 }),
    );
    expect(error).toMatchObject({ code: 'bad_response', family: 'unavailable' });
  });

  it('honours maxResponseBytes from the client options', async () => {
    const { client, fake } = clientWith([new Response(permissionsBody(200), { headers: JSON_TYPE })], {
      maxResponseBytes: 100,
    });
    const error = await cloudError(client.getUserPermissions('u', TOKEN));
    expect(error).toMatchObject({ status: 200, code: 'bad_response', family: 'unavailable' });
    expect(error.message).toContain('100 bytes');
    fake.assertDone();
  });

  it('keeps the status verdict of an oversized non-2xx answer', async () => {
    const { client, fake } = clientWith([fail(401, 'invalid_token', { message: 'x'.repeat(500) })], {
      maxResponseBytes: 100,
    });
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({ status: 401, family: 'rejected' });
    fake.assertDone();
  });

  it('refuses a body that was already read', async () => {
    const response = new Response('{"ok":true,"data":{"permissions":[]}}', { headers: JSON_TYPE });
    await response.text();
    const error = await cloudError(processEnvelope(response, parsePermissionsData, 'permissions'));
    expect(error).toMatchObject({ code: 'bad_response', family: 'unavailable' });
  });
});
