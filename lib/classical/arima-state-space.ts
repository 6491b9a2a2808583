/**
 * ARIMA as a state-space model and its Kalman filter, the formulation of
 * R's arima() (Gardner, Harvey and Phillips 1980; Durbin and Koopman 2001):
 *
 *   state  a_t = [ARMA part (r values); the last d undifferenced values]
 *          r = max(p, q + 1), p and q of the expanded polynomials, d = deg Delta
 *   a_{t+1} = T a_t + R e_t,   e_t ~ N(0, s2),   y_t = Z' a_t
 *   T: ARMA block is the companion form (phi in column 0, ones on the
 *      superdiagonal); row r is Z (the differencing), then a shift
 *   R = (1, theta_1 .. theta_{r-1}, 0 .. 0),  Z = (1, 0 .. 0, Delta)
 *   where (1 - B)^d (1 - B^m)^D = 1 - sum Delta_i B^i.
 *
 * The ARMA block starts at its stationary covariance Q0 (P = T P T' + R R');
 * the differencing states are diffuse, variance kappa = 1e6, and steps
 * whose innovation variance F_t >= 1e4 (dominated by kappa) are left out of
 * the likelihood, so it equals the exact likelihood of the differenced series.
 * Concentrated Gaussian log-likelihood of n_u used steps:
 *   s2 = (1/n_u) sum v_t^2 / F_t,   -2 log L = n_u (log 2 pi s2 + 1) + sum log F_t.
 * Matrices are rd x rd, column-major, symmetric.
 */
export const KAPPA = 1e6;

export interface ArimaStateSpace {
  phi: Float64Array;
  /** theta padded with zeros to r - 1. */
  theta: Float64Array;
  delta: Float64Array;
  r: number;
  rd: number;
  /** Filtered state and covariance after the last observation (start: zeros). */
  a: Float64Array;
  P: Float64Array;
  /** Predicted covariance for the first observation. */
  Pn: Float64Array;
}

/** Delta of (1 - B)^d (1 - B^m)^D, as 1 - sum Delta_i B^i (R's Delta). */
export function differencingPolynomial(d: number, D: number, m: number): Float64Array {
  let poly = [1];
  const times = (f: number[]) => {
    const out = new Array<number>(poly.length + f.length - 1).fill(0);
    poly.forEach((a, i) => f.forEach((b, j) => (out[i + j] += a * b)));
    poly = out;
  };
  for (let i = 0; i < d; i++) times([1, -1]);
  for (let i = 0; i < D; i++) times([1, ...new Array<number>(m - 1).fill(0), -1]);
  return Float64Array.from(poly.slice(1), (v) => -v);
}

/**
 * Stationary covariance of the ARMA block: P = T P T' + R R', by doubling
 * (P <- P + A P A', A <- A A, which sums T^j R R' T'^j for j < 2^k).
 * Returns null when the AR part is not stationary (the sum does not settle).
 */
export function stationaryCovariance(phi: Float64Array, theta: Float64Array, r: number): Float64Array | null {
  const p = phi.length;
  const P = new Float64Array(r * r);
  if (r === 1) {
    const v = p > 0 ? 1 / (1 - phi[0]! * phi[0]!) : 1;
    if (!(v > 0) || !Number.isFinite(v)) return null;
    P[0] = v;
    return P;
  }
  const Rv = new Float64Array(r);
  Rv[0] = 1;
  for (let i = 1; i < r; i++) Rv[i] = theta[i - 1] ?? 0;
  for (let j = 0; j < r; j++) for (let i = 0; i < r; i++) P[i + r * j] = Rv[i]! * Rv[j]!;
  let A = new Float64Array(r * r);
  for (let i = 0; i < p; i++) A[i] = phi[i]!; // column 0
  for (let i = 0; i + 1 < r; i++) A[i + r * (i + 1)] = 1;
  const AP = new Float64Array(r * r);
  const next = new Float64Array(r * r);
  for (let iter = 0; iter < 64; iter++) {
    // AP = A P; add = AP A'
    AP.fill(0);
    for (let j = 0; j < r; j++) for (let k = 0; k < r; k++) {
      const pk = P[k + r * j]!;
      if (pk === 0) continue;
      for (let i = 0; i < r; i++) AP[i + r * j] = AP[i + r * j]! + A[i + r * k]! * pk;
    }
    let change = 0;
    let size = 0;
    for (let j = 0; j < r; j++) for (let i = 0; i < r; i++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += AP[i + r * k]! * A[j + r * k]!;
      P[i + r * j] = P[i + r * j]! + s;
      change = Math.max(change, Math.abs(s));
      size = Math.max(size, Math.abs(P[i + r * j]!));
    }
    if (!Number.isFinite(size)) return null;
    if (change <= 1e-17 * size) {
      // The sums above are symmetric only to rounding; the filter reads the lower triangle.
      mirrorLower(P, r);
      return P;
    }
    next.fill(0);
    for (let j = 0; j < r; j++) for (let k = 0; k < r; k++) {
      const akj = A[k + r * j]!;
      if (akj === 0) continue;
      for (let i = 0; i < r; i++) next[i + r * j] = next[i + r * j]! + A[i + r * k]! * akj;
    }
    A = Float64Array.from(next);
  }
  return null;
}

