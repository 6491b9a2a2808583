/**
 * Rows that share a time: what Series.fromTable and regularize do with them.
 *
 * Real hourly data repeats an hour when daylight saving time ends (the local
 * clock shows 01:00 twice), and some sources write one row per weather
 * report, several per hour. A series needs one row per time, so such rows
 * are either refused (the default: the data may be wrong) or combined.
 */
import { oneOf } from '../core/validate.js';

/**
 * `'error'` refuses rows that share a time (default); `'first'` / `'last'`
 * keep the first / last of them in file order; `'mean'` averages each value
 * column over them, skipping NaN (all NaN gives NaN), as pandas'
 * `groupby(time).mean()`.
 */
export type DuplicatePolicy = 'error' | 'first' | 'last' | 'mean';

/** The policies, in the order messages list them. */
export const DUPLICATE_POLICIES: readonly DuplicatePolicy[] = ['error', 'first', 'last', 'mean'];

/** Validate a `duplicates` option (default `'error'`). */
export function checkDuplicatePolicy(name: string, value: unknown): DuplicatePolicy {
  return value === undefined ? 'error' : oneOf(name, value, DUPLICATE_POLICIES);
}

/**
 * Group boundaries of runs of equal, adjacent keys: group g is rows
 * [starts[g], starts[g + 1]). Returns null when every key differs from its
 * neighbour (no run longer than one row), so callers keep their arrays.
 */
export function groupStarts(keys: ArrayLike<number>): Uint32Array | null {
  const n = keys.length;
  let groups = n === 0 ? 0 : 1;
  for (let i = 1; i < n; i++) if (keys[i] !== keys[i - 1]) groups++;
  if (groups === n) return null;
  const starts = new Uint32Array(groups + 1);
  let g = 0;
  for (let i = 0; i < n; i++) if (i === 0 || keys[i] !== keys[i - 1]) starts[g++] = i;
  starts[groups] = n;
  return starts;
}

/** One value per group of `starts`: its first, its last, or its NaN-skipping mean. */
export function combineGroups(values: ArrayLike<number>, starts: Uint32Array, policy: Exclude<DuplicatePolicy, 'error'>): Float64Array {
  const groups = starts.length - 1;
  const out = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    const a = starts[g]!;
    const b = starts[g + 1]!;
    if (policy === 'first') out[g] = values[a]!;
    else if (policy === 'last') out[g] = values[b - 1]!;
    else {
      let sum = 0;
      let count = 0;
      for (let i = a; i < b; i++) {
        const v = values[i]!;
        if (!Number.isNaN(v)) {
          sum += v;
          count++;
        }
      }
      out[g] = count === 0 ? NaN : sum / count;
    }
  }
  return out;
}
