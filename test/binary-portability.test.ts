/**
 * The Linux binaries stay portable: what each one needs from the system is
 * read from the file itself (lib/binary/elf-symbols.ts), so a new reference
 * above the glibc floor, a libstdc++ symbol version or a leaked export fails
 * here instead of on a user's machine. Checked: this checkout's build
 * (build/Release/flowcast.node, built with the same CMake options as a
 * release) and every Linux binary `npm run package` left in prebuilds/.
 * Oracles: the floor the README promises (GLIBC_FLOOR, 2.28: Node 20's own),
 * the libraries present wherever Node runs (libc, libm, libgcc_s, the dynamic
 * loader), Node-API's two entry points; and, for the reader itself, binutils'
 * `objdump -T` on the same file where it is installed.
 */
import t from 'tap';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { newestVersion, readElfDynamicInfo } from '../lib/binary/elf-symbols.js';
import { compareVersions, GLIBC_FLOOR } from '../lib/binary/platform.js';
import { packageRoot } from '../lib/native/binding.js';

const exec = promisify(execFile);
const SYSTEM_LIBRARIES = ['libc.so.6', 'libm.so.6', 'libgcc_s.so.1', 'libpthread.so.0', 'libdl.so.2', 'ld-linux-x86-64.so.2', 'ld-linux-aarch64.so.1'];
const NAPI_EXPORTS = ['napi_register_module_v1', 'node_api_module_get_api_version_v1'];

const binaries: string[] = [];
if (process.platform === 'linux') binaries.push(join(packageRoot, 'build', 'Release', 'flowcast.node'));
const prebuilds = join(packageRoot, 'prebuilds');
if (existsSync(prebuilds)) {
  for (const tag of readdirSync(prebuilds).filter((d) => d.startsWith('linux-'))) {
    const file = join(prebuilds, tag, 'flowcast.node');
    if (existsSync(file)) binaries.push(file);
  }
}

t.test('the Linux binaries', { skip: binaries.length === 0 && 'no Linux binary here' }, async (t) => {
  for (const file of binaries) {
    t.test(file.slice(packageRoot.length + 1), async (t) => {
      const info = readElfDynamicInfo(file);
      const glibc = newestVersion(info, 'GLIBC_');
      t.ok(glibc !== null && compareVersions(glibc, GLIBC_FLOOR) <= 0, `needs glibc ${glibc}, at most ${GLIBC_FLOOR}`);
      t.equal(newestVersion(info, 'GLIBCXX_'), null, 'no GLIBCXX_ versions (libstdc++ is linked in)');
      t.equal(newestVersion(info, 'CXXABI_'), null, 'no CXXABI_ versions');
      t.same(info.needed.filter((lib) => !SYSTEM_LIBRARIES.includes(lib)), [], `NEEDED only system libraries: ${info.needed.join(', ')}`);
      t.same([...info.exports].sort(), NAPI_EXPORTS, 'exports only Node-API entry points');
      const stray = info.imports.filter((s) => !s.version && !s.weak && !/^(napi|node_api)_/.test(s.name));
      t.same(stray.map((s) => s.name), [], 'every strong import is versioned (from the C library) or Node-API');
    });
  }
});

const hasObjdump = spawnSync('objdump', ['--version'], { stdio: 'ignore' }).status === 0;
t.test('the ELF reader agrees with objdump -T', { skip: (binaries.length === 0 && 'no Linux binary') || (!hasObjdump && 'objdump (binutils) is not installed') }, async (t) => {
  const objdump = (await exec('objdump', ['-T', binaries[0]!], { maxBuffer: 16 << 20 })).stdout;
  const fromObjdump = new Map<string, string>();
  for (const line of objdump.split('\n')) {
    const m = /\*UND\*\s+\S+\s+\(?([A-Z_]+[0-9.]+|Base)\)?\s+(\S+)$/.exec(line.trim());
    if (m) fromObjdump.set(m[2]!, m[1] === 'Base' ? '' : m[1]!);
  }
  const info = readElfDynamicInfo(binaries[0]!);
  t.ok(fromObjdump.size > 50, `objdump lists ${fromObjdump.size} imports`);
  t.same(new Map(info.imports.map((s) => [s.name, s.version ?? ''])), fromObjdump, 'same imports with the same versions');
});
