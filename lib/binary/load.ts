/**
 * Finds and loads flowcast's native addon. No install script ever runs: the
 * binaries ship inside the package (prebuilds/<tag>/flowcast.node, one per
 * platform, docs/PACKAGING.md says why), and this loader picks one at first
 * use. Order:
 *   1. FLOWCAST_BINARY, a path: that file and nothing else;
 *   2. build/Release/flowcast.node, a source build (a development checkout,
 *      or `npx flowcast build-from-source`);
 *   3. prebuilds/<platform tag>/flowcast.node, shipped in the package.
 * The first that exists is the one: a corrupt or mismatched file is an error
 * that says so, never a silent step to the next. None at all is an error that
 * names this platform, arch, libc and Node, every path tried, and how to
 * build from source.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { BinaryLoadError } from '../core/errors.js';
import { describeHeader, FORMAT_NAMES, FORMAT_OF_PLATFORM, readBinaryHeader } from './header.js';
import { compareVersions, currentHost, GLIBC_FLOOR, NAPI_VERSION, platformTag, PREBUILT_TARGETS, type Host } from './platform.js';

/** Where the loaded binary came from: FLOWCAST_BINARY, a source build, or the package's prebuilt. */
export type BinaryOrigin = 'override' | 'source' | 'prebuilt';

export interface Candidate {
  origin: BinaryOrigin;
  path: string;
}

export interface LoadedBinary {
  /** The addon's exports. */
  exports: Record<string, unknown>;
  origin: BinaryOrigin;
  /** Absolute path of the file loaded. */
  path: string;
  /** This host's platform tag, e.g. 'linux-x64-gnu'. */
  tag: string;
}

export interface LoadOptions {
  /** The package root (holds build/ and prebuilds/). */
  root: string;
  host?: Host;
  env?: Record<string, string | undefined>;
}

/** The command that builds the addon from source in an installed package. */
export const BUILD_FROM_SOURCE = 'npx flowcast build-from-source';

/** Where the package holds its prebuilt binary for `host`. */
export function prebuiltPath(root: string, host: Pick<Host, 'platform' | 'arch' | 'libc'>): string {
  return join(root, 'prebuilds', platformTag(host), 'flowcast.node');
}

/** The paths the loader tries, in order. */
export function binaryCandidates({ root, host = currentHost(), env = process.env }: LoadOptions): Candidate[] {
  const override = env.FLOWCAST_BINARY;
  if (override) return [{ origin: 'override', path: resolve(override) }];
  return [
    { origin: 'source', path: join(root, 'build', 'Release', 'flowcast.node') },
    { origin: 'prebuilt', path: prebuiltPath(root, host) },
  ];
}

function hostWords(host: Host): string {
  const libc = host.libc === 'glibc' ? `glibc ${host.glibcVersion}` : host.libc ?? '';
  return [`${host.platform}-${host.arch}`, libc, `Node.js ${host.node} (Node-API ${host.napi})`].filter(Boolean).join(', ');
}

function fixes(host: Host): string {
  const tag = platformTag(host);
  const shipped = PREBUILT_TARGETS.some((t) => t.tag === tag);
  return (
    'What to do:\n' +
    (shipped ? `- reinstall flowcast so that prebuilds/${tag}/flowcast.node is complete (npm install flowcast)\n` : `- flowcast ships binaries for ${PREBUILT_TARGETS.map((t) => t.tag).join(', ')}; ${tag} is not one of them\n`) +
    `- build it from source: ${BUILD_FROM_SOURCE} (needs cmake >= 3.18 and a C++17 compiler)\n` +
    '- or point FLOWCAST_BINARY at a flowcast.node built for this platform'
  );
}

/** Checks the file before dlopen sees it: format, architecture, length. */
function checkHeader(candidate: Candidate, host: Host, tried: string[]): void {
  const header = readBinaryHeader(candidate.path);
  const format = FORMAT_OF_PLATFORM[host.platform];
  const expected = `${format ? FORMAT_NAMES[format] : 'a native'} ${host.arch} binary for ${platformTag(host)}`;
  const found = describeHeader(header);
  if (!header.format) {
    throw new BinaryLoadError('ERR_FLOWCAST_BINARY_INVALID', `${candidate.path} is not a native binary: found ${found}, expected ${expected}.\n${fixes(host)}`, { found, expected, tried });
  }
  if ((format && header.format !== format) || (header.arches.length > 0 && !header.arches.includes(host.arch))) {
    throw new BinaryLoadError(
      'ERR_FLOWCAST_BINARY_MISMATCH',
      `${candidate.path} is built for another platform: found ${found}, expected ${expected} (this is ${hostWords(host)}).\n${fixes(host)}`,
      { found, expected, tried },
    );
  }
  if (header.truncated) {
    throw new BinaryLoadError(
      'ERR_FLOWCAST_BINARY_INVALID',
      `${candidate.path} is truncated: found ${found}, shorter than its own headers say; expected ${expected}.\n${fixes(host)}`,
      { found, expected, tried },
    );
  }
}

