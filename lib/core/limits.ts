/**
 * The stated size limits of a network, the same numbers as the native core's
 * (native/core/spec.h, core/thread_pool.h; test/native-limits.test.ts checks
 * them against the binding). They keep every size the core computes inside
 * its integer types: 4 * units gate rows, batch * steps GEMM rows, and a
 * parameter count a Float32Array can hold. Sizes are checked here first, with
 * messages naming the argument; the core refuses anything beyond them too.
 */
export const LIMITS = Object.freeze({
  /** Units (or outputs) of one layer. */
  units: 65_536,
  /** Inputs per time step. */
  features: 65_536,
  /** Time steps per sample. */
  steps: 1_048_576,
  /** Parameters of a whole network (8 GiB of float32). */
  parameters: 2 ** 31,
  /** batch * steps: the rows one batch puts through a GEMM. */
  rows: 2 ** 31 - 1,
  /** Threads of the native pool (setThreads). */
  threads: 1024,
});
