/**
 * The one tensor type that crosses every flowcast API: a flat, row-major
 * Float32Array and its shape. `[samples, steps, features]` for inputs,
 * `[samples, outputs]` for targets and predictions.
 */
import { invalid } from './validate.js';
import { InvalidArgumentError } from './errors.js';

export interface Tensor {
  data: Float32Array;
  shape: number[];
}

export function tensor(data: Float32Array | ArrayLike<number>, shape: number[]): Tensor {
  const t = { data: data instanceof Float32Array ? data : Float32Array.from(data), shape: [...shape] };
  checkTensor('tensor', t);
  return t;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Validate that `value` is a Tensor (optionally of a given rank) whose data
 * length matches its shape; returns it typed.
 */
export function checkTensor(name: string, value: unknown, rank?: number): Tensor {
  if (typeof value !== 'object' || value === null) throw invalid(name, 'Tensor { data: Float32Array, shape: number[] }', value);
  const t = value as Partial<Tensor>;
  if (!(t.data instanceof Float32Array)) throw invalid(`${name}.data`, 'Float32Array', t.data);
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw invalid(`${name}.shape`, 'array of non-negative integers', t.shape);
  }
  if (rank !== undefined && t.shape.length !== rank) {
    throw new InvalidArgumentError(
      `${name}.shape`,
      `Expected rank ${rank} for ${name}.shape but received [${t.shape.join(', ')}] (rank ${t.shape.length})`,
    );
  }
  const n = sizeOf(t.shape);
  if (n !== t.data.length) {
    throw new InvalidArgumentError(
      name,
      `Expected ${name}.data.length to equal the product of shape [${t.shape.join(', ')}] = ${n} but received ${t.data.length}`,
    );
  }
  return t as Tensor;
}
