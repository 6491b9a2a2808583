/**
 * doctor(): what is running and why. Which native binary loaded (and from
 * where, built how, needing which glibc), which kernel table it chose, how
 * many threads, whether onnxruntime-node is there, and the problems those
 * facts add up to, each with what to do. It never throws for a broken
 * install: a binary that does not load is the most important thing it
 * reports, so it catches the loader's error and lists it. `flowcast doctor`
 * (lib/cli/doctor-command.ts) prints it; bug reports should include
 * `flowcast doctor --json`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { binaryCandidates, BUILD_FROM_SOURCE, prebuiltPath } from '../binary/load.js';
import { newestVersion, readElfDynamicInfo } from '../binary/elf-symbols.js';
import { compareVersions, currentHost, GLIBC_FLOOR, NAPI_VERSION, platformTag } from '../binary/platform.js';
import { cpuInfo, type CpuInfo } from './cpu.js';
import { BinaryLoadError } from '../core/errors.js';
import { selectedBackend } from './backends.js';
import { binding, loadedBinary, packageRoot } from './binding.js';
import { importOptional } from '../core/optional-dependency.js';
import { VERSION } from '../core/version.js';

/** Everything doctor() found. Plain JSON: `flowcast doctor --json` prints exactly this. */
export interface DoctorReport {
  flowcast: { version: string; /** The package root (holds build/ and prebuilds/). */ root: string };
  binary: DoctorBinary;
  /** The CPU kernel table: the one running, those this CPU and build can run, and the CPU's own SIMD flags. */
  isa: {
    /** binding().isa(); null when no binary loads. */
    chosen: string | null;
    /** binding().availableIsas(): tables this build has *and* this CPU runs; [] when no binary loads. */
    available: string[];
    /** What the OS says the CPU has (cpuInfo().simd), independent of the build. */
    cpu: CpuInfo['simd'];
  };
  /** Threads the kernels use (FLOWCAST_THREADS, else every core); null when no binary loads. */
  threads: number | null;
  /** The compute backend new models run on, and every backend this binary has ([] and null when no binary loads). */
  backend: { chosen: string | null; available: string[] };
  cpu: { vendor: string; modelName: string; microarchitecture: string | null; /** Logical CPUs this process may use. */ cores: number };
  /** flowcast has no CUDA backend: both flags are false in every build, and `reason` says so. No GPU is probed. */
  cuda: { built: boolean; available: boolean; reason: string };
  /** The optional peer dependency that OnnxForecaster and `flowcast predict --onnx` run in. */
  onnxruntime: {
    /** It imported (its native library loaded). */
    available: boolean;
    /** From its package.json, when it resolves (also when it fails to import). */
    version: string | null;
    error: { code: string; message: string } | null;
  };
  node: { version: string; napi: number; platform: string; arch: string; libc: 'glibc' | 'musl' | null; glibcVersion: string | null };
  /** The environment variables that change what loads and runs (null = unset). */
  env: { FLOWCAST_BINARY: string | null; FLOWCAST_ISA: string | null; FLOWCAST_THREADS: string | null };
  /** What is wrong or worth knowing, most serious first; [] when nothing is. */
  problems: DoctorProblem[];
}

export interface DoctorBinary {
  /**
   * Where the file came from: FLOWCAST_BINARY ('override'), build/Release/
   * ('source') or prebuilds/<tag>/ ('prebuilt'). 'wasm' is reserved for a
   * WebAssembly backend that does not exist yet: nothing reports it today.
   * When `error` is set: the origin of the file that failed, or null if no
   * candidate file exists at all.
   */
  origin: 'prebuilt' | 'source' | 'override' | 'wasm' | null;
  /** The file loaded, or the one that failed to (null if none exists). */
  path: string | null;
  /** This host's platform tag, e.g. 'linux-x64-gnu' (the prebuilds/ folder it would use). */
  platform: string;
  /** The Node-API version the binary was built for (buildInfo().napiVersion). */
  napi: number | null;
  /** buildInfo(): compiler, C++ flags, build type, link notes; null when no binary loads. */
  compiler: string | null;
  flags: string | null;
  buildType: string | null;
  link: string | null;
  /** The tag a release build names; '' for a development build. */
  target: string | null;
  /** CMake's system and processor, e.g. 'Linux-x86_64'. */
  system: string | null;
  /** Linux: the newest GLIBC_ symbol version the file needs (read from its ELF symbols); null elsewhere or unreadable. */
  glibcFloor: string | null;
  /** The package's prebuilt for this platform, when it is present. */
  prebuilt: string | null;
  /** Why no binary loads (BinaryLoadError's code and message, and the paths tried); null when one did. */
  error: { code: string; message: string; tried: string[] } | null;
}

