/** Retries: only safe calls, only on outage, bounded, with full-jitter backoff. */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_RETRY_DELAY_MS, type MastraCloudClient } from '../../src/cloud-fetch/index.js';
import { CloudApiError } from '../../src/errors/index.js';
import type { Answer, FakeFetch } from './fake-fetch.js';
import { fail, json, ok } from './fake-fetch.js';
import {
  clientWith,
  REDIRECT_URI,
  rejectionOf,
  SESSION_WIRE,
  TOKEN,
  USER_WIRE,
  VERIFIER,
  VERIFY_DATA,
} from './fixtures.js';

let fake: FakeFetch | undefined;
afterEach(() => {
  fake?.assertDone();
  fake = undefined;
});

function setup(answers: Answer[], retries = 2, random = () => 0.5) {
  const made = clientWith(answers, { retries, retryBaseDelayMs: 100, random });
  fake = made.fake;
  return made;
}

const outage = () => fail(503);
const networkDown: Answer = () => {
  throw new TypeError('fetch failed');
};

describe('safe calls', () => {
  const calls: Array<[string, (c: MastraCloudClient) => Promise<unknown>, Response]> = [
    ['verifyToken', (c) => c.verifyToken(TOKEN), ok(VERIFY_DATA)],
    ['validateSession', (c) => c.validateSession(TOKEN), ok({ session: SESSION_WIRE })],
    ['getUser', (c) => c.getUser('user_1', TOKEN), ok({ user: USER_WIRE })],
    ['getUserPermissions', (c) => c.getUserPermissions('user_1', TOKEN), ok({ permissions: ['a:b'] })],
  ];

  it.each(calls)(
    '%s recovers after two outages, with jittered exponential waits',
    async (_name, call, success) => {
      const { client, sleeps } = setup([outage(), networkDown, success]);
      await expect(call(client)).resolves.toBeTruthy();
      expect(fake?.calls).toHaveLength(3);
      expect(sleeps).toEqual([50, 100]);
    },
  );

  it.each(calls)('%s gives up after `retries` extra attempts with the last failure', async (_name, call) => {
    const { client, sleeps } = setup([outage(), outage(), fail(500)]);
    const error = await rejectionOf(call(client));
    expect(error).toBeInstanceOf(CloudApiError);
    expect(error).toMatchObject({ status: 500, family: 'unavailable' });
    expect(sleeps).toHaveLength(2);
  });

  it.each(calls)('%s never retries a definitive no', async (_name, call) => {
    const { client, sleeps } = setup([fail(401, 'invalid_token')]);
    expect(await rejectionOf(call(client))).toMatchObject({ status: 401, family: 'rejected' });
    expect(sleeps).toEqual([]);
  });

  it('retries ok:false with an outage status, and bad responses', async () => {
    const { client } = setup([
      fail(503, undefined, { httpStatus: 200 }),
      json({ ok: true }),
      ok(VERIFY_DATA),
    ]);
    await expect(client.verifyToken(TOKEN)).resolves.toMatchObject({ user: { id: 'user_1' } });
  });

  it('never retries a timeout (a hang): one attempt, no wait', async () => {
    const hang: Answer = (call) =>
      new Promise<Response>((_resolve, reject) => {
        call.signal?.addEventListener('abort', () => reject(call.signal?.reason), { once: true });
      });
    const made = clientWith([hang], { retries: 2, timeoutMs: 10 });
    fake = made.fake;
    expect(await rejectionOf(made.client.verifyToken(TOKEN))).toMatchObject({ code: 'timeout' });
    expect(made.sleeps).toEqual([]);
  });

  it('does not retry a 404 user: it is null at once', async () => {
    const { client, sleeps } = setup([fail(404, 'not_found')]);
    expect(await client.getUser('ghost', TOKEN)).toBeNull();
    expect(sleeps).toEqual([]);
  });

  it('makes exactly one attempt with retries: 0', async () => {
    const { client } = setup([outage()], 0);
    expect(await rejectionOf(client.verifyToken(TOKEN))).toMatchObject({ status: 503 });
  });
});

