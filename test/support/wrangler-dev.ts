/**
 * Starts `wrangler dev` (Node only) on port 0 and resolves once it prints its URL, for the tests
 * that run a Worker end to end under the real workerd.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WRANGLER = fileURLToPath(new URL('../../node_modules/wrangler/bin/wrangler.js', import.meta.url));

export interface WranglerDevOptions {
  /** The folder holding the Worker's `wrangler.toml`. */
  cwd: string;
  /** Where local KV/DO state lives (`--persist-to`). */
  persistTo: string;
  /** `--var NAME:value` for each entry. */
  vars: Record<string, string>;
  /** More flags, e.g. `--define`. */
  extraArgs?: string[];
  /** Give up (and stop wrangler) when it is not ready by then; default: wait as long as it runs. */
  readyTimeoutMs?: number;
}

export interface RunningWorker {
  url: string;
  close(): Promise<void>;
}

export async function startWranglerDev(options: WranglerDevOptions): Promise<RunningWorker> {
  const args = [
    WRANGLER,
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    '0',
    '--inspector-port',
    '0',
    '--show-interactive-dev-session=false',
    ...(options.extraArgs ?? []),
    '--persist-to',
    options.persistTo,
    ...Object.entries(options.vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer =
      options.readyTimeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGTERM');
            reject(new Error(`wrangler dev not ready:\n${log}`));
          }, options.readyTimeoutMs);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const ready = /Ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (ready?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`wrangler dev exited (${code}):\n${log}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
