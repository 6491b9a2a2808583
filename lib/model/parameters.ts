/**
 * The one parameter buffer the native side owns, seen by name: PyTorch's
 * names and layouts (layers.k.weight_ih [G*H, I], ...) at element offsets
 * in layout order. getWeights / setWeights, the summary, save and load go
 * through these entries.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { sizeOf } from '../core/tensor.js';
import { allFinite, invalid, plainObject } from '../core/validate.js';

export interface ParameterEntry {
  name: string;
  /** Element offset in the flat buffer. */
  offset: number;
  shape: number[];
  length: number;
}

/** Entries with their element counts, from the native layout. */
export function parameterEntries(layout: readonly { name: string; offset: number; shape: number[] }[]): ParameterEntry[] {
  return layout.map((e) => ({ ...e, length: sizeOf(e.shape) }));
}

/** Copies of each parameter of the flat buffer, by name. */
export function splitParameters(entries: readonly ParameterEntry[], flat: Float32Array): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const e of entries) out[e.name] = flat.slice(e.offset, e.offset + e.length);
  return out;
}

/**
 * The flat buffer of `weights`, which must name exactly the entries, with
 * their lengths and finite values.
 * @throws InvalidArgumentError naming the first bad or unknown weight
 */
export function joinParameters(entries: readonly ParameterEntry[], weights: unknown): Float32Array {
  plainObject('weights', weights);
  const named = weights as Record<string, unknown>;
  const flat = new Float32Array(entries.reduce((a, e) => a + e.length, 0));
  for (const e of entries) {
    const w = named[e.name];
    if (!(w instanceof Float32Array) || w.length !== e.length) {
      throw invalid(`weights['${e.name}']`, `Float32Array of ${e.length} elements (shape [${e.shape.join(', ')}])`, w);
    }
    allFinite(`weights['${e.name}']`, w);
    flat.set(w, e.offset);
  }
  const extra = Object.keys(named).filter((k) => !entries.some((e) => e.name === k));
  if (extra.length > 0) {
    throw new InvalidArgumentError('weights', `Expected only the model's parameter names in weights but received unknown '${extra[0]}'`);
  }
  return flat;
}