describe('calls that are never retried', () => {
  it('exchangeCode makes one attempt on outage', async () => {
    const { client, sleeps } = setup([outage()]);
    const error = await rejectionOf(
      client.exchangeCode({ code: 'c', codeVerifier: VERIFIER, redirectUri: REDIRECT_URI }),
    );
    expect(error).toMatchObject({ status: 503, family: 'unavailable' });
    expect(sleeps).toEqual([]);
  });

  it('exchangeCode makes one attempt on a network error', async () => {
    const { client } = setup([networkDown]);
    const error = await rejectionOf(
      client.exchangeCode({ code: 'c', codeVerifier: VERIFIER, redirectUri: REDIRECT_URI }),
    );
    expect(error).toMatchObject({ code: 'network_error' });
  });

  it('destroySession makes one attempt on outage', async () => {
    const { client, sleeps } = setup([outage()]);
    expect(await rejectionOf(client.destroySession(TOKEN, 'sess_1'))).toMatchObject({ status: 503 });
    expect(sleeps).toEqual([]);
  });
});

describe('one deadline per call across attempts', () => {
  it('retries at most once by default', async () => {
    const made = clientWith([outage(), outage()], { retries: undefined });
    fake = made.fake;
    expect(await rejectionOf(made.client.verifyToken(TOKEN))).toMatchObject({ status: 503 });
    expect(made.sleeps).toHaveLength(1);
  });

  it('gives the next attempt only the time left, and skips a retry that no longer fits', async () => {
    let now = 0;
    // The first failure takes 2.95 s of the 3 s deadline: no room for a wait and an attempt.
    const made = clientWith(
      [
        () => {
          now += 2950;
          return fail(503);
        },
      ],
      { retries: 1, now: () => now },
    );
    fake = made.fake;
    expect(await rejectionOf(made.client.verifyToken(TOKEN))).toMatchObject({ status: 503 });
    expect(made.sleeps).toEqual([]);
  });

  it('cuts the retry attempt to the deadline', async () => {
    let now = 0;
    const hang: Answer = (call) =>
      new Promise<Response>((_resolve, reject) => {
        call.signal?.addEventListener('abort', () => reject(call.signal?.reason), { once: true });
      });
    const made = clientWith(
      [
        () => {
          now += 2990;
          return fail(503);
        },
        hang,
      ],
      { retries: 1, deadlineMs: 3040, now: () => now, random: () => 0 },
    );
    fake = made.fake;
    // 50 ms were left: one retry, whose attempt times out after them (not after timeoutMs).
    expect(await rejectionOf(made.client.verifyToken(TOKEN))).toMatchObject({
      code: 'timeout',
      message: expect.stringContaining('within 50 ms'),
    });
  });
});

describe('backoff', () => {
  it('waits at least Retry-After when it is short', async () => {
    const { client, sleeps } = setup([
      fail(429, undefined, { headers: { 'retry-after': '1' } }),
      ok(VERIFY_DATA),
    ]);
    await client.verifyToken(TOKEN);
    expect(sleeps).toEqual([1000]);
  });

  it('stops retrying when Retry-After asks for longer than the longest wait, and reports it', async () => {
    const { client, sleeps } = setup([fail(503, undefined, { headers: { 'retry-after': '30' } })]);
    expect(await rejectionOf(client.verifyToken(TOKEN))).toMatchObject({ status: 503, retryAfter: 30 });
    expect(sleeps).toEqual([]);
  });

  it('caps every wait, doubling the ceiling per retry', async () => {
    const made = clientWith(
      Array.from({ length: 7 }, () => fail(503)),
      { retries: 6, retryBaseDelayMs: 300, random: () => 0.999999 },
    );
    fake = made.fake;
    await rejectionOf(made.client.verifyToken(TOKEN));
    expect(made.sleeps).toEqual([299, 599, 1199, 1999, 1999, 1999]);
    expect(Math.max(...made.sleeps)).toBeLessThan(MAX_RETRY_DELAY_MS);
  });

  it('draws each wait from [0, ceiling): a zero draw waits 0', async () => {
    const { client, sleeps } = setup([outage(), outage(), outage()], 2, () => 0);
    await rejectionOf(client.verifyToken(TOKEN));
    expect(sleeps).toEqual([0, 0]);
  });
});
