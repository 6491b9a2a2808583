/**
 * The layering of lib/ holds, as docs/ARCHITECTURE.md draws it.
 *
 * Each folder of lib/ (a "layer"; lib/model/callbacks belongs to lib/model)
 * states in its README.md, on a line starting "May import:", which other
 * folders its files may import. This test reads every lib/**.ts file with
 * TypeScript's own parser and checks, for every relative module reference
 * (static imports, `import type`, `export ... from`, dynamic `import()` and
 * `typeof import()` type references alike):
 * - a reference into another folder is one its README allows ("not even for
 *   types");
 * - the allowed graph of folders has no cycle, so the folders form layers;
 * - nothing in lib/ imports lib/index.ts (the public API is the top) or
 *   reaches outside lib/;
 * - no cycle of value imports between files (type-only imports are erased by
 *   tsc and may close a loop);
 * - no file is over 600 lines;
 * - docs/ARCHITECTURE.md names every folder.
 * Oracle: the folder READMEs and the 600-line limit of the architecture
 * issue; the parser itself is checked on a written example first.
 */
import t from 'tap';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const libDir = join(root, 'lib');
const MAX_LINES = 600;

interface ModuleReference {
  specifier: string;
  /** 1-based line of the reference. */
  line: number;
  /** Erased by tsc: `import type`, every named import marked `type`, `export type`, `typeof import()`. */
  typeOnly: boolean;
}

