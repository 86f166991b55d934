// The memory section: bench/memory.ts in a child with --expose-gc.

import { runNodeJson } from './procs.mjs';

/** L1 bytes per 10k entries and RSS after `tokens` distinct tokens (LRU bound asserted). */
export async function memory({ script, entries, tokens, repeats, soakS }) {
  const { result } = await runNodeJson(
    script,
    [
      '--entries',
      String(entries),
      '--tokens',
      String(tokens),
      '--repeats',
      String(repeats),
      '--soak-s',
      String(soakS),
    ],
    { nodeArgs: ['--expose-gc'], timeoutMs: 180_000 + soakS * 2_000, label: 'memory' },
  );
  return result;
}
