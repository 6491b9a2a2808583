/**
 * Ordinary least squares for small designs (a few dozen columns), by
 * Householder QR in double precision: coefficients, the residual sum of
 * squares and the standard error of one coefficient.
 */
export interface OlsFit {
  coef: Float64Array;
  ssr: number;
  /** Residuals y - X b. */
  resid: Float64Array;
  /** sqrt(ssr / (n - k) * ((X'X)^-1)_jj) for column j. */
  stdError(j: number): number;
}

/**
 * @param X row-major design, n rows of k columns (n > k, full column rank)
 * @param y n responses
 */
export function ols(X: Float64Array, n: number, k: number, y: ArrayLike<number>): OlsFit {
  const A = Float64Array.from(X); // n x k, becomes R in its top k rows (and the reflectors below)
  const b = Float64Array.from(y);
  const tau = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let norm = 0;
    for (let i = j; i < n; i++) norm += A[i * k + j]! ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) throw new Error('ols: the design is rank deficient');
    const alpha = A[j * k + j]! > 0 ? -norm : norm;
    const v0 = A[j * k + j]! - alpha;
    // v = (v0, A[j+1.., j]); H = I - 2 v v^T / (v^T v)
    let vtv = v0 * v0;
    for (let i = j + 1; i < n; i++) vtv += A[i * k + j]! ** 2;
    tau[j] = vtv === 0 ? 0 : 2 / vtv;
    A[j * k + j] = v0;
    for (let c = j + 1; c < k; c++) {
      let s = 0;
      for (let i = j; i < n; i++) s += A[i * k + j]! * A[i * k + c]!;
      s *= tau[j]!;
      for (let i = j; i < n; i++) A[i * k + c] = A[i * k + c]! - s * A[i * k + j]!;
    }
    let s = 0;
    for (let i = j; i < n; i++) s += A[i * k + j]! * b[i]!;
    s *= tau[j]!;
    for (let i = j; i < n; i++) b[i] = b[i]! - s * A[i * k + j]!;
    A[j * k + j] = alpha; // R's diagonal
  }
  // Back substitution R coef = (Q^T y)[0..k).
  const coef = new Float64Array(k);
  for (let j = k - 1; j >= 0; j--) {
    let s = b[j]!;
    for (let c = j + 1; c < k; c++) s -= A[j * k + c]! * coef[c]!;
    coef[j] = s / A[j * k + j]!;
  }
  const resid = new Float64Array(n);
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let c = 0; c < k; c++) f += X[i * k + c]! * coef[c]!;
    resid[i] = y[i]! - f;
    ssr += resid[i]! ** 2;
  }
  // (X'X)^-1 = R^-1 R^-T: its (j, j) is the squared norm of row j of R^-1.
  const rInv = new Float64Array(k * k);
  for (let c = 0; c < k; c++) {
    for (let r = c; r >= 0; r--) {
      let s = r === c ? 1 : 0;
      for (let m = r + 1; m <= c; m++) s -= A[r * k + m]! * rInv[m * k + c]!;
      rInv[r * k + c] = s / A[r * k + r]!;
    }
  }
  return {
    coef,
    ssr,
    resid,
    stdError(j: number) {
      let s = 0;
      for (let c = j; c < k; c++) s += rInv[j * k + c]! ** 2;
      return Math.sqrt((ssr / (n - k)) * s);
    },
  };
}