/** Every module reference in one TypeScript source text. */
function moduleReferences(fileName: string, text: string): ModuleReference[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: ModuleReference[] = [];
  const add = (node: ts.Node, specifier: ts.Expression | undefined, typeOnly: boolean): void => {
    if (specifier === undefined || !ts.isStringLiteralLike(specifier)) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    found.push({ specifier: specifier.text, line, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      let typeOnly = false;
      if (clause !== undefined) {
        const bindings = clause.namedBindings;
        const allNamedAreTypes =
          bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
        typeOnly = clause.isTypeOnly || (clause.name === undefined && allNamedAreTypes);
      }
      add(node, node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      const clause = node.exportClause;
      const allNamedAreTypes =
        clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
      add(node, node.moduleSpecifier, node.isTypeOnly || allNamedAreTypes);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument)) add(node, argument.literal, true);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** The lib folder (layer) a path under lib/ belongs to; '' for lib/index.ts itself. */
function folderOf(path: string): string {
  const parts = relative(libDir, path).split(sep);
  return parts.length > 1 ? parts[0]! : '';
}

/** The folder names on a README's "May import:" line ("nothing" for none). */
function allowedImports(readme: string): string[] | undefined {
  const line = readme.split('\n').find((l) => l.startsWith('May import:'));
  if (line === undefined) return undefined;
  const rest = line.slice('May import:'.length).replace(/[`.]/g, ' ').trim();
  if (rest === 'nothing') return [];
  return rest.split(/[,\s]+/).filter((w) => w.length > 0);
}

/** One cycle in a directed graph, as a closed list of nodes, or undefined. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const walk = (node: string): string[] | undefined => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const cycle = walk(next);
        if (cycle !== undefined) return cycle;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    if (state.get(node) === undefined) {
      const cycle = walk(node);
      if (cycle !== undefined) return cycle;
    }
  }
  return undefined;
}

t.test('the reference parser sees every kind of module reference', async (t) => {
  const example = [
    "import { a } from './value.js';",
    "import type { B } from './type-only.js';",
    "import { type C, type D } from './named-types.js';",
    "import { type E, f } from './mixed.js';",
    "import * as g from './namespace.js';",
    "import './side-effect.js';",
    "export { h } from './re-export.js';",
    "export type { I } from './re-export-type.js';",
    "export * from './star.js';",
    "type J = typeof import('./type-query.js');",
    "async function k() { return import('./dynamic.js'); }",
    "import { readFileSync } from 'node:fs';",
  ].join('\n');
  const refs = moduleReferences('example.ts', example).map((r) => `${r.line}:${r.specifier}:${r.typeOnly ? 'type' : 'value'}`);
  t.same(refs, [
    '1:./value.js:value',
    '2:./type-only.js:type',
    '3:./named-types.js:type',
    '4:./mixed.js:value',
    '5:./namespace.js:value',
    '6:./side-effect.js:value',
    '7:./re-export.js:value',
    '8:./re-export-type.js:type',
    '9:./star.js:value',
    '10:./type-query.js:type',
    '11:./dynamic.js:value',
    '12:node:fs:value',
  ]);
  t.same(findCycle(new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])]])), ['a', 'b', 'c', 'a']);
  t.equal(findCycle(new Map([['a', new Set(['b', 'c'])], ['b', new Set(['c'])], ['c', new Set()]])), undefined);
  t.same(allowedImports('# x\n\nMay import: `core`, `numeric`.\n'), ['core', 'numeric']);
  t.same(allowedImports('May import: nothing.\n'), []);
  t.equal(allowedImports('no such line'), undefined);
});

const folders = readdirSync(libDir).filter((name) => statSync(join(libDir, name)).isDirectory()).sort();
const allowed = new Map<string, Set<string>>();

t.test('every folder of lib/ says what it holds and what it may import', async (t) => {
  t.ok(folders.length >= 10, `lib/ has its folders (${folders.join(', ')})`);
  for (const folder of folders) {
    const readmePath = join(libDir, folder, 'README.md');
    if (!existsSync(readmePath)) {
      t.fail(`lib/${folder}/README.md is missing`);
      continue;
    }
    const readme = readFileSync(readmePath, 'utf8');
    const names = allowedImports(readme);
    if (names === undefined) {
      t.fail(`lib/${folder}/README.md has no "May import:" line`);
      continue;
    }
    const unknown = names.filter((n) => !folders.includes(n) || n === folder);
    t.same(unknown, [], `lib/${folder}/README.md names only other existing folders`);
    t.ok(readme.split('\n').filter((l) => l.trim().length > 0 && !l.startsWith('#') && !l.startsWith('May import:')).length > 0,
      `lib/${folder}/README.md says what the folder holds`);
    allowed.set(folder, new Set(names));
  }
  t.equal(findCycle(allowed), undefined, 'the allowed folder graph has no cycle: the folders are layers');
});

t.test('every import follows the folder rules, types included', async (t) => {
  const violations: string[] = [];
  const valueGraph = new Map<string, Set<string>>();
  let references = 0;
  for (const file of tsFiles(libDir)) {
    const from = relative(root, file);
    const fromFolder = folderOf(file);
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n').length;
    if (lines > MAX_LINES) violations.push(`${from} has ${lines} lines (at most ${MAX_LINES})`);
    valueGraph.set(from, valueGraph.get(from) ?? new Set());
    for (const ref of moduleReferences(file, text)) {
      if (!ref.specifier.startsWith('.')) continue;
      references++;
      const target = normalize(join(dirname(file), ref.specifier));
      const where = `${from}:${ref.line} -> ${ref.specifier}`;
      if (!target.startsWith(libDir + sep)) {
        violations.push(`${where} leaves lib/`);
        continue;
      }
      const targetTs = relative(root, target).replace(/\.js$/, '.ts');
      if (targetTs === join('lib', 'index.ts')) violations.push(`${where} imports the public API from inside lib/`);
      const toFolder = folderOf(target);
      if (fromFolder !== '' && toFolder !== fromFolder && !(allowed.get(fromFolder)?.has(toFolder) ?? false)) {
        violations.push(`${where}: lib/${fromFolder} may not import lib/${toFolder}${ref.typeOnly ? ' (not even for types)' : ''}`);
      }
      if (!ref.typeOnly) valueGraph.get(from)!.add(targetTs);
    }
  }
  t.ok(references > 200, `the lib/ sources were read (${references} relative references)`);
  t.same(violations, [], 'no import breaks the layering or the file-size limit');
  const cycle = findCycle(valueGraph);
  t.equal(cycle?.join(' -> '), undefined, 'no cycle of value imports between files');
});

t.test('docs/ARCHITECTURE.md names every folder of lib/', async (t) => {
  const doc = readFileSync(join(root, 'docs', 'ARCHITECTURE.md'), 'utf8');
  for (const folder of folders) t.match(doc, `lib/${folder}/`, `ARCHITECTURE.md names lib/${folder}/`);
});
