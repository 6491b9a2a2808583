/**
 * `flowcast build-from-source`: compiles the native addon for this machine
 * inside the installed package (build/Release/flowcast.node, which the
 * loader prefers over the shipped prebuilt). Installing flowcast never
 * compiles anything; this is the explicit way for a platform without a
 * prebuilt (or to build with another compiler).
 *
 * Steps: check for cmake >= 3.18 and a C++17 compiler (and say which is
 * missing before doing anything); find the two header-only packages the
 * build needs (node-api-headers, node-addon-api) next to the package, or
 * install them into build/tools/ at the versions package.json's
 * devDependencies pin (never into the user's project or lockfile); build
 * with CMake as a release does (lib/binary/source-build.ts); load the result
 * once to prove it works.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { cmakeBuild } from '../binary/source-build.js';
import { BinaryLoadError, MissingDependencyError } from '../core/errors.js';
import { packageRoot } from '../native/binding.js';
import { parseOptions } from './options.js';

export const BUILD_HELP = `Usage: flowcast build-from-source [--dry-run]

Compiles flowcast's native addon for this machine, inside the installed
package (build/Release/flowcast.node; the loader then prefers it to the
shipped binary). Needs cmake >= 3.18 and a C++17 compiler (g++ 8+, clang 7+,
MSVC 2019+); fetches the header-only packages node-api-headers and
node-addon-api into the package's build/tools/ if they are missing (from the
npm registry; your project and lockfile are not touched).

Options:
  --dry-run           check the tools and print the steps without running them`;

const HEADER_PACKAGES = ['node-api-headers', 'node-addon-api'];

/** The first `--version` line of `cmd`, or null when it does not run. */
function versionOf(cmd: string): string | null {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  return r.status === 0 ? (r.stdout.split('\n')[0] ?? '').trim() : null;
}

/** The build failed: there is no binary, and the output above says why. */
function buildFailed(message: string, built: string): BinaryLoadError {
  return new BinaryLoadError('ERR_FLOWCAST_NO_BINARY', `build-from-source: ${message}; the output above says why`, { found: 'a failed build', expected: built, tried: [built] });
}

/** What is missing for a source build, as messages with their fix. */
function missingTools(): string[] {
  const missing: string[] = [];
  const cmake = versionOf('cmake');
  const v = /(\d+)\.(\d+)/.exec(cmake ?? '');
  if (!cmake) missing.push('cmake is not on PATH (install cmake >= 3.18: apt-get install cmake, brew install cmake, or pip install cmake)');
  else if (v && (Number(v[1]) < 3 || (Number(v[1]) === 3 && Number(v[2]) < 18))) missing.push(`cmake is too old: found '${cmake}', expected 3.18 or newer`);
  if (process.platform !== 'win32') {
    const cxx = [process.env.CXX, 'c++', 'g++', 'clang++'].filter((c): c is string => !!c).find((c) => versionOf(c));
    if (!cxx) missing.push('no C++ compiler on PATH (CXX, c++, g++ or clang++): apt-get install g++, or xcode-select --install');
  }
  return missing;
}

/** The devDependencies ranges package.json pins for the header packages. */
function pinnedVersions(): string[] {
  const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  return HEADER_PACKAGES.map((name) => `${name}@${manifest.devDependencies?.[name] ?? 'latest'}`);
}

/** A require that resolves from `dir`, or null when `name` is not there. */
function resolveFrom(dir: string, name: string): NodeJS.Require | null {
  const require = createRequire(join(dir, 'package.json'));
  try {
    require.resolve(`${name}/package.json`);
    return require;
  } catch {
    return null;
  }
}

/** node-api-headers' and node-addon-api's include dirs. */
function includeDirs(from: NodeJS.Require): string[] {
  const headers = from('node-api-headers') as { include_dir: string };
  const addon = from('node-addon-api') as { include_dir: string };
  return [resolve(headers.include_dir), resolve(addon.include_dir.replace(/"/g, ''))];
}

export async function buildCommand(argv: string[]): Promise<void> {
  const { values } = parseOptions({ args: argv, options: { 'dry-run': { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) return void console.log(BUILD_HELP);
  const dryRun = values['dry-run'] === true;
  const missing = missingTools();
  if (missing.length) {
    throw new MissingDependencyError(missing[0]!.startsWith('cmake') ? 'cmake' : 'a C++ compiler', `build-from-source cannot start:\n${missing.map((m) => `- ${m}`).join('\n')}`);
  }
  console.log(`Building flowcast's addon in ${packageRoot}`);
  const tools = join(packageRoot, 'build', 'tools');
  let from = HEADER_PACKAGES.every((name) => resolveFrom(packageRoot, name)) ? resolveFrom(packageRoot, HEADER_PACKAGES[0]!) : null;
  if (!from && HEADER_PACKAGES.every((name) => resolveFrom(tools, name))) from = resolveFrom(tools, HEADER_PACKAGES[0]!);
  if (!from) {
    const args = ['install', '--prefix', tools, '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', ...pinnedVersions()];
    console.log(`Fetching the Node-API headers into ${tools}\n  $ npm ${args.join(' ')}`);
    if (dryRun) return;
    mkdirSync(tools, { recursive: true });
    const r = spawnSync('npm', args, { stdio: 'inherit', shell: process.platform === 'win32' });
    if (r.status !== 0) throw buildFailed(`npm could not fetch ${pinnedVersions().join(', ')} (exit status ${r.status})`, tools);
    from = resolveFrom(tools, HEADER_PACKAGES[0]!);
    if (!from || !resolveFrom(tools, HEADER_PACKAGES[1]!)) throw buildFailed(`npm finished but ${tools} lacks ${HEADER_PACKAGES.join(' or ')}`, tools);
  }
  // build/source holds CMake's files; the loader's build/Release/ gets only the addon.
  const buildDir = join(packageRoot, 'build', 'source');
  const built = join(packageRoot, 'build', 'Release', 'flowcast.node');
  const build = { root: packageRoot, buildDir, includeDirs: includeDirs(from) };
  if (dryRun) {
    console.log(`Would build with CMake in ${buildDir} (CMAKE_JS_INC=${build.includeDirs.join(';')}) and copy the addon to ${built}`);
    return;
  }
  try {
    const out = cmakeBuild(build);
    mkdirSync(dirname(built), { recursive: true });
    copyFileSync(out, built);
  } catch (err) {
    throw buildFailed((err as Error).message, built);
  }
  const check = spawnSync(process.execPath, ['-e', `const b = require(${JSON.stringify(built)}); console.log(b.isa())`], { encoding: 'utf8' });
  if (check.status !== 0) {
    throw new BinaryLoadError('ERR_FLOWCAST_BINARY_INVALID', `build-from-source: ${built} was built but does not load:\n${check.stderr}`, { found: 'a binary that does not load', expected: 'a loadable flowcast addon', tried: [built] });
  }
  console.log(`Built ${built} (kernel table ${check.stdout.trim()}); flowcast now loads it instead of the shipped binary.`);
}