export interface DoctorProblem {
  /** Stable, for scripts: 'binary-not-loaded', 'isa-scalar', 'threads-single', ... */
  id: string;
  /** error: flowcast cannot run; warning: it runs, slower or otherwise than asked; info: worth knowing. */
  severity: 'error' | 'warning' | 'info';
  message: string;
  fix: string;
}

const CUDA_REASON = 'this build has no CUDA backend (flowcast has none yet): its kernels run on the CPU';

/**
 * Collects the report. Loads the native addon and onnxruntime-node if they
 * are not loaded yet; never throws for either failing to load.
 * @example const report = await doctor(); if (report.problems.length) console.log(formatDoctor(report));
 */
export async function doctor(): Promise<DoctorReport> {
  const host = currentHost();
  const env = {
    FLOWCAST_BINARY: process.env.FLOWCAST_BINARY || null,
    FLOWCAST_ISA: process.env.FLOWCAST_ISA || null,
    FLOWCAST_THREADS: process.env.FLOWCAST_THREADS || null,
  };
  const info = cpuInfo();
  const { binary, isa, threads, backend } = nativeFacts(info.simd);
  const facts: Omit<DoctorReport, 'problems'> = {
    flowcast: { version: VERSION, root: packageRoot },
    binary,
    isa,
    threads,
    backend,
    cpu: { vendor: info.vendor, modelName: info.modelName, microarchitecture: info.microarchitecture, cores: info.cores },
    cuda: { built: false, available: false, reason: CUDA_REASON },
    onnxruntime: await onnxruntimeFacts(),
    node: { version: host.node, napi: host.napi, platform: host.platform, arch: host.arch, libc: host.libc, glibcVersion: host.glibcVersion },
    env,
  };
  return { ...facts, problems: findProblems(facts) };
}

function nativeFacts(simd: CpuInfo['simd']): Pick<DoctorReport, 'binary' | 'isa' | 'threads' | 'backend'> {
  const host = currentHost();
  const platform = host.platform;
  const tag = platformTag(host);
  const shipped = prebuiltPath(packageRoot, host);
  const prebuilt = existsSync(shipped) ? shipped : null;
  const empty = { napi: null, compiler: null, flags: null, buildType: null, link: null, target: null, system: null };
  try {
    const loaded = loadedBinary();
    const b = binding();
    const build = b.buildInfo();
    return {
      binary: {
        origin: loaded.origin,
        path: loaded.path,
        platform: loaded.tag,
        napi: build.napiVersion,
        compiler: build.compiler,
        flags: build.flags,
        buildType: build.buildType,
        link: build.link,
        target: build.target,
        system: build.system,
        glibcFloor: glibcNeeded(platform, loaded.path),
        prebuilt,
        error: null,
      },
      isa: { chosen: b.isa(), available: b.availableIsas(), cpu: simd },
      threads: b.threads(),
      backend: { chosen: selectedBackend(), available: b.backends() },
    };
  } catch (err) {
    const e = err as Error & { code?: string };
    const tried = err instanceof BinaryLoadError ? err.tried : [];
    // The loader stops at the first candidate that exists: that is the file that failed.
    const failed = tried.length > 0 && existsSync(tried[tried.length - 1]!) ? tried[tried.length - 1]! : null;
    const origin = failed === null ? null : (binaryCandidates({ root: packageRoot, host }).find((c) => c.path === failed)?.origin ?? null);
    return {
      binary: {
        origin,
        path: failed,
        platform: tag,
        ...empty,
        glibcFloor: failed === null ? null : glibcNeeded(platform, failed),
        prebuilt,
        error: { code: e.code ?? 'ERR_UNKNOWN', message: e.message ?? String(err), tried },
      },
      isa: { chosen: null, available: [], cpu: simd },
      threads: null,
      backend: { chosen: null, available: [] },
    };
  }
}

