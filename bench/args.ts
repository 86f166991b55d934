/** A `--name` command-line value as a positive integer, or `fallback` when absent. */
export function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`--${name} must be a positive integer`);
  return value;
}
