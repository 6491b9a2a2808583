/**
 * The regression part of a regression-with-ARIMA-errors model:
 * y_t = sum_j beta_j x_{j,t} + u_t, u_t ~ ARIMA. Starting values come, as
 * in R's arima(), from least squares on the differenced series, with
 * optimizer scales 10 se(beta_j); several regressors are first rotated to
 * orthogonal columns X V (V: right singular vectors of X) so that BFGS
 * sees uncorrelated directions, and rotated back after the fit.
 */
import { ols } from '../stats/ols.js';

/** Right singular vectors of the n x k matrix with columns cols: eigenvectors of X'X by cyclic Jacobi. */
export function rightSingularVectors(cols: Float64Array[]): Float64Array {
  const k = cols.length;
  const A = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    let s = 0;
    const ci = cols[i]!;
    const cj = cols[j]!;
    for (let t = 0; t < ci.length; t++) s += ci[t]! * cj[t]!;
    A[i * k + j] = s;
  }
  const V = new Float64Array(k * k);
  for (let i = 0; i < k; i++) V[i * k + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) off += A[i * k + j]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) {
      const apq = A[p * k + q]!;
      if (apq === 0) continue;
      const theta = (A[q * k + q]! - A[p * k + p]!) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let r = 0; r < k; r++) {
        // A <- J' A J on columns then rows p, q.
        const arp = A[r * k + p]!;
        const arq = A[r * k + q]!;
        A[r * k + p] = c * arp - s * arq;
        A[r * k + q] = s * arp + c * arq;
      }
      for (let r = 0; r < k; r++) {
        const apr = A[p * k + r]!;
        const aqr = A[q * k + r]!;
        A[p * k + r] = c * apr - s * aqr;
        A[q * k + r] = s * apr + c * aqr;
      }
      for (let r = 0; r < k; r++) {
        const vrp = V[r * k + p]!;
        const vrq = V[r * k + q]!;
        V[r * k + p] = c * vrp - s * vrq;
        V[r * k + q] = s * vrp + c * vrq;
      }
    }
  }
  // Columns in decreasing singular value, as LAPACK orders them.
  const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => A[b * k + b]! - A[a * k + a]!);
  const sorted = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) sorted[i * k + j] = V[i * k + order[j]!]!;
  return sorted; // row-major k x k, columns are the vectors
}

/** Columns X V. */
export function rotate(cols: Float64Array[], V: Float64Array): Float64Array[] {
  const k = cols.length;
  const n = cols[0]!.length;
  return Array.from({ length: k }, (_, j) => {
    const out = new Float64Array(n);
    for (let i = 0; i < k; i++) {
      const v = V[i * k + j]!;
      const c = cols[i]!;
      for (let t = 0; t < n; t++) out[t] = out[t]! + v * c[t]!;
    }
    return out;
  });
}

/** x - X beta. */
export function regressionResiduals(x: Float64Array, cols: Float64Array[], beta: ArrayLike<number>, offset = 0): Float64Array {
  const out = Float64Array.from(x);
  cols.forEach((c, j) => {
    const b = beta[offset + j]!;
    for (let t = 0; t < out.length; t++) out[t] = out[t]! - b * c[t]!;
  });
  return out;
}

/** (1 - B)^d (1 - B^m)^D x, dropping the first d + mD values (R's diff). */
export function difference(x: Float64Array, d: number, D: number, m: number): Float64Array {
  let w = x;
  for (let i = 0; i < d; i++) w = w.subarray(1).map((v, t) => v - w[t]!);
  for (let i = 0; i < D; i++) w = w.subarray(m).map((v, t) => v - w[t]!);
  return w;
}

/** Least-squares start: coefficients and 10 standard errors as optimizer scales. */
export function regressionStart(x: Float64Array, cols: Float64Array[], d: number, D: number, m: number): { coef: Float64Array; scale: Float64Array } {
  const k = cols.length;
  let y = difference(x, d, D, m);
  let X = cols.map((c) => difference(c, d, D, m));
  // A differenced design can vanish (an intercept under d > 0); R then regresses the levels.
  if (!(y.length > k) || X.some((c) => c.every((v) => v === 0))) {
    y = x;
    X = cols;
  }
  const n = y.length;
  const design = new Float64Array(n * k);
  for (let t = 0; t < n; t++) for (let j = 0; j < k; j++) design[t * k + j] = X[j]![t]!;
  const fit = ols(design, n, k, y);
  return { coef: fit.coef, scale: Float64Array.from({ length: k }, (_, j) => 10 * fit.stdError(j)) };
}
