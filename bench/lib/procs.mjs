// Child processes and cleanup for the benchmark harness: every child is tracked and killed when
// the harness exits (normally, on an error, or on SIGINT/SIGTERM), and every wait is bounded.

import { spawn } from 'node:child_process';

const children = new Set();
const disposers = new Set();

function killChildren() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void disposeAll().finally(() => {
      killChildren();
      process.exit(130);
    });
  });
}

/**
 * Registers an async clean-up (e.g. a Miniflare `dispose`) run by {@link disposeAll}.
 * @returns a function that runs the clean-up now and unregisters it.
 */
export function onDispose(dispose) {
  let done = false;
  const run = async () => {
    if (done) return;
    done = true;
    disposers.delete(run);
    await dispose();
  };
  disposers.add(run);
  return run;
}

/** Runs every registered clean-up (each bounded to 10 s), then kills the remaining children. */
export async function disposeAll() {
  await Promise.allSettled(
    [...disposers].map((dispose) =>
      Promise.race([dispose(), new Promise((r) => setTimeout(r, 10_000).unref())]),
    ),
  );
  killChildren();
}

/**
 * Runs `node [nodeArgs] script [args]`, collects stdout, and parses its last line as JSON.
 * Killed after `timeoutMs`. Rejects on a non-zero exit (with stderr) or a timeout.
 */
export function runNodeJson(script, args, { nodeArgs = [], timeoutMs, label }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
      if (stderr.length > 64 * 1024) stderr = stderr.slice(-32 * 1024);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label}: timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const lines = stdout.trim().split('\n');
      let parsed;
      try {
        parsed = JSON.parse(lines[lines.length - 1] ?? '');
      } catch {
        parsed = undefined;
      }
      if (code !== 0 || parsed === undefined) {
        reject(new Error(`${label}: exited with ${signal ?? code}${stderr ? `\n${stderr.trim()}` : ''}`));
      } else resolve({ result: parsed, exitCode: code });
    });
  });
}

/**
 * Starts a long-running node child that prints one JSON line when ready. Resolves with that
 * object and a `stop()`; the child is also killed on harness exit. Its stdin is a pipe, so the
 * child can exit when the harness dies.
 */
export function startNodeService(script, args, { timeoutMs, label }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    let buffer = '';
    let stderr = '';
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label}: not ready after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
      if (stderr.length > 64 * 1024) stderr = stderr.slice(-32 * 1024);
      if (ready) process.stderr.write(`[${label}] ${chunk}`);
    });
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      if (ready) return;
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline === -1) return;
      ready = true;
      clearTimeout(timer);
      let info;
      try {
        info = JSON.parse(buffer.slice(0, newline));
      } catch (error) {
        child.kill('SIGKILL');
        reject(new Error(`${label}: bad ready line (${error.message})`));
        return;
      }
      const stop = () =>
        new Promise((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
          child.once('exit', () => {
            clearTimeout(force);
            children.delete(child);
            done();
          });
          child.kill('SIGTERM');
        });
      resolve({ info, stop });
    });
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (!ready) {
        clearTimeout(timer);
        reject(new Error(`${label}: exited with ${signal ?? code} before it was ready\n${stderr}`));
      }
    });
  });
}
