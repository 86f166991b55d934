/**
 * The micro-benchmark cases, shared by the Node runner (`bench/micro-node.ts`) and the workerd
 * bench Worker (`bench/micro-worker.ts`). Web APIs only, so the same code is measured in both
 * runtimes. Each case prepares its inputs outside the timed part, then runs `n` operations one
 * after another (each awaited, as a request would).
 *
 * @module
 */
import { CompositeAuth, SimpleAuth } from '../src/composite/index.js';
import { MemoryKVStore } from '../src/kv-session/index.js';
import { MastraCloudAuthProvider } from '../src/provider/index.js';
import { createPkcePair } from '../src/provider/pkce.js';
import { Sealer } from '../src/provider/seal.js';
import { type CloudEmulator, createCloudEmulator } from '../src/testing/index.js';
import { createGatewayCases } from './micro-gateway-cases.js';

/** One micro-benchmark: `prepare(n)` (untimed) then `run(n)` (timed) performs `n` operations. */
export interface MicroCase {
  readonly name: MicroCaseName;
  /** What one operation is, for the report. */
  readonly describe: string;
  prepare(n: number): Promise<void>;
  run(n: number): Promise<void>;
}

/** The case names, in report order. */
export const MICRO_CASE_NAMES = [
  'sha256-digest',
  'service-token',
  'cloud-l1-hit',
  'cloud-kv-hit',
  'cloud-cold',
  'open-sealed-cookie',
  'pkce-pair',
  'gateway-public',
  'gateway-service-token',
  'gateway-cloud-cached',
] as const;

export type MicroCaseName = (typeof MICRO_CASE_NAMES)[number];

const PROJECT_ID = 'proj_bench';
const CLOUD_BASE_URL = 'https://cloud.bench.invalid';
const SESSION_SECRET = 'bench-session-secret-0123456789abcdef-0123456789';
const SERVICE_TOKEN = 'svc_bench_0123456789abcdef0123456789abcdef';
const TOKENS = 100;
/** Tokens minted per cold run at most (a fresh emulator per run keeps its log small). */
export const MAX_COLD_OPS = 20_000;

/** A frozen clock: cache entries never expire during a run, so each case stays on its path. */
function frozenClock(): { now(): number } {
  const t0 = Date.now();
  return { now: () => t0 };
}

function benchRequest(token: string): Request {
  return new Request('https://gateway.bench.invalid/api/agents', {
    headers: { Authorization: `Bearer ${token}` },
  });
}

interface Stack {
  emulator: CloudEmulator;
  composite: CompositeAuth;
  kv: MemoryKVStore;
}

/** A composite of service tokens then Cloud user auth, over an in-memory Cloud (no latency). */
function buildStack(options: { kv?: MemoryKVStore; l1TtlMs?: number; emulator?: CloudEmulator } = {}): Stack {
  const emulator = options.emulator ?? createCloudEmulator({ projectId: PROJECT_ID });
  const kv = options.kv ?? new MemoryKVStore({ maxEntries: MAX_COLD_OPS * 3 });
  const cloud = new MastraCloudAuthProvider({
    projectId: PROJECT_ID,
    cloudBaseUrl: CLOUD_BASE_URL,
    sessionSecret: SESSION_SECRET,
    kv,
    fetch: emulator.fetcher,
    clock: frozenClock(),
    ...(options.l1TtlMs !== undefined && { cache: { l1TtlMs: options.l1TtlMs } }),
  });
  const service = new SimpleAuth({ tokens: { [SERVICE_TOKEN]: { id: 'business-api', role: 'api' } } });
  const composite = new CompositeAuth([service, cloud], {
    onError: () => {
      throw new Error('a provider failed during the benchmark');
    },
  });
  return { emulator, composite, kv };
}

async function mustAuthenticate(composite: CompositeAuth, token: string, request: Request): Promise<void> {
  const user = await composite.authenticateToken(token, request);
  if (user === null || user === undefined) throw new Error('benchmark token was refused');
}

/** `count` tokens of the demo user, minted on `emulator`, with a request carrying each. */
function mint(emulator: CloudEmulator, count: number): { tokens: string[]; requests: Request[] } {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push(emulator.issueToken('user_demo'));
  return { tokens, requests: tokens.map(benchRequest) };
}

async function runOver(composite: CompositeAuth, tokens: string[], requests: Request[], n: number) {
  for (let i = 0; i < n; i++) {
    const k = i % tokens.length;
    await mustAuthenticate(composite, tokens[k]!, requests[k]!);
  }
}

function serviceTokenCase(): MicroCase {
  let stack: Stack | undefined;
  const request = benchRequest(SERVICE_TOKEN);
  return {
    name: 'service-token',
    describe: 'CompositeAuth.authenticateToken, service token (SimpleAuth, constant-time compare)',
    async prepare() {
      stack ??= buildStack();
    },
    async run(n) {
      for (let i = 0; i < n; i++) await mustAuthenticate(stack!.composite, SERVICE_TOKEN, request);
    },
  };
}

