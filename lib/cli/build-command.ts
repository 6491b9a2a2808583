/**
 * `flowcast build-from-source`: compiles the native addon for this machine
 * inside the installed package (build/Release/flowcast.node, which the
 * loader prefers over the shipped prebuilt). Installing flowcast never
 * compiles anything; this is the explicit way for a platform without a
 * prebuilt (or to build with another compiler).
 *
 * Steps: check for cmake >= 3.18 and a C++17 compiler (and say which is
 * missing before doing anything), install the build-only packages next to
 * the package when they are not there (cmake-js, node-addon-api,
 * node-api-headers at the versions package.json's devDependencies pin;
 * `npm install --no-save`, so the user's lockfile is untouched), run
 * `cmake-js compile`, and load the result once to prove it works.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { FlowcastError } from '../errors.js';
import { packageRoot } from '../native.js';
import { parseOptions } from './options.js';

export const BUILD_HELP = `Usage: flowcast build-from-source [--dry-run]

Compiles flowcast's native addon for this machine, inside the installed
package (build/Release/flowcast.node; the loader then prefers it to the
shipped binary). Needs cmake >= 3.18 and a C++17 compiler (g++ 8+, clang 7+,
MSVC 2019+); installs cmake-js, node-addon-api and node-api-headers next to
the package if they are missing (npm install --no-save, from the registry).

Options:
  --dry-run           print the steps without running them`;

const BUILD_PACKAGES = ['cmake-js', 'node-addon-api', 'node-api-headers'];

/** The first `--version` line of `cmd`, or null when it does not run. */
function versionOf(cmd: string): string | null {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  return r.status === 0 ? (r.stdout.split('\n')[0] ?? '').trim() : null;
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

/** The devDependencies ranges package.json pins for the build-only packages. */
function pinnedVersions(): string[] {
  const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  return BUILD_PACKAGES.map((name) => `${name}@${manifest.devDependencies?.[name] ?? 'latest'}`);
}

function resolvable(name: string): boolean {
  try {
    createRequire(join(packageRoot, 'package.json')).resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
}

function step(description: string, cmd: string, args: string[], dryRun: boolean): void {
  console.log(`${description}\n  $ ${[cmd, ...args].join(' ')}`);
  if (dryRun) return;
  const r = spawnSync(cmd, args, { cwd: packageRoot, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    throw new FlowcastError('ERR_FLOWCAST_NO_BINARY', `build-from-source: '${[cmd, ...args].join(' ')}' failed (${r.error?.message ?? `exit status ${r.status}`}); the output above says why`);
  }
}

export async function buildCommand(argv: string[]): Promise<void> {
  const { values } = parseOptions({ args: argv, options: { 'dry-run': { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) return void console.log(BUILD_HELP);
  const dryRun = values['dry-run'] === true;
  const missing = missingTools();
  if (missing.length) {
    throw new FlowcastError('ERR_FLOWCAST_NO_BINARY', `build-from-source cannot start:\n${missing.map((m) => `- ${m}`).join('\n')}`);
  }
  console.log(`Building flowcast's addon in ${packageRoot}`);
  const absent = BUILD_PACKAGES.filter((name) => !resolvable(name));
  if (absent.length) {
    const pins = pinnedVersions().filter((spec) => absent.some((name) => spec.startsWith(`${name}@`)));
    step(`Installing the build-only packages (${absent.join(', ')})`, 'npm', ['install', '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', ...pins], dryRun);
  }
  const cmakeJs = dryRun && absent.includes('cmake-js') ? 'node_modules/cmake-js/bin/cmake-js' : createRequire(join(packageRoot, 'package.json')).resolve('cmake-js/bin/cmake-js');
  step('Compiling (cmake-js, Node-API 8; no headers are downloaded)', process.execPath, [cmakeJs, 'compile', '--log-level', 'error'], dryRun);
  if (dryRun) return;
  const built = join(packageRoot, 'build', 'Release', 'flowcast.node');
  if (!existsSync(built)) throw new FlowcastError('ERR_FLOWCAST_NO_BINARY', `build-from-source: the build finished but wrote no ${built}`);
  const check = spawnSync(process.execPath, ['-e', `const b = require(${JSON.stringify(built)}); console.log(b.isa(), JSON.stringify(b.buildInfo()))`], { encoding: 'utf8' });
  if (check.status !== 0) throw new FlowcastError('ERR_FLOWCAST_BINARY_INVALID', `build-from-source: ${built} was built but does not load:\n${check.stderr}`);
  console.log(`Built ${built} (kernel table ${check.stdout.trim().split(' ')[0]}); flowcast now loads it instead of the shipped binary.`);
}