/** The model for AR polynomial phi, MA polynomial theta and differencing delta; null if not stationary. */
export function makeStateSpace(phi: Float64Array, theta: Float64Array, delta: Float64Array): ArimaStateSpace | null {
  const p = phi.length;
  const q = theta.length;
  const r = Math.max(p, q + 1);
  const d = delta.length;
  const rd = r + d;
  const Q0 = stationaryCovariance(phi, theta, r);
  if (Q0 === null) return null;
  const Pn = new Float64Array(rd * rd);
  for (let j = 0; j < r; j++) for (let i = 0; i < r; i++) Pn[i + rd * j] = Q0[i + r * j]!;
  for (let i = r; i < rd; i++) Pn[i + rd * i] = KAPPA;
  const thetaPadded = new Float64Array(r - 1);
  thetaPadded.set(theta.subarray(0, Math.min(q, r - 1)));
  return { phi, theta: thetaPadded, delta, r, rd, a: new Float64Array(rd), P: new Float64Array(rd * rd), Pn };
}

/**
 * The sparse structure of T, Z and R R', used by every step:
 * T x = (phi_i x_0 + x_{i+1} for i < r; x_0 + Delta'x_d; shifted x_d).
 */
interface Structure {
  phiNz: Int32Array;
  deltaNz: Int32Array;
  /** R R' (rd x rd, column-major), R = (1, theta, 0 .. 0). */
  RRt: Float64Array;
}

function structure(m: ArimaStateSpace): Structure {
  const nonZero = (v: Float64Array) => Int32Array.from(v.keys()).filter((i) => v[i] !== 0);
  const { rd } = m;
  const R = new Float64Array(rd);
  R[0] = 1;
  R.set(m.theta, 1);
  const RRt = new Float64Array(rd * rd);
  for (let j = 0; j < rd; j++) for (let i = 0; i < rd; i++) RRt[i + rd * j] = R[i]! * R[j]!;
  return { phiNz: nonZero(m.phi), deltaNz: nonZero(m.delta), RRt };
}

/** out = T v for a state vector (or one column of a column-major matrix) at offset off. */
function applyT(m: ArimaStateSpace, st: Structure, v: Float64Array, off: number, out: Float64Array, oOff: number): void {
  const { phi, delta, r, rd } = m;
  const { phiNz, deltaNz } = st;
  const v0 = v[off]!;
  for (let i = 0; i < r - 1; i++) out[oOff + i] = v[off + i + 1]!;
  out[oOff + r - 1] = 0;
  for (let n = 0; n < phiNz.length; n++) {
    const i = phiNz[n]!;
    out[oOff + i] = out[oOff + i]! + phi[i]! * v0;
  }
  if (rd > r) {
    let t = v0;
    for (let n = 0; n < deltaNz.length; n++) t += delta[deltaNz[n]!]! * v[off + r + deltaNz[n]!]!;
    out[oOff + r] = t;
    for (let i = r + 1; i < rd; i++) out[oOff + i] = v[off + i - 1]!;
  }
}

/**
 * Pnew = T P T' + R R' for symmetric P (column-major rd x rd), in two
 * sparse passes: A = T P column by column, then Pnew = A T', whose column j
 * is sum_k T[j, k] A[:, k] (A[:, j + 1] + phi_j A[:, 0] in the ARMA block,
 * A[:, 0] + sum Delta_k A[:, r + k] in row r, A[:, j - 1] below). Only the
 * lower triangle is computed, then mirrored. Returns the relative change
 * max |Pnew - previous Pnew| / max |Pnew|, which the filter uses to detect
 * the steady state.
 */
function predictCovariance(m: ArimaStateSpace, st: Structure, P: Float64Array, Pnew: Float64Array, A: Float64Array): number {
  const { phi, delta, r, rd } = m;
  const { phiNz, deltaNz, RRt } = st;
  for (let j = 0; j < rd; j++) applyT(m, st, P, rd * j, A, rd * j);
  let change = 0;
  let size = 0;
  // Walks phiNz with j: phi_j, or 0 when lag j + 1 has no AR coefficient.
  let nextPhi = 0;
  for (let j = 0; j < rd; j++) {
    const c = rd * j;
    const pj = j < r && nextPhi < phiNz.length && phiNz[nextPhi] === j ? phi[phiNz[nextPhi++]!]! : 0;
    const src = j < r - 1 ? rd * (j + 1) : rd * (j - 1);
    for (let i = j; i < rd; i++) {
      let x: number;
      if (j < r - 1) x = A[src + i]! + pj * A[i]!;
      else if (j === r - 1) x = pj * A[i]!;
      else if (j === r) {
        x = A[i]!;
        for (let n = 0; n < deltaNz.length; n++) x += delta[deltaNz[n]!]! * A[rd * (r + deltaNz[n]!) + i]!;
      } else x = A[src + i]!;
      x += RRt[c + i]!;
      change = Math.max(change, Math.abs(x - Pnew[c + i]!));
      size = Math.max(size, Math.abs(x));
      Pnew[c + i] = x;
    }
  }
  mirrorLower(Pnew, rd);
  return change / size;
}

