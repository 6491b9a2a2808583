/**
 * One way to compile the addon with CMake, shared by the release build
 * (scripts/package.mjs, per platform tag, cross-compiling with a toolchain
 * file) and by `flowcast build-from-source` (this machine). Both pass the
 * Node-API include dirs (node-api-headers and node-addon-api, header-only
 * packages) as CMAKE_JS_INC, the variable CMakeLists.txt builds the addon
 * for; cmake-js, which sets it in development builds, is not needed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface CmakeBuild {
  /** The source tree (holds CMakeLists.txt). */
  root: string;
  /** A fresh or reused build folder. */
  buildDir: string;
  /** node-api-headers' and node-addon-api's include dirs. */
  includeDirs: string[];
  /** FLOWCAST_TARGET: the platform tag doctor() reports; '' for a local build. */
  target?: string;
  /** A CMake toolchain file, for cross-compiling. */
  toolchain?: string;
  /** More -D arguments. */
  defines?: string[];
  jobs?: number;
}

/** Runs a build tool with its output shown; throws naming the command when it fails. */
export function runTool(cmd: string, args: string[], cwd: string): void {
  console.log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd, shell: process.platform === 'win32' });
  if (r.error) throw new Error(`${cmd}: ${(r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH' : r.error.message}`);
  if (r.status !== 0) throw new Error(`'${[cmd, ...args].join(' ')}' failed with exit status ${r.status}`);
}

const hasNinja = () => spawnSync('ninja', ['--version'], { stdio: 'ignore' }).status === 0;

/** Configures and builds the `flowcast` target; returns the path of the built flowcast.node. */
export function cmakeBuild(b: CmakeBuild): string {
  const args = [
    '-S', b.root, '-B', b.buildDir,
    '-DCMAKE_BUILD_TYPE=Release',
    `-DCMAKE_JS_INC=${b.includeDirs.join(';')}`,
    `-DFLOWCAST_TARGET=${b.target ?? ''}`,
    ...(b.defines ?? []),
  ];
  if (b.toolchain) args.push(`-DCMAKE_TOOLCHAIN_FILE=${b.toolchain}`);
  if (!existsSync(join(b.buildDir, 'CMakeCache.txt')) && hasNinja()) args.push('-G', 'Ninja');
  runTool('cmake', args, b.root);
  runTool('cmake', ['--build', b.buildDir, '--config', 'Release', '--target', 'flowcast', '--parallel', String(b.jobs ?? 2)], b.root);
  const out = [join(b.buildDir, 'flowcast.node'), join(b.buildDir, 'Release', 'flowcast.node')].find((p) => existsSync(p));
  if (!out) throw new Error(`the build wrote no flowcast.node under ${b.buildDir}`);
  return out;
}
