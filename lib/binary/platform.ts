/**
 * The host as the binary loader sees it, and the platform tags flowcast
 * ships binaries for. A tag names a folder under `prebuilds/` and says which
 * binary runs here: `<platform>-<arch>` plus the C library on Linux
 * (`linux-x64-gnu`, `linux-arm64-musl`), as napi-rs and esbuild name theirs.
 */

export type Libc = 'glibc' | 'musl';

export interface Host {
  /** process.platform */
  platform: string;
  /** process.arch */
  arch: string;
  /** Linux only: the C library, null elsewhere (or if it cannot be told). */
  libc: Libc | null;
  /** The running glibc's version (e.g. '2.36'), null if not glibc. */
  glibcVersion: string | null;
  /** The Node-API version this Node provides (process.versions.napi). */
  napi: number;
  /** process.version */
  node: string;
}

/** A binary flowcast's release builds, and how (README's platform table mirrors this). */
export interface PrebuiltTarget {
  tag: string;
  platform: string;
  arch: string;
  libc: Libc | null;
  /** Linux: the oldest glibc the binary loads on (scripts/package.mjs measures and enforces it). */
  glibcFloor: string | null;
}

/** The oldest glibc a shipped Linux binary may need (native/compat/glibc_floor.cc holds it there). */
export const GLIBC_FLOOR = '2.28';

/** Every binary a release ships, inside the package under prebuilds/<tag>/flowcast.node. */
export const PREBUILT_TARGETS: readonly PrebuiltTarget[] = [
  { tag: 'linux-x64-gnu', platform: 'linux', arch: 'x64', libc: 'glibc', glibcFloor: GLIBC_FLOOR },
  { tag: 'linux-arm64-gnu', platform: 'linux', arch: 'arm64', libc: 'glibc', glibcFloor: GLIBC_FLOOR },
  { tag: 'win32-x64', platform: 'win32', arch: 'x64', libc: null, glibcFloor: null },
  { tag: 'darwin-x64', platform: 'darwin', arch: 'x64', libc: null, glibcFloor: null },
  { tag: 'darwin-arm64', platform: 'darwin', arch: 'arm64', libc: null, glibcFloor: null },
];

/** The Node-API version every flowcast binary is built against. */
export const NAPI_VERSION = 8;

/** 'linux-x64-gnu', 'linux-arm64-musl', 'win32-x64', 'darwin-arm64', ... */
export function platformTag(host: Pick<Host, 'platform' | 'arch' | 'libc'>): string {
  const base = `${host.platform}-${host.arch}`;
  if (host.platform !== 'linux') return base;
  return `${base}-${host.libc === 'musl' ? 'musl' : host.libc === 'glibc' ? 'gnu' : 'unknown-libc'}`;
}

/**
 * glibc or musl, from Node's diagnostic report header (it names the glibc it
 * runs on; musl builds of Node have no such field).
 */
function detectLibc(): { libc: Libc | null; glibcVersion: string | null } {
  if (process.platform !== 'linux') return { libc: null, glibcVersion: null };
  try {
    const report = process.report as { excludeNetwork?: boolean; getReport(): unknown };
    const before = report.excludeNetwork;
    report.excludeNetwork = true; // no DNS lookups for a header field
    const header = (report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
    report.excludeNetwork = before;
    if (header?.glibcVersionRuntime) return { libc: 'glibc', glibcVersion: header.glibcVersionRuntime };
    return { libc: 'musl', glibcVersion: null };
  } catch {
    return { libc: null, glibcVersion: null };
  }
}

let cachedHost: Host | undefined;

/** This process's host (computed once). */
export function currentHost(): Host {
  if (cachedHost) return cachedHost;
  const { libc, glibcVersion } = detectLibc();
  cachedHost = {
    platform: process.platform,
    arch: process.arch,
    libc,
    glibcVersion,
    napi: Number(process.versions.napi ?? 0),
    node: process.version,
  };
  return cachedHost;
}

/** Compares dotted versions numerically: '2.9' < '2.28'. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
