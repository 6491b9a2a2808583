/**
 * `flowcast build-from-source`: it says what is missing before it starts,
 * and in this checkout (whose header packages are dev dependencies) it plans
 * a CMake build into build/source with the Node-API include dirs. The real
 * build from an installed package runs in CI (scripts/test-install.mjs
 * --build-from-source). Oracles: the command's documented steps; a PATH
 * made here that holds node and nothing else.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cli, flowcast, root } from './helpers/cli.js';

const exec = promisify(execFile);

t.test('without cmake or a compiler on PATH it refuses before doing anything, naming each', async (t) => {
  const bin = mkdtempSync(join(tmpdir(), 'flowcast-bare-'));
  t.teardown(() => rmSync(bin, { recursive: true, force: true }));
  symlinkSync(process.execPath, join(bin, 'node'));
  let failure: { code: number; stderr: string } | undefined;
  try {
    await exec(join(bin, 'node'), [cli, 'build-from-source'], { cwd: root, env: { PATH: bin } });
  } catch (err) {
    failure = err as { code: number; stderr: string };
  }
  t.ok(failure, 'it fails');
  t.equal(failure!.code, 1);
  t.match(failure!.stderr, /build-from-source cannot start:/);
  t.match(failure!.stderr, /cmake is not on PATH \(install cmake >= 3\.18/);
  t.match(failure!.stderr, /no C\+\+ compiler on PATH/);
});

t.test('--dry-run plans a CMake build with the Node-API headers of this checkout', async (t) => {
  const r = await flowcast(['build-from-source', '--dry-run']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, `Building flowcast's addon in ${root}`);
  t.match(r.stdout, `Would build with CMake in ${join(root, 'build', 'source')}`);
  t.match(r.stdout, join(root, 'node_modules', 'node-api-headers', 'include'));
  t.match(r.stdout, join(root, 'node_modules', 'node-addon-api'));
  t.match(r.stdout, `copy the addon to ${join(root, 'build', 'Release', 'flowcast.node')}`);
  t.notMatch(r.stdout, /npm install/, 'nothing to fetch here');
});

t.test('an unknown option is an argument error naming it', async (t) => {
  const r = await flowcast(['build-from-source', '--jobs', '4']);
  t.equal(r.code, 1);
  t.match(r.stderr, /--jobs/);
});
