/**
 * Dense linear solves for small systems (Gaussian elimination with partial
 * pivoting), refusing a matrix whose reciprocal 1-norm condition number is
 * below machine epsilon, like R's solve().
 */

/** A^-1 for a row-major n x n A, or null when A is singular to working precision. */
export function inverse(A: ArrayLike<number>, n: number): Float64Array | null {
  const M = Float64Array.from(A);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  let norm = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(M[i * n + j]!);
    norm = Math.max(norm, s);
  }
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]!) > Math.abs(M[piv * n + c]!)) piv = r;
    const pv = M[piv * n + c]!;
    if (pv === 0 || !Number.isFinite(pv)) return null;
    if (piv !== c) {
      for (let k = 0; k < n; k++) {
        [M[c * n + k], M[piv * n + k]] = [M[piv * n + k]!, M[c * n + k]!];
        [inv[c * n + k], inv[piv * n + k]] = [inv[piv * n + k]!, inv[c * n + k]!];
      }
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r * n + c]! / pv;
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        M[r * n + k] = M[r * n + k]! - f * M[c * n + k]!;
        inv[r * n + k] = inv[r * n + k]! - f * inv[c * n + k]!;
      }
    }
  }
  for (let r = 0; r < n; r++) {
    const d = M[r * n + r]!;
    for (let k = 0; k < n; k++) inv[r * n + k] = inv[r * n + k]! / d;
  }
  let invNorm = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(inv[i * n + j]!);
    invNorm = Math.max(invNorm, s);
  }
  if (!Number.isFinite(invNorm) || 1 / (norm * invNorm) < Number.EPSILON) return null;
  return inv;
}
