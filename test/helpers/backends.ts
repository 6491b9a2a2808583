/**
 * The per-backend test suites. The kernel, gradient, golden-tensor and
 * determinism tests run once for every compute backend this build lists
 * (binding().backends(), from native/backend/registry.cc), so a new backend
 * (wasm32, CUDA) gets the whole suite by being listed there.
 * FLOWCAST_TEST_BACKENDS=cpu,... narrows the list (a name this build lacks
 * fails the run rather than testing nothing).
 */
import t, { type Test } from 'tap';

/**
 * The t.test() options these suites use. Written out rather than imported:
 * tap's generated TestOpts type is not visible when a file runs under
 * @tapjs/typescript alone (as .ci/run does under qemu).
 */
export interface SuiteOptions {
  timeout?: number;
  skip?: boolean | string;
}
import { binding, type NativeModel, type NativeSpec } from '../../lib/native/binding.js';
import { selectBackend } from '../../lib/native/backends.js';

function listed(): string[] {
  const built = binding().backends();
  const asked = process.env.FLOWCAST_TEST_BACKENDS?.split(',').filter(Boolean);
  if (!asked) return built;
  const missing = asked.filter((b) => !built.includes(b));
  if (missing.length) throw new Error(`FLOWCAST_TEST_BACKENDS names ${missing.join(', ')}, which this build lacks (it has ${built.join(', ')})`);
  return asked;
}

export const BACKENDS: readonly string[] = listed();

/**
 * t.test(`${name} [backend]`) for each backend; inside, new models
 * (sequential(), and nativeModel() below) run on that backend.
 */
export function testEachBackend(
  name: string,
  options: SuiteOptions | ((backend: string) => SuiteOptions),
  body: (t: Test, backend: string) => Promise<void>,
): void {
  for (const backend of BACKENDS) {
    t.test(`${name} [${backend}]`, typeof options === 'function' ? options(backend) : options, async (t) => {
      selectBackend(backend);
      try {
        await body(t, backend);
      } finally {
        selectBackend(undefined);
      }
    });
  }
}

/** A NativeModel on `backend`; isa names one of the CPU backend's kernel tables. */
export function nativeModel(spec: NativeSpec, seed: number, backend: string, isa?: string): NativeModel {
  return new (binding().NativeModel)(spec, seed, isa, backend);
}

/**
 * What the kernel suite compares with the CPU's scalar twin on `backend`:
 * on the CPU backend each SIMD table this CPU runs; on any other backend,
 * its own kernels (isa undefined).
 */
export function kernelVariants(backend: string): { label: string; isa: string | undefined }[] {
  if (backend !== 'cpu') return [{ label: backend, isa: undefined }];
  return binding()
    .availableIsas()
    .filter((i) => i !== 'scalar')
    .map((isa) => ({ label: isa, isa }));
}
