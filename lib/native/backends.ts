/**
 * Which compute backend runs a new model. The addon lists the backends it
 * was built with (native/backend/registry.cc), the default first; a model
 * is bound to one when it is created and keeps it (native/backend/backend.h).
 * lib/model asks this file for a native model and never names a backend.
 *
 * selectBackend() is how the per-backend test suites (test/helpers/backends.ts)
 * run the same tests on every backend; it is not part of the public API.
 */
import { binding, nativeError, type NativeModel, type NativeSpec } from './binding.js';
import { oneOf } from '../core/validate.js';

let selected: string | undefined;

/** The compute backends this build has, the default first (today ['cpu']). */
export function backends(): string[] {
  return binding().backends();
}

/**
 * The backend new models run on from now on; undefined restores the default.
 * @throws InvalidArgumentError naming the backends this build has
 */
export function selectBackend(name: string | undefined): void {
  selected = name === undefined ? undefined : oneOf('backend', name, backends());
}

/** The backend a model created now runs on. */
export function selectedBackend(): string {
  return selected ?? backends()[0]!;
}

/**
 * A native model for spec, its parameters drawn from seed, on `backend`
 * (that of an existing model, for one derived from it such as a stream) or
 * else the selected one.
 * @throws NativeError when the backend cannot hold it (out of memory, unsupported)
 */
export function createNativeModel(spec: NativeSpec, seed: number, backend: string | undefined = selected): NativeModel {
  const b = binding();
  try {
    return new b.NativeModel(spec, seed, undefined, backend);
  } catch (err) {
    throw nativeError(err);
  }
}
