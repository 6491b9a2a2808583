/**
 * The native-addon loader (lib/binary/load.ts): its order, and a typed error
 * with what was found, what was expected and what to do for each way a
 * binary can be missing or wrong. Oracles: the order and error codes the
 * loader's contract states; the files are made here (a copy of this
 * checkout's addon, cut in half, or with its ELF e_machine patched to
 * AArch64; a PE header with its machine field set; a text file), so each
 * case is known by construction. Loading a real prebuilt runs in a child
 * process (a second copy of the addon in this one would start a second
 * thread pool).
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { binaryCandidates, loadBinary } from '../lib/binary/load.js';
import { describeHeader, readBinaryHeader } from '../lib/binary/header.js';
import { currentHost, platformTag, type Host } from '../lib/binary/platform.js';
import { BinaryLoadError } from '../lib/core/errors.js';
import { binding, loadedBinary, packageRoot } from '../lib/native/binding.js';

const exec = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'flowcast-loader-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
const built = join(packageRoot, 'build', 'Release', 'flowcast.node');
const host = currentHost();
const elfHost = host.platform === 'linux';

function write(name: string, bytes: Buffer | string): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

/** Runs loadBinary with only FLOWCAST_BINARY=path and returns the BinaryLoadError it must throw. */
function refusal(path: string, hostOverride?: Partial<Host>): BinaryLoadError {
  try {
    loadBinary({ root: tmp, env: { FLOWCAST_BINARY: path }, host: { ...host, ...hostOverride } });
  } catch (err) {
    if (err instanceof BinaryLoadError) return err;
    throw err;
  }
  throw new Error(`loadBinary accepted ${path}`);
}

t.test('this checkout loads its source build, and says so', async (t) => {
  binding();
  t.same(loadedBinary(), { origin: 'source', path: built, tag: platformTag(host) });
});

t.test('order: FLOWCAST_BINARY alone, else the source build, then the prebuilt for this platform', async (t) => {
  const root = '/pkg';
  t.same(binaryCandidates({ root, host, env: {} }), [
    { origin: 'source', path: join(root, 'build', 'Release', 'flowcast.node') },
    { origin: 'prebuilt', path: join(root, 'prebuilds', platformTag(host), 'flowcast.node') },
  ]);
  t.same(binaryCandidates({ root, host, env: { FLOWCAST_BINARY: '/x/y.node' } }), [{ origin: 'override', path: '/x/y.node' }]);
  t.equal(platformTag({ platform: 'linux', arch: 'arm64', libc: 'musl' }), 'linux-arm64-musl');
  t.equal(platformTag({ platform: 'linux', arch: 'x64', libc: 'glibc' }), 'linux-x64-gnu');
  t.equal(platformTag({ platform: 'win32', arch: 'x64', libc: null }), 'win32-x64');
});

t.test('no binary at all: ERR_FLOWCAST_NO_BINARY names the platform, arch, libc and Node, the paths tried and the fix', async (t) => {
  const err = refusal(join(tmp, 'missing.node'));
  t.equal(err.code, 'ERR_FLOWCAST_NO_BINARY');
  t.same(err.tried, [join(tmp, 'missing.node')]);
  t.equal(err.found, 'nothing');
  t.match(err.message, `${host.platform}-${host.arch}`);
  t.match(err.message, process.version);
  if (host.libc === 'glibc') t.match(err.message, `glibc ${host.glibcVersion}`);
  t.match(err.message, 'npx flowcast build-from-source');

  const freebsd = { platform: 'freebsd', arch: 'x64', libc: null, glibcVersion: null } as const;
  let other: unknown;
  try {
    loadBinary({ root: tmp, env: {}, host: { ...host, ...freebsd } });
  } catch (e) {
    other = e;
  }
  t.ok(other instanceof BinaryLoadError && other.code === 'ERR_FLOWCAST_NO_BINARY', 'freebsd: no binary');
  t.match((other as Error).message, /freebsd-x64 is not one of them/);
  t.same((other as BinaryLoadError).tried, [join(tmp, 'build', 'Release', 'flowcast.node'), join(tmp, 'prebuilds', 'freebsd-x64', 'flowcast.node')]);
});

t.test('a text file, a truncated binary: ERR_FLOWCAST_BINARY_INVALID', { skip: !elfHost && 'the fixtures are ELF files' }, async (t) => {
  const text = refusal(write('text.node', 'not a binary\n'));
  t.equal(text.code, 'ERR_FLOWCAST_BINARY_INVALID');
  t.match(text.found, /no known binary format \(13 bytes\)/);
  t.match(text.expected, `ELF ${host.arch} binary for ${platformTag(host)}`);

  const whole = readFileSync(built);
  const cut = refusal(write('cut.node', whole.subarray(0, whole.length >> 1)));
  t.equal(cut.code, 'ERR_FLOWCAST_BINARY_INVALID');
  t.match(cut.message, /is truncated: found ELF x64 binary, truncated/);
  t.match(cut.message, 'reinstall flowcast');
});