/** The newest GLIBC_ version an ELF file needs; null off Linux or for a file that is not a readable ELF. */
function glibcNeeded(platform: string, path: string): string | null {
  if (platform !== 'linux') return null;
  try {
    return newestVersion(readElfDynamicInfo(path), 'GLIBC_');
  } catch {
    return null;
  }
}

async function onnxruntimeFacts(): Promise<DoctorReport['onnxruntime']> {
  const version = onnxruntimeVersion();
  try {
    await importOptional('onnxruntime-node', 'ONNX inference (OnnxForecaster, flowcast predict --onnx)');
    return { available: true, version, error: null };
  } catch (err) {
    const e = err as Error & { code?: string };
    return { available: false, version, error: { code: e.code ?? 'ERR_UNKNOWN', message: e.message ?? String(err) } };
  }
}

/** onnxruntime-node's version, resolved from this file as import() resolves it; null if it is not installed. */
function onnxruntimeVersion(): string | null {
  const require = createRequire(import.meta.url);
  let pkg: string | null = null;
  try {
    pkg = require.resolve('onnxruntime-node/package.json');
  } catch {
    // A package whose "exports" hides package.json: walk up from its entry point.
    try {
      let dir = dirname(require.resolve('onnxruntime-node'));
      while (pkg === null && dirname(dir) !== dir) {
        if (existsSync(join(dir, 'package.json'))) pkg = join(dir, 'package.json');
        else dir = dirname(dir);
      }
    } catch {
      return null;
    }
  }
  try {
    return (require(pkg!) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

const SIMD_OF_ARCH: Record<string, { isa: string; flag: keyof CpuInfo['simd']; name: string }> = {
  x64: { isa: 'avx2', flag: 'avx2', name: 'AVX2' },
  arm64: { isa: 'neon', flag: 'neon', name: 'NEON' },
};

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * The problems a report's facts add up to (doctor() calls it; tests pass
 * made-up facts to reach the cases this machine does not have).
 */
export function findProblems(r: Omit<DoctorReport, 'problems'>): DoctorProblem[] {
  const problems: DoctorProblem[] = [];
  const add = (id: string, severity: DoctorProblem['severity'], message: string, fix: string) => problems.push({ id, severity, message, fix });
  const { binary, env, node } = r;

  if (node.napi < NAPI_VERSION) {
    add('node-api-too-old', 'error', `This Node.js (${node.version}) provides Node-API ${node.napi || 'none'}; flowcast's binaries need Node-API ${NAPI_VERSION}.`, 'Upgrade Node.js to 20.17+, 22.9+ or 24+ (package.json engines).');
  }
  if (binary.error && binary.error.code !== 'ERR_FLOWCAST_NODE_UNSUPPORTED') {
    // The loader's message ends in its advice; the problem splits them.
    const [what, advice] = binary.error.message.split('\nWhat to do:\n');
    const lines = advice ? advice.split('\n') : [`- build it from source: ${BUILD_FROM_SOURCE}`];
    if (env.FLOWCAST_BINARY) lines.unshift(`- unset FLOWCAST_BINARY (now ${env.FLOWCAST_BINARY}) to load build/Release/ or the package's prebuilds/${binary.platform}/`);
    add('binary-not-loaded', 'error', `${binary.error.code}: ${what}`, lines.join('\n'));
  }
  if (binary.glibcFloor && node.glibcVersion && compareVersions(binary.glibcFloor, node.glibcVersion) > 0) {
    add(
      'glibc-too-old',
      'error',
      `${binary.path} needs glibc ${binary.glibcFloor}, newer than this system's ${node.glibcVersion}.`,
      compareVersions(node.glibcVersion, GLIBC_FLOOR) >= 0
        ? `Use the package's prebuilt (it needs at most glibc ${GLIBC_FLOOR}): unset FLOWCAST_BINARY or delete build/, or rebuild on this system: ${BUILD_FROM_SOURCE}.`
        : `flowcast's prebuilt binaries need glibc ${GLIBC_FLOOR}: build from source on this system (${BUILD_FROM_SOURCE}) or move to a distribution with glibc ${GLIBC_FLOOR}+.`,
    );
  }

  const simd = SIMD_OF_ARCH[node.arch];
  const isa = r.isa;
  if (isa.chosen !== null && env.FLOWCAST_ISA && env.FLOWCAST_ISA !== isa.chosen) {
    // dispatch.cc falls back to the best table when the forced one is missing.
    add(
      'isa-override-ignored',
      'warning',
      `FLOWCAST_ISA=${env.FLOWCAST_ISA} names a kernel table this CPU or build does not have; the kernels run '${isa.chosen}' instead.`,
      `Set FLOWCAST_ISA to one of ${isa.available.join(', ')}, or unset it to let flowcast choose.`,
    );
  }
  if (isa.chosen === 'scalar' && simd && isa.cpu[simd.flag]) {
    if (env.FLOWCAST_ISA === 'scalar') {
      add('isa-scalar', 'info', `FLOWCAST_ISA=scalar runs the scalar reference kernels although this CPU has ${simd.name}: several times slower.`, `Unset FLOWCAST_ISA to use the ${simd.name} kernels.`);
    } else if (!isa.available.includes(simd.isa)) {
      add(
        'isa-scalar',
        'warning',
        `The kernels run 'scalar' although this CPU reports ${simd.name}: this binary (${binary.path}) was built without the ${simd.isa} table or cannot run it here (available: ${isa.available.join(', ')}).`,
        binary.origin === 'prebuilt'
          ? `Report a bug with the output of 'flowcast doctor --json': the prebuilt should include ${simd.isa} kernels.`
          : `Use the package's prebuilt (unset FLOWCAST_BINARY or delete build/), or rebuild with a compiler that supports ${simd.name} (${BUILD_FROM_SOURCE}).`,
      );
    } else {
      add('isa-scalar', 'warning', `The kernels run 'scalar' although ${simd.isa} is available (${isa.available.join(', ')}) and FLOWCAST_ISA is not set.`, `Report a bug with the output of 'flowcast doctor --json'.`);
    }
  }

  if (r.threads !== null && r.threads === 1 && r.cpu.cores > 1) {
    add(
      'threads-single',
      'warning',
      `The kernels use 1 thread on a machine with ${r.cpu.cores} cores${env.FLOWCAST_THREADS ? ` (FLOWCAST_THREADS=${env.FLOWCAST_THREADS})` : ''}.`,
      env.FLOWCAST_THREADS ? `Unset FLOWCAST_THREADS (every core) or set it to up to ${r.cpu.cores}.` : `Call setThreads(${r.cpu.cores}) (something in this process set 1), or pass --threads to the CLI.`,
    );
  }
  if (r.threads !== null && r.threads > r.cpu.cores) {
    // The pool defaults to every online CPU; an affinity mask or cpuset may allow fewer.
    add(
      'threads-oversubscribed',
      'warning',
      `The kernels use ${r.threads} threads but this process may run on only ${r.cpu.cores} CPUs: threads wait for each other.`,
      `Set FLOWCAST_THREADS=${r.cpu.cores} or call setThreads(${r.cpu.cores}).`,
    );
  }

  if (binary.origin === 'source' && binary.error === null && binary.prebuilt !== null) {
    add(
      'source-over-prebuilt',
      'info',
      `A source build (${binary.path}) is loaded, as the loader prefers one; the package also holds a prebuilt for ${binary.platform} (${binary.prebuilt}).`,
      `To run the prebuilt: FLOWCAST_BINARY=${binary.prebuilt}, or delete ${join(r.flowcast.root, 'build')}.`,
    );
  }

  const ort = r.onnxruntime;
  if (!ort.available && ort.error?.code === 'ERR_FLOWCAST_MISSING_DEPENDENCY') {
    add('onnxruntime-missing', 'info', 'onnxruntime-node is not installed: OnnxForecaster and `flowcast predict --onnx` cannot run (exportOnnx works without it).', 'npm install onnxruntime-node (needed only for ONNX inference).');
  } else if (!ort.available) {
    add('onnxruntime-broken', 'warning', `onnxruntime-node${ort.version ? ` ${ort.version}` : ''} is installed but does not load: ${ort.error?.message.split('\n')[0]}`, 'Reinstall it: npm install onnxruntime-node.');
  }
  return problems.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

function simdWords(simd: CpuInfo['simd']): string {
  const names = [simd.avx512f && 'AVX-512F', simd.avx512bf16 && 'AVX512-BF16', simd.avx2 && 'AVX2', simd.neon && 'NEON'].filter(Boolean);
  return names.length ? names.join(', ') : 'no SIMD flowcast uses';
}

/** The text form `flowcast doctor` prints: one fact a line, then the problems with their fixes. */
export function formatDoctor(r: DoctorReport): string {
  const b = r.binary;
  const row = (label: string, text: string) => `${label.padEnd(12)}${text}`;
  const lines = [`flowcast ${r.flowcast.version} (${r.flowcast.root})`];
  if (b.error) {
    lines.push(row('binary', `NOT LOADED: ${b.error.code}${b.path ? ` (${b.origin}: ${b.path})` : ''}`));
    lines.push(row('', `tried: ${b.error.tried.join(', ') || '(nothing)'}`));
  } else {
    lines.push(row('binary', `${b.origin}: ${b.path}`));
    lines.push(row('', `${b.platform}, Node-API ${b.napi}, ${b.compiler} ${b.buildType} (${b.flags}), ${b.link}`));
  }
  if (b.glibcFloor) lines.push(row('', `needs glibc ${b.glibcFloor} (newest GLIBC_ symbol version in the file)`));
  lines.push(row('isa', b.error ? '(no binary)' : `${r.isa.chosen} (available: ${r.isa.available.join(', ')}; CPU has ${simdWords(r.isa.cpu)})`));
  lines.push(row('threads', r.threads === null ? '(no binary)' : String(r.threads)));
  lines.push(row('backend', r.backend.chosen === null ? '(no binary)' : `${r.backend.chosen} (available: ${r.backend.available.join(', ')})`));
  lines.push(row('cpu', `${r.cpu.modelName}${r.cpu.microarchitecture ? ` (${r.cpu.microarchitecture})` : ''}, ${r.cpu.cores} cores`));
  lines.push(row('cuda', `no: ${r.cuda.reason}`));
  lines.push(row('onnxruntime', r.onnxruntime.available ? `onnxruntime-node ${r.onnxruntime.version}` : `not available: ${r.onnxruntime.error?.message.split('\n')[0]}`));
  const libc = r.node.libc === 'glibc' ? `, glibc ${r.node.glibcVersion}` : r.node.libc ? `, ${r.node.libc}` : '';
  lines.push(row('node', `${r.node.version}, Node-API ${r.node.napi}, ${r.node.platform}-${r.node.arch}${libc}`));
  const set = Object.entries(r.env).filter(([, v]) => v !== null);
  if (set.length) lines.push(row('env', set.map(([k, v]) => `${k}=${v}`).join(' ')));
  lines.push('');
  if (r.problems.length === 0) {
    lines.push('No problems found.');
  } else {
    lines.push(`Problems (${r.problems.length}):`);
    for (const p of r.problems) {
      lines.push(`  [${p.severity}] ${p.id}: ${p.message.replace(/\n/g, '\n    ')}`);
      lines.push(`    fix: ${p.fix.replace(/\n/g, '\n         ')}`);
    }
  }
  return lines.join('\n');
}
