#!/usr/bin/env node
// npm run package: every tarball a release publishes, into artifacts/.
//
// flowcast ships its binaries inside the one package (docs/PACKAGING.md says
// why): this script builds each platform's addon from a clean build folder
// (build-release/<tag>/, cross-compiling where the host is another platform),
// strips it, checks it (format and architecture from its header; on Linux
// the glibc floor, no libstdc++ symbol versions, nothing exported but
// Node-API's entry points), puts it at prebuilds/<tag>/flowcast.node, and
// packs the package with `npm pack`. artifacts/manifest.json lists every
// binary with its size, SHA-256, floor and where it was built.
//
// Usage:
//   node scripts/package.mjs [--targets a,b,...] [--prebuilds DIR] [--out DIR] [--jobs N]
//     --targets    tags to build here; default: every one this host can build
//                  (linux x64: linux-x64-gnu, linux-arm64-gnu, win32-x64;
//                  macOS: darwin-x64 and darwin-arm64)
//     --prebuilds  merge binaries built elsewhere (DIR/<tag>/flowcast.node,
//                  e.g. the macOS jobs of .github/workflows/release.yml); each
//                  is checked like the ones built here
//     --no-pack    build and check the binaries only
//
// Toolchains (Debian): g++ (linux-x64-gnu), g++-aarch64-linux-gnu
// (linux-arm64-gnu), g++-mingw-w64-x86-64-posix (win32-x64); cmake >= 3.18.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { readBinaryHeader, describeHeader, FORMAT_OF_PLATFORM } = await import(join(root, 'dist/binary/header.js'));
const { readElfDynamicInfo, newestVersion } = await import(join(root, 'dist/binary/elf-symbols.js'));
const { readPeImports } = await import(join(root, 'dist/binary/pe-imports.js'));
const { compareVersions, PREBUILT_TARGETS, GLIBC_FLOOR } = await import(join(root, 'dist/binary/platform.js'));
const { cmakeBuild, runTool } = await import(join(root, 'dist/binary/source-build.js'));

/**
 * How each tag is built. `toolchain`: a CMake toolchain file, used when the
 * host is not already that platform; `strip`: the command that removes
 * symbols (the debug info is kept in build-release/<tag>/).
 */
const BUILDS = {
  'linux-x64-gnu': { host: 'linux-x64', toolchain: 'cmake/toolchains/linux-x64-gnu.cmake', strip: ['x86_64-linux-gnu-strip', '--strip-unneeded'], hostStrip: ['strip', '--strip-unneeded'] },
  'linux-arm64-gnu': { host: 'linux-arm64', toolchain: 'cmake/toolchains/linux-arm64-gnu.cmake', strip: ['aarch64-linux-gnu-strip', '--strip-unneeded'], hostStrip: ['strip', '--strip-unneeded'] },
  'win32-x64': {
    host: 'win32-x64',
    toolchain: 'cmake/toolchains/win32-x64.cmake',
    // MinGW links against an import library made from node-api-headers' def file (node.exe's exports).
    cmake: [`-DFLOWCAST_NODE_API_DEF=${require('node-api-headers').def_paths.node_api_def}`],
    strip: null, // linked with -s (CMakeLists.txt): strip(1) would write the time into the PE header
    hostStrip: null,
  },
  'darwin-x64': { host: 'darwin-x64', cmake: ['-DCMAKE_OSX_ARCHITECTURES=x86_64', '-DCMAKE_OSX_DEPLOYMENT_TARGET=11.0'], strip: ['strip', '-x'], hostStrip: ['strip', '-x'] },
  'darwin-arm64': { host: 'darwin-arm64', cmake: ['-DCMAKE_OSX_ARCHITECTURES=arm64', '-DCMAKE_OSX_DEPLOYMENT_TARGET=11.0'], strip: ['strip', '-x'], hostStrip: ['strip', '-x'] },
};

