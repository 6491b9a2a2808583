/**
 * The README runs as written, from the package as installed.
 *
 * Every ```ts block in README.md (indented ones too; ```ts fragment blocks are
 * skipped, and counted) is written to its own .mts file in a fresh project
 * that has the packed package in node_modules (test/helpers/packed.ts), type-
 * checked there by this checkout's TypeScript with strict options and
 * NodeNext modules (skipLibCheck off, so flowcast's shipped .d.ts are checked
 * too), and the emitted program run with node in its own folder.
 * Oracle: tsc's verdict (no diagnostics) and each program's exit status (0;
 * a throw or an unhandled rejection exits 1). tsc's diagnostics are reported
 * at their README line.
 *
 * Also the README's list of typed errors against lib/core/errors.ts (every code
 * and every exported error class is named), and its promise that a missing
 * addon is a FlowcastError with code ERR_FLOWCAST_NO_BINARY, on an install
 * whose addon is absent.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { install, pack, root, type Packed } from './helpers/packed.js';
import { datasets } from '../lib/index.js';

const exec = promisify(execFile);
const readme = readFileSync(join(root, 'README.md'), 'utf8');

interface Block {
  /** 1-based README line of the first line of code (after the fence). */
  line: number;
  code: string;
}

/** The README's ```ts blocks (fence indentation stripped) and how many ```ts fragment blocks were skipped. */
function tsBlocks(markdown: string): { blocks: Block[]; fragments: number } {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  let fragments = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, lang, rest] = open;
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() !== '```') j++;
    if (j === lines.length) throw new Error(`README.md:${i + 1}: unclosed code fence`);
    if (lang === 'ts' || lang === 'typescript') {
      if (rest === 'fragment') fragments++;
      else blocks.push({ line: i + 2, code: lines.slice(i + 1, j).map((l) => (l.startsWith(indent!) ? l.slice(indent!.length) : l)).join('\n') + '\n' });
    }
    i = j;
  }
  return { blocks, fragments };
}

const { blocks, fragments } = tsBlocks(readme);
const tmp = mkdtempSync(join(tmpdir(), 'flowcast-readme-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
const app = join(tmp, 'app');
let packed: Packed;
let installed: string;
t.before(async () => {
  packed = await pack(tmp);
  installed = await install(packed, app, ['onnxruntime-node', '@types/node']);
});

t.test('the README has ts programs, and no fragments', async (t) => {
  t.ok(blocks.length >= 3, `${blocks.length} ts blocks`);
  t.equal(fragments, 0, 'no ```ts fragment blocks');
});

t.test('every ts block type-checks (strict, NodeNext) and runs against the installed package', async (t) => {
  const files = blocks.map((_, k) => `readme-${k + 1}.mts`);
  blocks.forEach((b, k) => writeFileSync(join(app, files[k]!), b.code));
  const compilerOptions = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: false,
    types: ['node'],
    outDir: 'out',
  };
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }, null, 2));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await exec(process.execPath, [tsc, '-p', app, '--pretty', 'false'], { cwd: app, maxBuffer: 16 << 20 });
  } catch (err) {
    const out = (err as { stdout?: string }).stdout ?? String(err);
    // readme-K.mts(L,C): ... -> README.md:<line of L in block K>:C: ...
    const located = out.replace(/readme-(\d+)\.mts\((\d+),(\d+)\)/g, (_, k, l, c) => `README.md:${blocks[Number(k) - 1]!.line + Number(l) - 1}:${c}`);
    t.fail(`strict tsc rejects README code:\n${located}`);
    return;
  }
  for (const [k, b] of blocks.entries()) {
    const cwd = join(app, `run-${k + 1}`);
    mkdirSync(cwd);
    const program = join(app, 'out', files[k]!.replace(/\.mts$/, '.mjs'));
    try {
      const { stdout } = await exec(process.execPath, [program], { cwd, timeout: 90_000, killSignal: 'SIGKILL', maxBuffer: 16 << 20 });
      t.pass(`README.md:${b.line}: ran (${stdout.trim().split('\n').at(-1)})`);
    } catch (err) {
      const e = err as { code?: number; killed?: boolean; stderr?: string };
      t.fail(`README.md:${b.line}: the block ${e.killed ? 'timed out' : `exited with ${e.code}`}\n${e.stderr ?? err}`);
    }
  }
});

