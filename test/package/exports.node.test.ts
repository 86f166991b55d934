/**
 * The public surface, pinned: every name each entry point in package.json `exports` offers, values
 * and types, read with the TypeScript compiler from the sources. A change to the surface changes
 * the snapshot, so it is made on purpose (`npx vitest run --project node test/package -u`) and
 * shows in review. The root must stay small: what the README teaches.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const manifest: unknown = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'));
const exportsMap: unknown =
  typeof manifest === 'object' && manifest !== null ? Reflect.get(manifest, 'exports') : {};
const subpaths = Object.keys(typeof exportsMap === 'object' && exportsMap !== null ? exportsMap : {}).filter(
  (key) => key !== './package.json',
);
const sourceOf = (subpath: string) => `${ROOT}src/${subpath === '.' ? '' : `${subpath.slice(2)}/`}index.ts`;

const program = ts.createProgram(subpaths.map(sourceOf), {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  lib: ['lib.es2022.d.ts', 'lib.webworker.d.ts', 'lib.webworker.iterable.d.ts'],
});
const checker = program.getTypeChecker();

/** `name` for a value (class, function, constant), `type name` for a type-only export. */
function surface(subpath: string): string[] {
  const file = program.getSourceFile(sourceOf(subpath));
  const module = file === undefined ? undefined : checker.getSymbolAtLocation(file);
  if (module === undefined) throw new Error(`no module for ${subpath}`);
  return checker
    .getExportsOfModule(module)
    .map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return target.flags & ts.SymbolFlags.Value ? symbol.name : `type ${symbol.name}`;
    })
    .sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, '')));
}

describe('public surface', () => {
  it('lists the entry points package.json exports', () => {
    expect(subpaths).toMatchSnapshot();
  });

  for (const subpath of subpaths) {
    it(`${subpath} exports exactly the pinned names`, () => {
      expect(surface(subpath)).toMatchSnapshot();
    });
  }

  it('the root fits on one screen (at most 40 names)', () => {
    expect(surface('.').length).toBeLessThanOrEqual(40);
  });
});
