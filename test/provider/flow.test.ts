import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors/index.js';
import { MemoryUsedStateLedger } from '../../src/kv-session/index.js';
import {
  beginLogin,
  completeLogin,
  LOGIN_FLOW_TTL_SECONDS,
  type LoginFlowDeps,
  stateIdOf,
} from '../../src/provider/flow.js';
import { Sealer } from '../../src/provider/seal.js';
import { createCloudEmulator, ManualClock } from '../../src/testing/index.js';
import { WIRE } from '../wire.js';
import {
  ALICE,
  CALLBACK,
  clientFor,
  cookiePair,
  mastraState,
  PROJECT,
  SECRET,
  signInAtCloud,
} from './helpers.js';

function setup(secure = true) {
  const clock = new ManualClock();
  const cloud = createCloudEmulator({
    wire: WIRE,
    projectId: PROJECT,
    now: () => clock.now(),
    users: [ALICE],
  });
  const deps: LoginFlowDeps = {
    client: clientFor(cloud, clock),
    sealer: new Sealer(SECRET),
    ledger: new MemoryUsedStateLedger(clock),
    secureCookies: secure,
    sessionIdleSeconds: 3600,
    now: () => clock.now(),
  };
  return { clock, cloud, deps };
}

async function started(s: ReturnType<typeof setup>, input: { returnTo?: string; state?: string } = {}) {
  const begun = await beginLogin(s.deps, { redirectUri: CALLBACK, ...input });
  const back = await signInAtCloud(s.cloud, begun.url);
  return { begun, ...back, cookieHeader: cookiePair(begun.cookie) };
}

async function refusal(promise: Promise<unknown>): Promise<InvalidRequestError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidRequestError);
  return error as InvalidRequestError;
}