/** Copies the lower triangle of a column-major n x n matrix onto its upper one. */
function mirrorLower(S: Float64Array, n: number): void {
  for (let j = 1; j < n; j++) for (let i = 0; i < j; i++) S[i + n * j] = S[j + n * i]!;
}

/** M = Pnew Z (Z = (1, 0.., 0, Delta)); returns F = Z'M. */
function gain(m: ArimaStateSpace, st: Structure, Pnew: Float64Array, M: Float64Array): number {
  const { delta, r, rd } = m;
  for (let i = 0; i < rd; i++) M[i] = Pnew[i]!;
  for (const k of st.deltaNz) {
    const dk = delta[k]!;
    const src = rd * (r + k);
    for (let i = 0; i < rd; i++) M[i] = M[i]! + dk * Pnew[src + i]!;
  }
  let F = M[0]!;
  for (const k of st.deltaNz) F += delta[k]! * M[r + k]!;
  return F;
}

export interface FilterResult {
  /** sum v_t^2 / F_t, sum log F_t and the count n_u over the steps in the likelihood. */
  ssq: number;
  sumlog: number;
  used: number;
  /** Standardized innovations v_t / sqrt(F_t) (R's arima residuals), when asked. */
  residuals?: Float64Array;
}

/**
 * Runs the filter over y from the model's start (state 0, covariance Pn),
 * leaving the final filtered state in m.a and m.P (for forecasting).
 */
export function kalmanFilter(m: ArimaStateSpace, y: ArrayLike<number>, withResiduals: boolean): FilterResult {
  const { r, rd, delta } = m;
  const st = structure(m);
  const { deltaNz } = st;
  const a = m.a.fill(0);
  const P = m.P;
  const Pnew = Float64Array.from(m.Pn);
  const anew = new Float64Array(rd);
  const M = new Float64Array(rd);
  const work = new Float64Array(rd * rd);
  const residuals = withResiduals ? new Float64Array(y.length) : undefined;
  let ssq = 0;
  let sumlog = 0;
  let used = 0;
  let F = 0;
  // Once the predicted covariance stops changing (the Riccati recursion has
  // reached its fixed point, to 1e-13 of its size), M, F and P stay put and
  // only the state is updated.
  let steady = false;
  for (let t = 0; t < y.length; t++) {
    applyT(m, st, a, 0, anew, 0);
    if (!steady) {
      if (t > 0) steady = predictCovariance(m, st, P, Pnew, work) <= 1e-13;
      F = gain(m, st, Pnew, M);
    }
    // v = y - Z'anew
    let v = y[t]! - anew[0]!;
    for (let n = 0; n < deltaNz.length; n++) v -= delta[deltaNz[n]!]! * anew[r + deltaNz[n]!]!;
    if (F < 1e4) {
      used++;
      ssq += (v * v) / F;
      sumlog += Math.log(F);
    }
    if (residuals) residuals[t] = v / Math.sqrt(F);
    // Same operation order as R's ARIMA_Like, so fits follow R's optimizer path to the last digits.
    for (let i = 0; i < rd; i++) a[i] = anew[i]! + (M[i]! * v) / F;
    if (!steady) {
      // P = Pnew - M M' / F, symmetric: the lower triangle, mirrored.
      for (let j = 0; j < rd; j++) {
        const mj = M[j]!;
        const col = rd * j;
        for (let i = j; i < rd; i++) P[col + i] = Pnew[col + i]! - (M[i]! * mj) / F;
      }
      mirrorLower(P, rd);
    }
  }
  return { ssq, sumlog, used, residuals };
}

/** h-step forecasts from the filtered state: means Z'a_{T+j} and variances Z'P_{T+j}Z (in units of s2). */
export function kalmanForecast(m: ArimaStateSpace, h: number): { mean: Float64Array; variance: Float64Array } {
  const { rd } = m;
  const st = structure(m);
  let a = Float64Array.from(m.a);
  let P = Float64Array.from(m.P);
  let anew = new Float64Array(rd);
  let Pnew = new Float64Array(rd * rd);
  const work = new Float64Array(rd * rd);
  const M = new Float64Array(rd);
  const mean = new Float64Array(h);
  const variance = new Float64Array(h);
  for (let step = 0; step < h; step++) {
    applyT(m, st, a, 0, anew, 0);
    let f = anew[0]!;
    for (let n = 0; n < st.deltaNz.length; n++) f += m.delta[st.deltaNz[n]!]! * anew[m.r + st.deltaNz[n]!]!;
    mean[step] = f;
    predictCovariance(m, st, P, Pnew, work);
    variance[step] = gain(m, st, Pnew, M);
    [a, anew] = [anew, a];
    [P, Pnew] = [Pnew, P];
  }
  return { mean, variance };
}