/** Maps dlopen's failure to what it means. */
function loadFailure(candidate: Candidate, host: Host, tried: string[], err: unknown): BinaryLoadError {
  const message = (err as Error)?.message ?? String(err);
  const glibc = /GLIBC_(\d+(?:\.\d+)+)' not found/.exec(message);
  if (glibc) {
    const found = `a binary that needs glibc ${glibc[1]}`;
    const expected = `at most this system's glibc ${host.glibcVersion ?? '(unknown)'}`;
    return new BinaryLoadError(
      'ERR_FLOWCAST_BINARY_MISMATCH',
      `${candidate.path} needs glibc ${glibc[1]}, newer than this system's ${host.glibcVersion ?? 'C library'}: found ${found}, expected ${expected}.\n${fixes(host)}`,
      { found, expected, tried, cause: err },
    );
  }
  const found = `a file that dlopen refused: ${message.split('\n')[0]}`;
  const expected = `a loadable flowcast addon for ${platformTag(host)}`;
  return new BinaryLoadError('ERR_FLOWCAST_BINARY_INVALID', `Could not load ${candidate.path}: ${message.split('\n')[0]}\n${fixes(host)}`, { found, expected, tried, cause: err });
}

/** Loads the addon (see the file comment for the order); throws BinaryLoadError with what to do. */
export function loadBinary(options: LoadOptions): LoadedBinary {
  const host = options.host ?? currentHost();
  const tag = platformTag(host);
  const candidates = binaryCandidates({ ...options, host });
  const tried: string[] = [];
  if (!(host.napi >= NAPI_VERSION)) {
    const found = `Node.js ${host.node} with Node-API ${host.napi || 'none'}`;
    const expected = `Node-API ${NAPI_VERSION} or newer (Node.js 20.17+, 22.9+ or 24+, as package.json's engines says)`;
    throw new BinaryLoadError('ERR_FLOWCAST_NODE_UNSUPPORTED', `flowcast's binaries need Node-API ${NAPI_VERSION}: found ${found}, expected ${expected}. Upgrade Node.js.`, { found, expected, tried });
  }
  for (const candidate of candidates) {
    tried.push(candidate.path);
    if (!existsSync(candidate.path)) continue;
    checkHeader(candidate, host, tried);
    const target = PREBUILT_TARGETS.find((t) => t.tag === tag);
    if (candidate.origin === 'prebuilt' && target?.glibcFloor && host.glibcVersion && compareVersions(host.glibcVersion, target.glibcFloor) < 0) {
      const found = `glibc ${host.glibcVersion}`;
      const expected = `glibc ${GLIBC_FLOOR} or newer for the ${tag} binary`;
      throw new BinaryLoadError('ERR_FLOWCAST_BINARY_MISMATCH', `This system's C library is too old for flowcast's prebuilt binary: found ${found}, expected ${expected}.\n${fixes(host)}`, { found, expected, tried });
    }
    let exports: Record<string, unknown>;
    try {
      exports = createRequire(import.meta.url)(candidate.path) as Record<string, unknown>;
    } catch (err) {
      throw loadFailure(candidate, host, tried, err);
    }
    if (typeof exports.NativeModel !== 'function' || typeof exports.buildInfo !== 'function') {
      const found = `an addon exporting ${Object.keys(exports).join(', ') || 'nothing'}`;
      const expected = 'flowcast\'s addon (NativeModel, buildInfo, ...)';
      throw new BinaryLoadError('ERR_FLOWCAST_BINARY_INVALID', `${candidate.path} is not flowcast's addon (or an older one): found ${found}, expected ${expected}.\n${fixes(host)}`, { found, expected, tried });
    }
    return { exports, origin: candidate.origin, path: candidate.path, tag };
  }
  const expected = `one of: ${tried.join(', ')}`;
  throw new BinaryLoadError(
    'ERR_FLOWCAST_NO_BINARY',
    `Could not load flowcast's native addon: no binary for ${hostWords(host)}. Looked for:\n${tried.map((p) => `- ${p}`).join('\n')}\n${fixes(host)}`,
    { found: 'nothing', expected, tried },
  );
}