t.test("the installed CLI: --version, and datasets --path as --data (the README's baseline example)", async (t) => {
  const bin = (JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string>; version: string });
  const main = join(installed, bin.bin.flowcast!);
  t.match(readFileSync(main, 'utf8'), /^#!\/usr\/bin\/env node\n/, 'the bin starts with a node shebang');
  const run = (args: string[]) => exec(process.execPath, [main, ...args], { cwd: app, timeout: 90_000, maxBuffer: 16 << 20 });
  t.equal((await run(['--version'])).stdout, `${bin.version}\n`, 'flowcast --version');
  const path = (await run(['datasets', '--path', 'taylor'])).stdout.trim();
  t.equal(path, join(installed, 'data', 'taylor_electricity_halfhourly.csv.gz'), 'the path is inside the installed package');
  const scored = JSON.parse((await run(['baseline', '--data', path, '--time', 'time', '--column', 'demand_MW', '--period', '48', '--holdout', '48', '--fit-last', '672', '--json'])).stdout);
  // Oracle: the seasonal naive forecast of the last day is the day before it.
  const y = (await datasets.load('taylor')).getChild('demand_MW')!.toArray() as Float64Array;
  let se = 0;
  for (let i = y.length - 48; i < y.length; i++) se += (y[i]! - y[i - 48]!) ** 2;
  const snaive = (scored as { values: number; baselines: { method: string; rmse: number }[] }).baselines.find((b) => b.method === 'seasonal naive (m=48)');
  t.equal((scored as { values: number }).values, 4032, 'flowcast baseline reads all 4,032 values');
  t.ok(snaive && Math.abs(snaive.rmse - Math.sqrt(se / 48)) < 1e-9 * snaive.rmse, `seasonal naive RMSE ${snaive?.rmse} is the day-before error (1e-9 relative)`);
});

t.test("the README's list of typed errors names every code and error class", async (t) => {
  const errors = readFileSync(join(root, 'lib', 'core', 'errors.ts'), 'utf8');
  const union = /export type FlowcastErrorCode =([^;]+);/.exec(errors)![1]!;
  const codes = [...union.matchAll(/'(ERR_FLOWCAST_\w+)'/g)].map((m) => m[1]!);
  const classes = [...errors.matchAll(/export class (\w+Error)\b/g)].map((m) => m[1]!);
  t.ok(codes.length >= 9 && classes.includes('FlowcastError'), `${codes.length} codes, ${classes.length} classes`);
  const list = /- \*\*Errors\*\* are typed[\s\S]*?(?=\n- \*\*|\n\n)/.exec(readme)?.[0] ?? '';
  for (const name of [...codes, ...classes]) t.match(list, new RegExp(`\`${name}\``), `${name} is in the README's list`);
});

t.test('without its native addon, the installed package throws BinaryLoadError ERR_FLOWCAST_NO_BINARY', async (t) => {
  const app = join(tmp, 'no-addon');
  await install(packed, app, [], { addon: false });
  const program = `import { sequential, lstm, dense, FlowcastError } from 'flowcast';
try {
  sequential({ inputShape: [4, 1], layers: [lstm(2), dense(1)] });
  console.log('loaded');
} catch (err) {
  console.log(JSON.stringify({ flowcast: err instanceof FlowcastError, name: err.name, code: err.code, message: err.message }));
}
`;
  writeFileSync(join(app, 'check.mjs'), program);
  const { stdout } = await exec(process.execPath, [join(app, 'check.mjs')], { cwd: app, timeout: 60_000 });
  const result = JSON.parse(stdout) as { flowcast: boolean; name: string; code: string; message: string };
  t.same({ flowcast: result.flowcast, name: result.name, code: result.code }, { flowcast: true, name: 'BinaryLoadError', code: 'ERR_FLOWCAST_NO_BINARY' });
  t.match(result.message, /^Could not load flowcast's native addon: no binary for [\s\S]*npx flowcast build-from-source/, 'the message says what to do');
});
