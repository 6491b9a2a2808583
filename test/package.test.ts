/**
 * The package as published: what `npm pack` puts in the tarball.
 * Oracles: the MIT license text with the project's copyright line; the
 * README's own image links (each must be a relative path to a file in the
 * tarball); every source map in the tarball (each source it names, resolved
 * against the map's folder and sourceRoot, must be a file in the tarball, and
 * each compiled file's sourceMappingURL must name a map that is there); the
 * data files the datasets catalogue names; and a stack trace under
 * --enable-source-maps from an installed copy (every frame in the package
 * must name a shipped .ts file).
 */
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { install, pack, type Packed } from './helpers/packed.js';
import { datasets } from '../lib/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'flowcast-package-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
let packed: Packed;
t.before(async () => {
  packed = await pack(tmp);
});

const has = (path: string) => packed.files.includes(path);

t.test('LICENSE: MIT, the flowcast authors, 2026', async (t) => {
  t.ok(has('LICENSE'), 'LICENSE is in the tarball');
  const text = readFileSync(join(packed.dir, 'LICENSE'), 'utf8');
  t.match(text, /^MIT License\n\nCopyright \(c\) 2026 the flowcast authors\n/, 'title and copyright line');
  t.match(text, /Permission is hereby granted, free of charge/, 'the MIT grant');
  t.equal(JSON.parse(readFileSync(join(packed.dir, 'package.json'), 'utf8')).license, 'MIT', 'package.json says MIT');
});

t.test("the README's pictures resolve inside the package", async (t) => {
  const readme = readFileSync(join(packed.dir, 'README.md'), 'utf8');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((m) => m[1]!);
  t.ok(images.length >= 2, `the README shows pictures (${images.join(', ')})`);
  for (const src of images) {
    t.notMatch(src, /^(\/|[a-z]+:)/i, `${src} is a relative link`);
    t.ok(has(posix.normalize(src)), `${src} is in the tarball`);
  }
});

t.test('source maps name sources that are in the package', async (t) => {
  const maps = packed.files.filter((f) => f.endsWith('.js.map'));
  const compiled = packed.files.filter((f) => f.endsWith('.js') && f.startsWith('dist/'));
  t.ok(maps.length > 50 && maps.length === compiled.length, `a map per compiled file (${maps.length} maps, ${compiled.length} .js)`);
  let missing = 0;
  for (const map of maps) {
    const { sources, sourceRoot } = JSON.parse(readFileSync(join(packed.dir, map), 'utf8')) as { sources: string[]; sourceRoot?: string };
    for (const s of sources) {
      const path = posix.normalize(posix.join(posix.dirname(map), sourceRoot ?? '', s));
      if (!has(path) && missing++ < 5) t.fail(`${map} names ${s}, which resolves to ${path}: not in the tarball`);
    }
  }
  t.equal(missing, 0, 'every source every map names is shipped');
  let unmapped = 0;
  for (const js of compiled) {
    const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(packed.dir, js), 'utf8'))?.[1];
    if (!(url && has(posix.join(posix.dirname(js), url))) && unmapped++ < 5) t.fail(`${js}: sourceMappingURL ${url} is not in the tarball`);
  }
  t.equal(unmapped, 0, "every compiled file's sourceMappingURL names a shipped map");
  t.ok(existsSync(join(packed.dir, 'lib', 'index.ts')), 'lib/index.ts is unpacked where dist/index.js.map points');
});

t.test('with --enable-source-maps, stack traces from the installed package name shipped lib/*.ts files', async (t) => {
  const app = join(tmp, 'app');
  const installed = await install(packed, app);
  writeFileSync(join(app, 'throw.mjs'), "import { datasets } from 'flowcast';\ntry { datasets.path('nope'); } catch (err) { console.log(err.stack); }\n");
  const { stdout } = await promisify(execFile)(process.execPath, ['--enable-source-maps', join(app, 'throw.mjs')], { cwd: app });
  const frames = [...stdout.matchAll(/\(?((?:file:\/\/)?\/[^():\s]+):(\d+):\d+\)?$/gm)].map((m) => m[1]!.replace(/^file:\/\//, ''));
  const ours = frames.filter((f) => f.startsWith(installed));
  if (!t.ok(ours.some((f) => f === join(installed, 'lib', 'data', 'datasets.ts')), 'a frame in lib/data/datasets.ts')) t.comment(stdout);
  for (const f of ours) t.ok(f.endsWith('.ts') && existsSync(f), `${f.slice(installed.length + 1)} is a shipped source`);
});

t.test('what the package needs at install and run time is there; the test suite is not', async (t) => {
  for (const f of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'CMakeLists.txt', 'native/addon/addon.cc']) {
    t.ok(has(f), f);
  }
  for (const d of datasets.list()) t.ok(has(`data/${d.file}`), `data/${d.file} (${d.name})`);
  t.notOk(packed.files.some((f) => f.startsWith('test/') || f.startsWith('build/') || f.startsWith('node_modules/')), 'no test/, build/ or node_modules/');
  t.notOk(has('lib/tsconfig.json'), 'no lib/tsconfig.json (it extends a tsconfig the package does not ship)');
  t.ok(dirname(packed.tarball) === tmp && packed.files.length > 100, `${packed.files.length} files`);
});