/** Libraries a Linux binary may need: the C library, libm and libgcc_s, all there wherever Node runs. */
const LINUX_NEEDED = new Set(['libc.so.6', 'libm.so.6', 'libgcc_s.so.1', 'libpthread.so.0', 'libdl.so.2', 'ld-linux-x86-64.so.2', 'ld-linux-aarch64.so.1']);
const NAPI_EXPORTS = ['napi_register_module_v1', 'node_api_module_get_api_version_v1'];
/** DLLs every Windows 10+ has, and node.exe (Node-API). Never the MinGW runtime's. */
const WINDOWS_DLLS = /^(node\.exe|kernel32\.dll|msvcrt\.dll|advapi32\.dll|user32\.dll|ws2_32\.dll|bcrypt\.dll|ntdll\.dll|api-ms-win-[a-z0-9-]+\.dll)$/i;

function defaultTargets() {
  if (process.platform === 'linux' && process.arch === 'x64') return ['linux-x64-gnu', 'linux-arm64-gnu', 'win32-x64'];
  if (process.platform === 'linux' && process.arch === 'arm64') return ['linux-arm64-gnu'];
  if (process.platform === 'darwin') return ['darwin-x64', 'darwin-arm64'];
  if (process.platform === 'win32') return ['win32-x64'];
  return [];
}

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Builds one tag into build-release/<tag> and returns the stripped binary's path. */
function build(tag, jobs) {
  const spec = BUILDS[tag];
  if (!spec) throw new Error(`--targets: unknown tag '${tag}'; known: ${Object.keys(BUILDS).join(', ')}`);
  const dir = join(root, 'build-release', tag);
  rmSync(dir, { recursive: true, force: true });
  const native = `${process.platform}-${process.arch}` === spec.host;
  if (!native && !spec.toolchain) throw new Error(`${tag} cannot be built on ${process.platform}-${process.arch}: build it on ${spec.host} and pass it with --prebuilds`);
  const out = cmakeBuild({
    root,
    buildDir: dir,
    includeDirs: [require('node-api-headers').include_dir, resolve(root, require('node-addon-api').include_dir.replace(/^"|"$/g, ''))],
    target: tag,
    toolchain: native ? undefined : join(root, spec.toolchain),
    defines: spec.cmake ?? [],
    jobs,
  });
  const stripped = join(dir, 'flowcast.stripped.node');
  cpSync(out, stripped);
  const strip = native ? spec.hostStrip : spec.strip;
  if (strip) runTool(strip[0], [...strip.slice(1), stripped], root);
  return stripped;
}

/** Checks a binary for `tag`; returns what the manifest records. Throws on any violation. */
function check(tag, path) {
  const target = PREBUILT_TARGETS.find((t) => t.tag === tag);
  if (!target) throw new Error(`${path}: '${tag}' is not a platform flowcast ships (lib/binary/platform.ts)`);
  const header = readBinaryHeader(path);
  const format = FORMAT_OF_PLATFORM[target.platform];
  if (header.format !== format || header.truncated || !header.arches.includes(target.arch)) {
    throw new Error(`${path}: found ${describeHeader(header)}, expected a ${format} ${target.arch} binary for ${tag}`);
  }
  const record = { tag, bytes: header.size, sha256: sha256(path), glibcFloor: null };
  if (format === 'elf') {
    const info = readElfDynamicInfo(path);
    const glibc = newestVersion(info, 'GLIBC_');
    const cxx = [newestVersion(info, 'GLIBCXX_'), newestVersion(info, 'CXXABI_')].filter(Boolean);
    const extra = info.needed.filter((lib) => !LINUX_NEEDED.has(lib));
    const exported = info.exports.filter((name) => !NAPI_EXPORTS.includes(name));
    const problems = [
      glibc && compareVersions(glibc, target.glibcFloor) > 0 ? `needs GLIBC_${glibc}, above the floor ${target.glibcFloor} (native/compat/glibc_floor.cc)` : null,
      cxx.length ? `needs libstdc++ symbol versions (${cxx.join(', ')}): libstdc++ must be linked statically` : null,
      extra.length ? `needs libraries that are not everywhere: ${extra.join(', ')}` : null,
      exported.length ? `exports more than Node-API's entry points: ${exported.slice(0, 5).join(', ')}${exported.length > 5 ? ', ...' : ''}` : null,
    ].filter(Boolean);
    if (problems.length) throw new Error(`${path} (${tag}):\n- ${problems.join('\n- ')}`);
    record.glibcFloor = glibc;
  }
  if (format === 'pe') {
    const { dlls, exports } = readPeImports(path);
    const extra = dlls.filter((dll) => !WINDOWS_DLLS.test(dll));
    const exported = exports.filter((name) => !NAPI_EXPORTS.includes(name));
    const problems = [
      extra.length ? `imports DLLs a plain Windows lacks: ${extra.join(', ')} (link the MinGW runtime statically)` : null,
      !dlls.some((dll) => /^node\.exe$/i.test(dll)) ? 'does not import Node-API from node.exe' : null,
      exported.length ? `exports more than Node-API's entry points: ${exported.slice(0, 5).join(', ')}` : null,
    ].filter(Boolean);
    if (problems.length) throw new Error(`${path} (${tag}):\n- ${problems.join('\n- ')}`);
    record.imports = dlls;
  }
  return record;
}