function l1HitCase(): MicroCase {
  let state: (Stack & { tokens: string[]; requests: Request[] }) | undefined;
  return {
    name: 'cloud-l1-hit',
    describe: `CompositeAuth.authenticateToken, Cloud token answered by the per-isolate L1 (${TOKENS} tokens)`,
    async prepare() {
      if (state !== undefined) return;
      const stack = buildStack();
      const minted = mint(stack.emulator, TOKENS);
      await runOver(stack.composite, minted.tokens, minted.requests, TOKENS);
      state = { ...stack, ...minted };
    },
    async run(n) {
      const before = state!.emulator.calls('verify');
      await runOver(state!.composite, state!.tokens, state!.requests, n);
      if (state!.emulator.calls('verify') !== before) throw new Error('cloud-l1-hit case reached Cloud');
    },
  };
}

function kvHitCase(): MicroCase {
  let state: { reader: Stack; tokens: string[]; requests: Request[] } | undefined;
  return {
    name: 'cloud-kv-hit',
    describe: `CompositeAuth.authenticateToken, Cloud token answered by KV (an L1-less instance sharing the store; ${TOKENS} tokens)`,
    async prepare() {
      if (state !== undefined) return;
      const writer = buildStack();
      const minted = mint(writer.emulator, TOKENS);
      await runOver(writer.composite, minted.tokens, minted.requests, TOKENS);
      // Another isolate's view: same KV store, same Cloud, no L1 (every call misses L1).
      const reader = buildStack({ kv: writer.kv, l1TtlMs: 0, emulator: writer.emulator });
      const before = writer.emulator.calls('verify');
      await runOver(reader.composite, minted.tokens, minted.requests, TOKENS);
      if (writer.emulator.calls('verify') !== before) throw new Error('kv-hit case reached Cloud');
      state = { reader, ...minted };
    },
    async run(n) {
      await runOver(state!.reader.composite, state!.tokens, state!.requests, n);
    },
  };
}

function coldCase(): MicroCase {
  let state: (Stack & { tokens: string[]; requests: Request[] }) | undefined;
  return {
    name: 'cloud-cold',
    describe:
      'CompositeAuth.authenticateToken, unseen Cloud token: L1 miss, KV miss, Cloud verify (in-memory emulator, 0 ms), KV write',
    async prepare(n) {
      if (n > MAX_COLD_OPS) throw new RangeError(`cloud-cold runs at most ${MAX_COLD_OPS} operations`);
      // A fresh Cloud, store and provider per run: every token is new to every tier.
      const stack = buildStack();
      state = { ...stack, ...mint(stack.emulator, n) };
    },
    async run(n) {
      const { composite, tokens, requests, emulator } = state!;
      const before = emulator.calls('verify');
      for (let i = 0; i < n; i++) await mustAuthenticate(composite, tokens[i]!, requests[i]!);
      if (emulator.calls('verify') - before !== n) throw new Error('cloud-cold case did not reach Cloud');
    },
  };
}

function openCookieCase(): MicroCase {
  const sealer = new Sealer(SESSION_SECRET);
  let sealed: string | undefined;
  return {
    name: 'open-sealed-cookie',
    describe: 'Sealer.open of a session cookie value (JWE dir + A256GCM, derived key cached)',
    async prepare() {
      if (sealed !== undefined) return;
      const exp = Math.floor(Date.now() / 1000) + 3600;
      sealed = await sealer.seal(
        'session',
        { sid: 'sess_bench', uid: 'user_demo', tok: 'x'.repeat(64), cat: Date.now(), abs: exp * 1000 },
        exp,
      );
    },
    async run(n) {
      for (let i = 0; i < n; i++) {
        if ((await sealer.open('session', sealed)) === null) throw new Error('sealed cookie did not open');
      }
    },
  };
}

function digestCase(): MicroCase {
  const bytes = new TextEncoder().encode(SERVICE_TOKEN);
  return {
    name: 'sha256-digest',
    describe:
      "one awaited crypto.subtle.digest('SHA-256') of a token (the yardstick of the cached-path targets)",
    async prepare() {},
    async run(n) {
      for (let i = 0; i < n; i++) await crypto.subtle.digest('SHA-256', bytes);
    },
  };
}

function pkceCase(): MicroCase {
  return {
    name: 'pkce-pair',
    describe: 'createPkcePair: 32 random bytes + SHA-256 S256 challenge',
    async prepare() {},
    async run(n) {
      for (let i = 0; i < n; i++) await createPkcePair();
    },
  };
}

/** Builds every case (lazily set up on first `prepare`). */
export function createMicroCases(): Map<MicroCaseName, MicroCase> {
  const cases = [
    digestCase(),
    serviceTokenCase(),
    l1HitCase(),
    kvHitCase(),
    coldCase(),
    openCookieCase(),
    pkceCase(),
  ];
  return new Map([...cases, ...createGatewayCases()].map((c) => [c.name, c]));
}

/** Narrows a string to a case name. */
export function isMicroCaseName(value: unknown): value is MicroCaseName {
  return typeof value === 'string' && (MICRO_CASE_NAMES as readonly string[]).includes(value);
}
