/**
 * A real redis-server for the Node tests: started on a free loopback port, without persistence,
 * stopped by `stop()`. `.ci/run` installs the OS package when it is missing.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface RunningRedis {
  readonly port: number;
  readonly url: string;
  /** A new client (closed by `stop`). */
  client(): Redis;
  /** Stops the server (SIGTERM, then SIGKILL) and every client made here. */
  stop(): Promise<void>;
  /** Stops the server only (clients stay, to see an outage). */
  kill(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function redisServerBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'redis-server is not installed: apt-get update && apt-get install -y redis-server (.ci/run does it)',
    );
  }
}

export async function startRedis(): Promise<RunningRedis> {
  const binary = redisServerBinary();
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'yes',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(port, '127.0.0.1', {
      lazyConnect: false,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
    });
    c.on('error', () => {}); // outages are asserted through the stores, not logged here
    clients.push(c);
    return c;
  };
  // Ready when it answers PING.
  const probe = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => 50 });
  probe.on('error', () => {});
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await probe.ping()) === 'PONG') break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        probe.disconnect();
        child.kill('SIGKILL');
        throw new Error('redis-server did not start');
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  probe.disconnect();
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    port,
    url,
    client,
    kill,
    async stop() {
      for (const c of clients) c.disconnect();
      await kill();
    },
  };
}