function main() {
  const { values } = parseArgs({
    options: {
      targets: { type: 'string' },
      prebuilds: { type: 'string' },
      out: { type: 'string', default: 'artifacts' },
      jobs: { type: 'string', default: '2' },
      'no-pack': { type: 'boolean', default: false },
    },
  });
  const targets = values.targets ? values.targets.split(',').map((s) => s.trim()).filter(Boolean) : defaultTargets();
  const jobs = Number(values.jobs);
  if (!(Number.isInteger(jobs) && jobs >= 1)) throw new Error(`--jobs: expected a positive integer, received '${values.jobs}'`);
  const prebuilds = join(root, 'prebuilds');
  rmSync(prebuilds, { recursive: true, force: true });
  const records = [];
  for (const tag of targets) {
    const started = Date.now();
    const binary = build(tag, jobs);
    const record = check(tag, binary);
    mkdirSync(join(prebuilds, tag), { recursive: true });
    cpSync(binary, join(prebuilds, tag, 'flowcast.node'));
    records.push({ ...record, origin: `built here (${process.platform}-${process.arch}) in ${((Date.now() - started) / 1000).toFixed(0)} s` });
    console.log(`${tag}: ${record.bytes.toLocaleString('en-US')} bytes${record.glibcFloor ? `, glibc >= ${record.glibcFloor}` : ''}`);
  }
  if (values.prebuilds) {
    for (const tag of readdirSync(values.prebuilds)) {
      const file = join(values.prebuilds, tag, 'flowcast.node');
      if (!existsSync(file) || targets.includes(tag)) continue;
      const record = check(tag, file);
      mkdirSync(join(prebuilds, tag), { recursive: true });
      cpSync(file, join(prebuilds, tag, 'flowcast.node'));
      records.push({ ...record, origin: `merged from ${values.prebuilds}` });
      console.log(`${tag}: ${record.bytes.toLocaleString('en-US')} bytes (merged)`);
    }
  }
  const missing = PREBUILT_TARGETS.map((t) => t.tag).filter((tag) => !records.some((r) => r.tag === tag));
  if (missing.length) console.log(`not in this package: ${missing.join(', ')} (built by .github/workflows/release.yml on their own runners)`);
  if (values['no-pack']) return;

  const out = resolve(root, values.out);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const [info] = JSON.parse(packed.stdout);
  const tarball = join(out, info.filename);
  const manifest = {
    name: info.name,
    version: info.version,
    tarballs: [{ file: info.filename, bytes: statSync(tarball).size, unpackedBytes: info.unpackedSize, sha256: sha256(tarball), files: info.entryCount }],
    prebuilds: records,
    missing,
    glibcFloorPromised: GLIBC_FLOOR,
  };
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  writeFileSync(join(out, 'SHA256SUMS'), manifest.tarballs.map((t) => `${t.sha256}  ${t.file}\n`).join(''));
  console.log(`${tarball}: ${manifest.tarballs[0].bytes.toLocaleString('en-US')} bytes (${info.unpackedSize.toLocaleString('en-US')} unpacked), ${records.length} binaries`);
}

try {
  main();
} catch (err) {
  console.error(`package: ${err.message}`);
  process.exit(1);
}
