/**
 * The package as published and as installed: `npm pack` of this checkout,
 * and that tarball unpacked into a fresh project's node_modules.
 *
 * Why `--ignore-scripts`: npm pack's prepack step rebuilds dist/ (tsc), and
 * under `npm test` that would rewrite dist/ while the CLI tests beside this
 * file run it. npm test's pretest has just built dist/; a standalone run
 * checks that dist/ is not older than lib/ instead (run `npm run build:ts`).
 *
 * Why not `npm install <tarball>`: it needs the registry (or registry
 * metadata in npm's cache) for the dependencies (scripts/test-install.mjs
 * does that, in CI, with the release tarball). Instead the tarball is
 * unpacked as npm unpacks it (its `package/` folder becomes
 * node_modules/flowcast), the addon this checkout built is copied to where a
 * release ships it (prebuilds/<platform tag>/flowcast.node; `npm run
 * package` fills prebuilds/ for every platform), and each dependency that
 * package.json declares, and nothing else, is linked from this checkout's
 * node_modules: an import of an undeclared package fails as it would for a
 * user.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { root } from './cli.js';
import { currentHost, platformTag } from '../../lib/binary/platform.js';

const exec = promisify(execFile);

export { root };

/** The newest lib/ source that is newer than its dist/ output, or null when dist/ is current. */
function staleSource(): string | null {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  for (const src of walk(join(root, 'lib')).filter((f) => f.endsWith('.ts'))) {
    const out = join(root, 'dist', relative(join(root, 'lib'), src)).replace(/\.ts$/, '.js');
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) return relative(root, src);
  }
  return null;
}

export interface Packed {
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Paths inside the package, as npm lists them (e.g. 'dist/index.js'). */
  files: string[];
  /** The tarball unpacked (npm's `package/` folder). */
  dir: string;
}

/** `npm pack` into `dest`, then unpacks it into `dest/package`. */
export async function pack(dest: string): Promise<Packed> {
  const stale = staleSource();
  if (stale) throw new Error(`dist/ is older than ${stale}: run 'npm run build:ts' (npm test does it first)`);
  const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], { cwd: root, maxBuffer: 16 << 20 });
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  const tarball = join(dest, info!.filename);
  await exec('tar', ['-xzf', tarball, '-C', dest]);
  return { tarball, files: info!.files.map((f) => f.path), dir: join(dest, 'package') };
}

function link(target: string, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path, 'dir');
}

/**
 * A fresh ESM project in `app` with the packed flowcast installed in its
 * node_modules, plus `extra` packages from this checkout (e.g. the optional
 * peer onnxruntime-node, or @types/node for tsc); `addon: false` leaves the
 * native addon out, as a package without this platform's binary would be.
 * @returns the installed package's folder
 */
export async function install(packed: Packed, app: string, extra: string[] = [], { addon = true } = {}): Promise<string> {
  const modules = join(app, 'node_modules');
  const pkg = join(modules, 'flowcast');
  mkdirSync(modules, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'flowcast-readme-check', private: true, type: 'module' }, null, 2));
  await exec('cp', ['-R', packed.dir, pkg]);
  const prebuilds = join(pkg, 'prebuilds');
  await exec('rm', ['-rf', prebuilds]); // whatever `npm run package` left in this checkout's prebuilds/
  if (addon) {
    const tag = platformTag(currentHost());
    mkdirSync(join(prebuilds, tag), { recursive: true });
    copyFileSync(join(root, 'build', 'Release', 'flowcast.node'), join(prebuilds, tag, 'flowcast.node'));
  }
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const dep of [...Object.keys(manifest.dependencies ?? {}), ...extra]) {
    link(join(root, 'node_modules', dep), join(modules, dep));
  }
  return pkg;
}
