/**
 * Loads the native addon and describes it. `NativeBinding` mirrors
 * native/addon/addon.cc and native/addon/model_wrap.h exactly; keep them in
 * step. Which file is loaded, and in what order they are tried:
 * lib/binary/load.ts.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBinary, type LoadedBinary } from '../binary/load.js';
import { BusyError, DisposedError, FlowcastError, NativeError } from '../core/errors.js';

/** Plain description of a network, the only config that crosses to C++. */
export interface NativeSpec {
  steps: number;
  features: number;
  layers: NativeLayerSpec[];
}

export interface NativeLayerSpec {
  /** 0 = LSTM, 1 = Dense, 2 = Dropout, 3 = GRU, 4 = simple RNN */
  kind: 0 | 1 | 2 | 3 | 4;
  units: number;
  returnSequences: boolean;
  stateful: boolean;
  /** Dense: 0 linear, 1 tanh, 2 sigmoid, 3 relu */
  activation: 0 | 1 | 2 | 3;
  /** Dropout: fraction dropped in training. */
  rate?: number;
  /** LSTM: hard-sigmoid gates (Keras 2). */
  hardSigmoid?: boolean;
}

export interface NativeParamEntry {
  name: string;
  offset: number;
  shape: number[];
}

export interface NativeTrainingState {
  step: number;
  m: Float32Array;
  v: Float32Array;
  ga: Float32Array;
  rng: Uint32Array;
  /** Training batches seen (selects the dropout masks). */
  dropoutStep: number;
}

export interface NativeModel {
  /** The compute backend this model runs on (one of NativeBinding.backends()). */
  backend(): string;
  /** The kernel table this model runs on. */
  isa(): string;
  paramCount(): number;
  layout(): NativeParamEntry[];
  getParams(): Float32Array;
  setParams(params: Float32Array): void;
  compileAdam(learningRate: number, beta1: number, beta2: number, epsilon: number): void;
  /** Any optimizer (lib/model/optimizers.ts configs, already validated). */
  compileOptimizer(config: Record<string, unknown>): void;
  /** Between epochs; keeps the optimizer state. */
  setLearningRate(learningRate: number): void;
  setLoss(loss: 'mse' | 'mae' | 'huber', huberDelta?: number): void;
  /** Optimizer step count and state vectors, and the shuffle RNG state (checkpoints). */
  getTrainingState(): NativeTrainingState;
  setTrainingState(step: number, m: Float32Array, v: Float32Array, ga: Float32Array, rng: Uint32Array, dropoutStep: number): void;
  fitEpoch(
    x: Float32Array,
    y: Float32Array,
    n: number,
    batchSize: number,
    shuffle: boolean,
    onProgress?: (batch: number, batches: number, samples: number, loss: number) => void,
  ): Promise<{ loss: number; batches: number }>;
  predict(x: Float32Array, n: number, batchSize: number): Promise<Float32Array>;
  /** On the calling thread: only for tiny inputs such as one streaming step. */
  predictSync(x: Float32Array, n: number, batchSize: number): Float32Array;
  lossAndGradients(x: Float32Array, y: Float32Array, n: number): Promise<{ loss: number; gradients: Float32Array }>;
  resetStates(): void;
  stateRows(): number;
  getState(layer: number, rows: number): { h: Float32Array; c: Float32Array };
  setState(layer: number, h: Float32Array, c: Float32Array, rows: number): void;
  cancel(): void;
  busy(): boolean;
  dispose(): void;
}

export interface NativeBuildInfo {
  /** e.g. 'GNU 12.2.0' */
  compiler: string;
  /** The C++ flags of the build type (ISA flags are per kernel file, never global). */
  flags: string;
  buildType: string;
  /** e.g. 'static libstdc++, old glibc symbol versions' (the glibc a file needs is read from it: doctor().binary.glibcFloor) */
  link: string;
  /** The platform tag a release build names (e.g. 'linux-x64-gnu'); '' for a development build. */
  target: string;
  /** CMake's system and processor, e.g. 'Linux-x86_64'. */
  system: string;
  napiVersion: number;
}

export interface NativeBinding {
  /** How this binary was made (native/addon/build_info.cc). */
  buildInfo(): NativeBuildInfo;
  /** `isa` picks a kernel table by name (tests, benchmarks); default: the one chosen at load. */
  /**
   * isa: a kernel table by name (tests, benchmarks); backend: a compute
   * backend by name, one of backends() (the per-backend test suites).
   * Undefined for the defaults: the table chosen at load, the first backend.
   */
  NativeModel: new (spec: NativeSpec, seed: number, isa?: string, backend?: string) => NativeModel;
  /** The kernel table chosen at load: 'scalar' | 'avx2' | 'avx512' | 'neon'. */
  isa(): string;
  availableIsas(): string[];
  /** The compute backends this build has, the default first ('cpu'). */
  backends(): string[];
  /** Threads the kernels use (the caller included). */
  threads(): number;
  /** The core's stated size limits (lib/core/limits.ts mirrors them). */
  limits(): { units: number; features: number; steps: number; parameters: number; rows: number; threads: number };
  /** Resize the kernels' thread pool; throws ERR_FLOWCAST_BUSY while any model is busy. */
  setThreads(n: number): void;
  /** GFLOP/s of a table's register-only multiply-add loop on `threads` threads (benchmarks). */
  peakGflops(isa: string, threads: number, iterations: number): number;
  /** Max |kernel - exact| of a table's sigmoid and tanh over 400,000 points in [-20, 20]. */
  kernelActivationError(isa: string): { sigmoid: number; tanh: number; points: number };
  referenceLossAndGradients(
    spec: NativeSpec,
    params: Float64Array,
    x: Float64Array,
    y: Float64Array,
    n: number,
    states: ({ h: Float64Array; c: Float64Array } | null)[],
    options?: { loss?: 'mse' | 'mae' | 'huber'; huberDelta?: number; seed?: number },
  ): { loss: number; gradients: Float64Array; output: Float64Array };
}

/** The package root, both from lib/native/*.ts (tests) and dist/native/*.js (published). */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let cached: { binding: NativeBinding; info: Omit<LoadedBinary, 'exports'> } | undefined;

function load(): NonNullable<typeof cached> {
  if (!cached) {
    const { exports, ...info } = loadBinary({ root: packageRoot });
    cached = { binding: exports as unknown as NativeBinding, info };
  }
  return cached;
}

/** The loaded addon; throws BinaryLoadError (lib/binary/load.ts) with what to do if none loads. */
export function binding(): NativeBinding {
  return load().binding;
}

/** Which file was loaded and why (doctor()); loads the addon if it is not yet. */
export function loadedBinary(): Omit<LoadedBinary, 'exports'> {
  return load().info;
}

/** Maps an error thrown or rejected by the addon to flowcast's typed errors. */
export function nativeError(err: unknown): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  if (err instanceof FlowcastError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'ERR_FLOWCAST_BUSY') return new BusyError(err.message);
  if (code === 'ERR_FLOWCAST_DISPOSED') return new DisposedError(err.message);
  if (code === 'ERR_FLOWCAST_NATIVE') {
    const e = new NativeError((err as { status?: string }).status ?? 'FC_STATUS_UNKNOWN', err.message);
    const partial = (err as { partial?: unknown }).partial;
    if (partial !== undefined) Object.assign(e, { partial });
    return e;
  }
  return err;
}
