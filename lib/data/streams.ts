/**
 * Stateful layout: one long series as `streams` contiguous streams, so that
 * with a stateful model and batchSize = streams, row i of batch k+1
 * continues row i of batch k (Keras's stateful contract, which a plain
 * sample order breaks: consecutive samples would land in the same batch).
 *
 * Samples 0..n-1 (in time order) are cut into `streams` contiguous segments,
 * the first n mod streams of them one sample longer; batch k holds sample k
 * of every segment that has one. So nothing is dropped: the last batch is
 * ragged when streams does not divide n, and holds the first segments,
 * whose rows continue their own state (the native stateful contract for a
 * short batch). For the state to mean "the series so far", make the samples
 * consecutive non-overlapping chunks (windows with stride = steps).
 */
import { InvalidArgumentError } from '../core/errors.js';
import { checkTensor, type Tensor } from '../core/tensor.js';
import { positiveInteger } from '../core/validate.js';

export interface StreamOrder {
  /** order[j] = the time-ordered sample placed at position j. */
  order: Int32Array;
  /** The batch size to train and predict with (= streams). */
  batchSize: number;
  /** Samples in each stream (segment). */
  lengths: number[];
}

/**
 * @param n samples in time order
 * @param streams parallel streams (the stateful batch size), 1..n
 * @example const { order, batchSize } = streamOrder(x.shape[0], 32); await model.fit(reorder(x, order), reorder(y, order), { batchSize, shuffle: false });
 */
export function streamOrder(n: number, streams: number): StreamOrder {
  positiveInteger('n', n);
  positiveInteger('streams', streams);
  if (streams > n) throw new InvalidArgumentError('streams', `Expected streams <= n (${n}) but received ${streams}`);
  const base = Math.floor(n / streams);
  const extra = n % streams;
  const lengths = Array.from({ length: streams }, (_, i) => base + (i < extra ? 1 : 0));
  const starts: number[] = [];
  lengths.reduce((start, len) => (starts.push(start), start + len), 0);
  const order = new Int32Array(n);
  let j = 0;
  for (let k = 0; k < lengths[0]!; k++) {
    for (let i = 0; i < streams; i++) if (k < lengths[i]!) order[j++] = starts[i]! + k;
  }
  return { order, batchSize: streams, lengths };
}

/** The rows (first axis) of `t` in `order`: out[j] = t[order[j]]. */
export function reorder(t: Tensor, order: Int32Array): Tensor {
  return permuteRows(t, order, 'gather');
}

/** Undoes reorder: back to time order (for predictions made in stream order), out[order[j]] = t[j]. */
export function restoreOrder(t: Tensor, order: Int32Array): Tensor {
  return permuteRows(t, order, 'scatter');
}

function permuteRows(t: Tensor, order: Int32Array, direction: 'gather' | 'scatter'): Tensor {
  checkTensor('t', t);
  if (t.shape[0] !== order.length) throw new InvalidArgumentError('order', `Expected ${t.shape[0]} entries (t.shape[0]) for order but received ${order.length}`);
  const per = t.data.length / Math.max(1, order.length);
  const data = new Float32Array(t.data.length);
  const row = (i: number) => t.data.subarray(i * per, (i + 1) * per);
  order.forEach((k, j) => (direction === 'gather' ? data.set(row(k), j * per) : data.set(row(j), k * per)));
  return { data, shape: [...t.shape] };
}