describe('beginLogin / completeLogin', () => {
  it('completes a login with a generated state and returns the cookies to set', async () => {
    const s = setup();
    const { begun, code, state, cookieHeader } = await started(s, { returnTo: '/agents?x=1' });
    expect(begun.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(state).toBe(begun.state);
    const done = await completeLogin(s.deps, { code, state, cookieHeader });
    expect(done.user.id).toBe(ALICE.id);
    expect(done.returnTo).toBe('/agents?x=1');
    expect(done.cookies[0]).toMatch(/^__Host-mastra_login=; Max-Age=0;/);
    expect(done.cookies[1]).toMatch(/^__Host-mastra_session=/);
    expect(done.sealed.claims).toMatchObject({
      userId: ALICE.id,
      sessionId: done.session.id,
      token: done.token,
    });
  });

  it.each([
    ['a path', '/agents', '/agents'],
    ['another origin', 'https://evil.test/', '/'],
    ['a protocol-relative URL', '//evil.test', '/'],
  ])('keeps returnTo only when it is a same-origin path (%s)', async (_label, returnTo, expected) => {
    const s = setup();
    const { code, state, cookieHeader } = await started(s, { returnTo });
    expect((await completeLogin(s.deps, { code, state, cookieHeader })).returnTo).toBe(expected);
  });

  it("reads returnTo from Mastra's state when none is given, and binds the part before '|'", async () => {
    const s = setup();
    const { code, state, cookieHeader } = await started(s, { state: mastraState('/%2F%2Fevil.test') });
    const {
      code: code2,
      state: state2,
      cookieHeader: cookie2,
    } = await started(s, { state: mastraState('/runs') });
    const stateId = state.split('|')[0]!;
    expect((await completeLogin(s.deps, { code, state: stateId, cookieHeader })).returnTo).toBe('/');
    expect(
      (await completeLogin(s.deps, { code: code2, state: state2, cookieHeader: cookie2 })).returnTo,
    ).toBe('/runs');
  });

  it('refuses an expired flow (10 minutes), without calling Cloud', async () => {
    const s = setup();
    const { code, state, cookieHeader } = await started(s);
    s.clock.advance(LOGIN_FLOW_TTL_SECONDS * 1000);
    const error = await refusal(completeLogin(s.deps, { code, state, cookieHeader }));
    expect(error).toMatchObject({ code: 'invalid_cookie', status: 400 });
    expect(s.cloud.calls('callback')).toBe(0);
  });

  it('refuses a state that does not match the cookie', async () => {
    const s = setup();
    const first = await started(s);
    const second = await started(s);
    const error = await refusal(
      completeLogin(s.deps, { code: first.code, state: second.state, cookieHeader: first.cookieHeader }),
    );
    expect(error).toMatchObject({ code: 'invalid_state', status: 400 });
  });

  it('refuses a replay within the flow lifetime, before Cloud sees it', async () => {
    const s = setup();
    const { code, state, cookieHeader } = await started(s);
    const results = await Promise.allSettled([
      completeLogin(s.deps, { code, state, cookieHeader }),
      completeLogin(s.deps, { code, state, cookieHeader }),
    ]);
    // Either racer may claim the state first; exactly one must win.
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([
      expect.objectContaining({ reason: expect.objectContaining({ code: 'invalid_state' }) }),
    ]);
    s.clock.advance(60_000);
    expect(await refusal(completeLogin(s.deps, { code, state, cookieHeader }))).toMatchObject({
      code: 'invalid_state',
    });
    expect(s.cloud.calls('callback')).toBe(1);
  });

  it('refuses tampered, forged, wrong-purpose, duplicated and missing flow cookies', async () => {
    const s = setup();
    const { code, state, cookieHeader } = await started(s);
    const [name, value] = [
      cookieHeader.slice(0, cookieHeader.indexOf('=')),
      cookieHeader.slice(cookieHeader.indexOf('=') + 1),
    ];
    const flip = (v: string, at: number) => v.slice(0, at) + (v[at] === 'A' ? 'B' : 'A') + v.slice(at + 1);
    const forgedSealer = new Sealer(`${SECRET}-attacker`);
    const stateId = state;
    const forged = await forgedSealer.seal(
      'login-flow',
      { ver: 'a'.repeat(43), st: stateId, rt: '/', ru: CALLBACK },
      Math.floor(s.clock.now() / 1000) + 600,
    );
    const wrongPurpose = await s.deps.sealer.seal(
      'session',
      { ver: 'a'.repeat(43), st: stateId, rt: '/', ru: CALLBACK },
      Math.floor(s.clock.now() / 1000) + 600,
    );
    const bad = [
      `${name}=${flip(value, value.length - 10)}`,
      `${name}=${stateId}.${forged}`,
      `${name}=${stateId}.${wrongPurpose}`,
      `${cookieHeader}; ${cookieHeader}`,
      `${name}=${stateId}`,
      'other=1',
      '',
    ];
    for (const header of bad) {
      const error = await refusal(completeLogin(s.deps, { code, state, cookieHeader: header }));
      expect(error).toMatchObject({ code: 'invalid_cookie', status: 400 });
    }
    expect(await refusal(completeLogin(s.deps, { code, state, cookieHeader: null }))).toMatchObject({
      code: 'invalid_cookie',
    });
    expect(s.cloud.calls('callback')).toBe(0);
    // The genuine cookie still works afterwards: refusals do not burn the state.
    expect((await completeLogin(s.deps, { code, state, cookieHeader })).user.id).toBe(ALICE.id);
  });

  it.each([
    ['missing code', { code: undefined }, 'invalid_request'],
    ['empty code', { code: '' }, 'invalid_request'],
    ['code with spaces', { code: 'a b' }, 'invalid_request'],
    ['missing state', { state: undefined }, 'invalid_state'],
    ['short state', { state: 'abc' }, 'invalid_state'],
    ['state with a newline', { state: `${'a'.repeat(20)}\n` }, 'invalid_state'],
  ])('refuses a callback with a %s', async (_label, patch, expected) => {
    const s = setup();
    const { code, state, cookieHeader } = await started(s);
    const error = await refusal(completeLogin(s.deps, { code, state, cookieHeader, ...patch }));
    expect(error).toMatchObject({ code: expected, status: 400 });
  });

  it('uses bare cookie names without Secure in dev mode', async () => {
    const s = setup(false);
    const { begun, code, state, cookieHeader } = await started(s);
    expect(begun.cookie).toMatch(/^mastra_login=.*; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/);
    const done = await completeLogin(s.deps, { code, state, cookieHeader });
    expect(done.cookies[1]).toMatch(/^mastra_session=/);
    expect(done.cookies[1]).not.toContain('Secure');
  });
});

describe('stateIdOf', () => {
  it("takes the part before '|' and checks its shape", () => {
    const uuid = crypto.randomUUID();
    expect(stateIdOf(`${uuid}|%2Fagents`)).toBe(uuid);
    expect(stateIdOf(uuid)).toBe(uuid);
    expect(stateIdOf('short')).toBeNull();
    expect(stateIdOf(`${uuid}|a b`)).toBeNull();
    expect(stateIdOf(`${'a'.repeat(129)}`)).toBeNull();
    expect(stateIdOf('')).toBeNull();
  });
});
