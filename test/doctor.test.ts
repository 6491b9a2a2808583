/**
 * doctor() and `flowcast doctor`: the report's fields and types, and the
 * problems it finds. Oracles: this process itself (process.version,
 * process.platform / arch and the glibc Node's report header names, giving
 * the platform tag computed here rather than by lib/binary/platform.ts); the
 * file system (the binary path exists); GLIBC_FLOOR's 2.28 written out as
 * numbers; the loader's documented codes for a missing FLOWCAST_BINARY
 * (ERR_FLOWCAST_NO_BINARY) and a text file in its place
 * (ERR_FLOWCAST_BINARY_INVALID); and made-up facts for the problems this
 * machine does not have (a scalar table on an AVX2 CPU, one thread on 8
 * cores, a binary needing glibc 2.34 on 2.31, Node-API 7).
 */
import t, { type Test } from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { doctor, findProblems, formatDoctor, type DoctorReport } from '../lib/native/doctor.js';
import * as flowcast from '../lib/index.js';
import { CHILD_TIMEOUT_MS, cli } from './helpers/cli.js';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'flowcast-doctor-'));

t.before(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run 'npx tsc -p lib' (npm test does it first)`);
});
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

/** `flowcast doctor ...` in a child with `env` added; its exit status, stdout and stderr. */
async function doctorCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, 'doctor', ...args], { env: { ...process.env, ...env }, timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL' });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number | null; stdout: string; stderr: string };
    return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}

/** This host's tag from process.* alone: glibc when Node's report header names one, else musl. */
function tagHere(): string {
  if (process.platform !== 'linux') return `${process.platform}-${process.arch}`;
  const header = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header;
  return `linux-${process.arch}-${header.glibcVersionRuntime ? 'gnu' : 'musl'}`;
}

const str = (v: unknown) => typeof v === 'string';
const strOrNull = (v: unknown) => v === null || typeof v === 'string';

/** Every field the report promises, with its type. */
function checkShape(t: Test, r: DoctorReport, loaded: boolean): void {
  t.ok(str(r.flowcast.version) && str(r.flowcast.root), 'flowcast.version, root');
  const b = r.binary;
  t.ok(['prebuilt', 'source', 'override', 'wasm', null].includes(b.origin), `binary.origin: ${b.origin}`);
  t.ok(strOrNull(b.path), 'binary.path');
  t.equal(b.platform, tagHere(), 'binary.platform is this host\'s tag');
  for (const k of ['compiler', 'flags', 'buildType', 'link', 'target', 'system', 'glibcFloor', 'prebuilt'] as const) t.ok(strOrNull(b[k]), `binary.${k}: ${b[k]}`);
  t.ok(b.napi === null || Number.isInteger(b.napi), 'binary.napi');
  if (loaded) {
    t.equal(b.error, null, 'binary.error is null');
    for (const k of ['compiler', 'flags', 'buildType', 'link'] as const) t.ok(str(b[k]) && b[k]!.length > 0, `binary.${k} is a non-empty string`);
    t.ok(Number.isInteger(b.napi) && b.napi! >= 8, `binary.napi ${b.napi}`);
  } else {
    t.ok(b.error && str(b.error.code) && str(b.error.message) && Array.isArray(b.error.tried), 'binary.error: code, message, tried');
  }
  t.ok(strOrNull(r.isa.chosen) && Array.isArray(r.isa.available) && r.isa.available.every(str), 'isa.chosen, isa.available');
  t.same(Object.keys(r.isa.cpu).sort(), ['avx2', 'avx512bf16', 'avx512f', 'neon'], 'isa.cpu: cpuInfo().simd');
  t.ok(Object.values(r.isa.cpu).every((v) => typeof v === 'boolean'), 'isa.cpu flags are booleans');
  t.ok(r.threads === null || (Number.isInteger(r.threads) && r.threads >= 1), `threads ${r.threads}`);
  t.ok(strOrNull(r.backend.chosen) && Array.isArray(r.backend.available) && r.backend.available.every(str), 'backend.chosen, backend.available');
  t.equal(r.backend.chosen === null, !loaded, 'backend.chosen is null exactly when no binary loads');
  t.ok(str(r.cpu.vendor) && str(r.cpu.modelName) && strOrNull(r.cpu.microarchitecture) && Number.isInteger(r.cpu.cores), 'cpu');
  t.same(r.cuda, { built: false, available: false, reason: r.cuda.reason }, 'cuda: none built, none available');
  t.match(r.cuda.reason, /no CUDA backend/, 'cuda.reason says the build has none');
  t.ok(typeof r.onnxruntime.available === 'boolean' && strOrNull(r.onnxruntime.version), 'onnxruntime.available, version');
  t.ok(r.onnxruntime.error === null || (str(r.onnxruntime.error.code) && str(r.onnxruntime.error.message)), 'onnxruntime.error');
  t.equal(r.node.version, process.version, 'node.version');
  t.equal(r.node.napi, Number(process.versions.napi), 'node.napi');
  t.same([r.node.platform, r.node.arch], [process.platform, process.arch], 'node.platform, arch');
  t.ok([null, 'glibc', 'musl'].includes(r.node.libc) && strOrNull(r.node.glibcVersion), 'node.libc, glibcVersion');
  t.same(Object.keys(r.env).sort(), ['FLOWCAST_BINARY', 'FLOWCAST_ISA', 'FLOWCAST_THREADS'], 'env');
  t.ok(Array.isArray(r.problems), 'problems');
  for (const p of r.problems) {
    t.ok(str(p.id) && str(p.message) && str(p.fix) && p.fix.length > 0 && ['error', 'warning', 'info'].includes(p.severity), `problem ${p.id} has a message and a fix`);
  }
}

/** 'a.b' as numbers, compared with 2.28 (GLIBC_FLOOR) without lib's compareVersions. */
const atMost228 = (v: string) => {
  const [major, minor] = v.split('.').map(Number) as [number, number];
  return major < 2 || (major === 2 && minor <= 28);
};

t.test('doctor() on this machine: every field, with its type and value', async (t) => {
  const r = await doctor();
  checkShape(t, r, true);
  t.ok(r.binary.origin === 'source' || r.binary.origin === 'prebuilt', `a checkout loads a source build or the prebuilt (${r.binary.origin})`);
  t.ok(existsSync(r.binary.path!), `binary.path exists: ${r.binary.path}`);
  t.ok(r.isa.chosen !== null && r.isa.available.includes(r.isa.chosen), `isa.chosen ${r.isa.chosen} is one of ${r.isa.available}`);
  t.ok(r.isa.available.includes('scalar'), 'the scalar table is always available');
  if (process.platform === 'linux') {
    t.ok(r.binary.glibcFloor !== null && atMost228(r.binary.glibcFloor), `binary.glibcFloor ${r.binary.glibcFloor} <= 2.28`);
  } else {
    t.equal(r.binary.glibcFloor, null, 'no glibc off Linux');
  }
  t.notOk(r.problems.some((p) => p.severity === 'error'), `no errors here: ${JSON.stringify(r.problems)}`);
  t.equal(flowcast.doctor, doctor, 'exported from the package');
  t.equal(flowcast.formatDoctor, formatDoctor, 'formatDoctor too');

  const text = formatDoctor(r);
  t.ok(text.includes(r.binary.path!), 'the text names the binary path');
  t.match(text, new RegExp(`^isa +${r.isa.chosen} \\(available: ${r.isa.available.join(', ')}`, 'm'), 'and the ISA');
  t.equal(r.backend.chosen, r.backend.available[0], 'new models run on the first backend listed (the default)');
  t.ok(r.backend.available.includes('cpu'), `the CPU backend is always built (${r.backend.available})`);
  t.match(text, new RegExp(`^backend +${r.backend.chosen} \\(available: ${r.backend.available.join(', ')}\\)`, 'm'), 'and the backend');
});

t.test('flowcast doctor --json prints exactly the report; the text form and --strict', async (t) => {
  const json = await doctorCli(['--json']);
  t.equal(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as DoctorReport;
  checkShape(t, parsed, true);
  t.same(parsed, await doctor(), 'the same report as doctor() in this process (same binary, package root and environment)');

  const text = await doctorCli([]);
  t.equal(text.code, 0, 'a report exits 0 even with problems');
  t.equal(text.stdout, `${formatDoctor(parsed)}\n`, 'the text form');
  const strict = await doctorCli(['--strict']);
  const serious = parsed.problems.filter((p) => p.severity !== 'info').length;
  t.equal(strict.code, serious > 0 ? 1 : 0, `--strict: 1 when an error or warning is listed (${serious} of ${parsed.problems.length} here)`);
  t.match((await doctorCli(['--help'])).stdout, /^Usage: flowcast doctor \[--json\] \[--strict\]/, '--help');
  const help = await run(process.execPath, [cli, '--help']);
  t.match(help.stdout, /^ {2}doctor +\S/m, 'the CLI help lists it');
});

t.test('a FLOWCAST_BINARY that does not load is reported, not thrown', async (t) => {
  const missing = join(tmp, 'missing', 'flowcast.node');
  const text = join(tmp, 'flowcast.node');
  writeFileSync(text, 'not a shared object\n');
  for (const [path, code] of [[missing, 'ERR_FLOWCAST_NO_BINARY'], [text, 'ERR_FLOWCAST_BINARY_INVALID']] as const) {
    const r = await doctorCli(['--json'], { FLOWCAST_BINARY: path });
    t.equal(r.code, 0, `exit 0: ${r.stderr}`);
    const report = JSON.parse(r.stdout) as DoctorReport;
    checkShape(t, report, false);
    t.equal(report.binary.error?.code, code, `${code} for ${path === text ? 'a text file' : 'a missing file'}`);
    t.same(report.binary.error?.tried, [path], 'the loader tried only FLOWCAST_BINARY');
    t.equal(report.binary.path, path === text ? text : null, 'binary.path is the file that failed, null when none exists');
    t.equal(report.binary.origin, path === text ? 'override' : null, 'and its origin');
    t.same([report.isa.chosen, report.isa.available, report.threads], [null, [], null], 'no kernels, no threads');
    t.equal(report.env.FLOWCAST_BINARY, path, 'env names the override');
    const problem = report.problems.find((p) => p.id === 'binary-not-loaded');
    t.ok(problem, 'listed as a problem');
    t.equal(problem?.severity, 'error');
    t.match(problem?.message, code, 'naming the code');
    t.match(problem?.fix, /unset FLOWCAST_BINARY/, 'the fix says to unset the override');
    t.match(problem?.fix, /build it from source/, 'and keeps the loader\'s advice');
    t.equal(report.problems[0]?.id, 'binary-not-loaded', 'errors come first');
    const strict = await doctorCli(['--strict'], { FLOWCAST_BINARY: path });
    t.equal(strict.code, 1, '--strict exits 1');
    t.match(strict.stdout, new RegExp(`^binary +NOT LOADED: ${code}`, 'm'), 'the text form says so');
    t.match(strict.stdout, /\[error\] binary-not-loaded: /, 'and lists the problem');
  }
});

/** A healthy report's facts: a prebuilt on an AVX2 x64 Linux box with 8 cores. */
function healthy(): Omit<DoctorReport, 'problems'> {
  return {
    flowcast: { version: '0.1.0', root: '/pkg' },
    binary: {
      origin: 'prebuilt', path: '/pkg/prebuilds/linux-x64-gnu/flowcast.node', platform: 'linux-x64-gnu', napi: 8, compiler: 'GNU 12.2.0', flags: '-O3 -DNDEBUG',
      buildType: 'Release', link: 'static libstdc++', target: 'linux-x64-gnu', system: 'Linux-x86_64', glibcFloor: '2.27', prebuilt: '/pkg/prebuilds/linux-x64-gnu/flowcast.node', error: null,
    },
    isa: { chosen: 'avx2', available: ['scalar', 'avx2'], cpu: { avx2: true, avx512f: false, avx512bf16: false, neon: false } },
    threads: 8,
    backend: { chosen: 'cpu', available: ['cpu'] },
    cpu: { vendor: 'AMD', modelName: 'AMD EPYC', microarchitecture: 'Zen 3', cores: 8 },
    cuda: { built: false, available: false, reason: 'none' },
    onnxruntime: { available: true, version: '1.30.0', error: null },
    node: { version: 'v22.9.0', napi: 10, platform: 'linux', arch: 'x64', libc: 'glibc', glibcVersion: '2.36' },
    env: { FLOWCAST_BINARY: null, FLOWCAST_ISA: null, FLOWCAST_THREADS: null },
  };
}

const ids = (facts: Omit<DoctorReport, 'problems'>) => findProblems(facts).map((p) => `${p.severity}:${p.id}`);

t.test('findProblems: each check on made-up facts', async (t) => {
  t.same(ids(healthy()), [], 'a healthy prebuilt install has none');

  const scalar = { ...healthy(), isa: { ...healthy().isa, chosen: 'scalar', available: ['scalar'] } };
  t.same(ids(scalar), ['warning:isa-scalar'], 'scalar on an AVX2 CPU, a build without avx2');
  t.match(findProblems(scalar)[0]!.fix, /Report a bug/, 'a prebuilt without avx2 is a bug');
  const forced = { ...healthy(), isa: { ...healthy().isa, chosen: 'scalar' }, env: { ...healthy().env, FLOWCAST_ISA: 'scalar' } };
  t.same(ids(forced), ['info:isa-scalar'], 'FLOWCAST_ISA=scalar on purpose');
  t.match(findProblems(forced)[0]!.fix, /Unset FLOWCAST_ISA/);
  const ignored = { ...healthy(), env: { ...healthy().env, FLOWCAST_ISA: 'avx512' } };
  t.same(ids(ignored), ['warning:isa-override-ignored'], 'FLOWCAST_ISA naming a table this build lacks (dispatch.cc falls back)');
  t.same(ids({ ...healthy(), isa: { ...scalar.isa, cpu: { ...scalar.isa.cpu, avx2: false } } }), [], 'scalar on a CPU without AVX2 is all there is');

  t.same(ids({ ...healthy(), threads: 1 }), ['warning:threads-single'], 'one thread on 8 cores');
  t.same(ids({ ...healthy(), threads: 1, cpu: { ...healthy().cpu, cores: 1 } }), [], 'one thread on one core');
  t.same(ids({ ...healthy(), threads: 16 }), ['warning:threads-oversubscribed'], 'more threads than usable CPUs');

  const newGlibc = { ...healthy(), binary: { ...healthy().binary, glibcFloor: '2.34' }, node: { ...healthy().node, glibcVersion: '2.31' } };
  t.same(ids(newGlibc), ['error:glibc-too-old'], 'a binary needing glibc 2.34 on 2.31');
  t.same(ids({ ...newGlibc, binary: { ...newGlibc.binary, glibcFloor: '2.9' } }), [], '2.9 < 2.31: compared as numbers');

  t.same(ids({ ...healthy(), node: { ...healthy().node, napi: 7 } }), ['error:node-api-too-old'], 'Node-API 7');

  const source = { ...healthy(), binary: { ...healthy().binary, origin: 'source' as const, path: '/pkg/build/Release/flowcast.node' } };
  t.same(ids(source), ['info:source-over-prebuilt'], 'a source build beside a prebuilt');
  t.match(findProblems(source)[0]!.fix, /FLOWCAST_BINARY=\/pkg\/prebuilds\/linux-x64-gnu\/flowcast\.node|delete \/pkg\/build/);
  t.same(ids({ ...source, binary: { ...source.binary, prebuilt: null } }), [], 'a source build with no prebuilt for this platform');

  const noOrt = { ...healthy(), onnxruntime: { available: false, version: null, error: { code: 'ERR_FLOWCAST_MISSING_DEPENDENCY', message: 'not installed' } } };
  t.same(ids(noOrt), ['info:onnxruntime-missing'], 'onnxruntime-node not installed');
  t.match(findProblems(noOrt)[0]!.fix, /npm install onnxruntime-node/);
  const brokenOrt = { ...healthy(), onnxruntime: { available: false, version: '1.30.0', error: { code: 'ERR_DLOPEN_FAILED', message: 'libonnxruntime.so.1: cannot open' } } };
  t.same(ids(brokenOrt), ['warning:onnxruntime-broken'], 'installed but not loading');

  const all = { ...newGlibc, threads: 1, onnxruntime: noOrt.onnxruntime, binary: { ...source.binary, glibcFloor: '2.34' } };
  t.same(ids(all), ['error:glibc-too-old', 'warning:threads-single', 'info:source-over-prebuilt', 'info:onnxruntime-missing'], 'most serious first');
});