t.test('a binary for another architecture or OS: ERR_FLOWCAST_BINARY_MISMATCH, before dlopen sees it', { skip: !elfHost && 'the fixtures are ELF files' }, async (t) => {
  const arm = Buffer.from(readFileSync(built));
  arm.writeUInt16LE(host.arch === 'arm64' ? 0x3e : 0xb7, 18); // e_machine
  const other = host.arch === 'arm64' ? 'x64' : 'arm64';
  const wrongArch = refusal(write('other-arch.node', arm));
  t.equal(wrongArch.code, 'ERR_FLOWCAST_BINARY_MISMATCH');
  t.match(wrongArch.found, new RegExp(`^ELF ${other} binary`));
  t.match(wrongArch.expected, `ELF ${host.arch} binary for ${platformTag(host)}`);
  t.match(wrongArch.message, 'is built for another platform');

  // A minimal PE header: 'MZ', e_lfanew = 64, 'PE\0\0', Machine x64, no sections.
  const pe = Buffer.alloc(64 + 24);
  pe.write('MZ', 0, 'latin1');
  pe.writeUInt32LE(64, 0x3c);
  pe.writeUInt32LE(0x00004550, 64);
  pe.writeUInt16LE(0x8664, 68);
  const dll = refusal(write('windows.node', pe));
  t.equal(dll.code, 'ERR_FLOWCAST_BINARY_MISMATCH');
  t.match(dll.found, /^PE \(Windows DLL\) x64 binary/);
});

const otherArchPrebuilt = join(packageRoot, 'prebuilds', host.arch === 'arm64' ? 'linux-x64-gnu' : 'linux-arm64-gnu', 'flowcast.node');
t.test('FLOWCAST_BINARY at the real prebuilt for the other architecture (npm run package built it)', { skip: (!elfHost || !existsSync(otherArchPrebuilt)) && `no ${otherArchPrebuilt} (run npm run package)` }, async (t) => {
  const err = refusal(otherArchPrebuilt);
  t.equal(err.code, 'ERR_FLOWCAST_BINARY_MISMATCH');
  t.match(err.found, new RegExp(`^ELF ${host.arch === 'arm64' ? 'x64' : 'arm64'} binary \\(`));
  t.same(err.tried, [otherArchPrebuilt]);
});

t.test('the header reader names PE and Mach-O architectures', async (t) => {
  const pe = Buffer.alloc(64 + 24);
  pe.write('MZ', 0, 'latin1');
  pe.writeUInt32LE(64, 0x3c);
  pe.writeUInt32LE(0x00004550, 64);
  pe.writeUInt16LE(0xaa64, 68);
  t.same(readBinaryHeader(write('arm64.dll', pe)), { format: 'pe', arches: ['arm64'], truncated: false, size: pe.length });
  const macho = Buffer.alloc(32);
  macho.writeUInt32LE(0xfeedfacf, 0);
  macho.writeUInt32LE(0x0100000c, 4);
  t.equal(describeHeader(readBinaryHeader(write('arm64.dylib', macho))), 'Mach-O arm64 binary (32 bytes)');
  const cutMacho = Buffer.concat([macho, Buffer.alloc(4)]);
  cutMacho.writeUInt32LE(1, 16); // ncmds
  cutMacho.writeUInt32LE(72, 20); // sizeofcmds past the end
  t.equal(readBinaryHeader(write('cut.dylib', cutMacho)).truncated, true);
});

t.test('a Node without Node-API 8: ERR_FLOWCAST_NODE_UNSUPPORTED', async (t) => {
  const err = refusal(built, { napi: 7, node: 'v14.16.0' });
  t.equal(err.code, 'ERR_FLOWCAST_NODE_UNSUPPORTED');
  t.match(err.found, 'Node.js v14.16.0 with Node-API 7');
  t.match(err.message, 'Upgrade Node.js');
});

t.test('a glibc older than the prebuilt needs: ERR_FLOWCAST_BINARY_MISMATCH naming both versions', { skip: host.libc !== 'glibc' && 'glibc hosts only' }, async (t) => {
  const root = join(tmp, 'old-glibc');
  mkdirSync(join(root, 'prebuilds', platformTag(host)), { recursive: true });
  copyFileSync(built, join(root, 'prebuilds', platformTag(host), 'flowcast.node'));
  let err: unknown;
  try {
    loadBinary({ root, env: {}, host: { ...host, glibcVersion: '2.17' } });
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof BinaryLoadError && err.code === 'ERR_FLOWCAST_BINARY_MISMATCH');
  t.match((err as Error).message, /found glibc 2\.17, expected glibc 2\.28 or newer/);
});

t.test('a package with only prebuilds/<tag>/ loads the prebuilt (child process, from dist/)', async (t) => {
  const root = join(tmp, 'package');
  mkdirSync(join(root, 'prebuilds', platformTag(host)), { recursive: true });
  copyFileSync(built, join(root, 'prebuilds', platformTag(host), 'flowcast.node'));
  const program = `import { loadBinary } from ${JSON.stringify(join(packageRoot, 'dist', 'binary', 'load.js'))};
const b = loadBinary({ root: ${JSON.stringify(root)}, env: {} });
console.log(JSON.stringify({ origin: b.origin, path: b.path, isa: b.exports.isa() }));`;
  const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', program], { env: { ...process.env, FLOWCAST_BINARY: '' } });
  const r = JSON.parse(stdout) as { origin: string; path: string; isa: string };
  t.same({ origin: r.origin, path: r.path }, { origin: 'prebuilt', path: join(root, 'prebuilds', platformTag(host), 'flowcast.node') });
  t.equal(r.isa, binding().isa(), 'the same kernel table as in this process');
});
