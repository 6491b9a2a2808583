/** Seeded test data (mulberry32), so every test run sees the same numbers. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniform(rand: () => number, n: number, lo: number, hi: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rand();
  return out;
}

/** max |a - b| and the index where it occurs. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; at: number } {
  let max = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) {
      max = d;
      at = i;
    }
  }
  return { max, at };
}

/**
 * Elements violating |a - b| <= atol + rtol * |b| (b is the oracle); returns
 * the worst one for the assertion message, or null when all are close.
 */
export function firstMismatch(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  atol: number,
  rtol: number,
): { index: number; actual: number; expected: number } | null {
  if (a.length !== b.length) return { index: -1, actual: a.length, expected: b.length };
  let worst: { index: number; actual: number; expected: number; excess: number } | null = null;
  for (let i = 0; i < a.length; i++) {
    const excess = Math.abs(a[i]! - b[i]!) - (atol + rtol * Math.abs(b[i]!));
    if (!(excess <= 0) && (worst === null || excess > worst.excess)) worst = { index: i, actual: a[i]!, expected: b[i]!, excess };
  }
  return worst && { index: worst.index, actual: worst.actual, expected: worst.expected };
}
