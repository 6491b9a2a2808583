/**
 * Parameter maps of R's arima(), kept apart from the likelihood:
 * - the stationarity transform: an unconstrained vector u maps to partial
 *   autocorrelations tanh(u) in (-1, 1), then the Durbin-Levinson
 *   recursion turns those into the AR coefficients of a stationary
 *   process (Jones 1980; R's partrans), and its inverse;
 * - the expansion of a multiplicative seasonal model
 *   (1 - phi(B))(1 - Phi(B^m)) and (1 + theta(B))(1 + Theta(B^m)) into one
 *   AR and one MA polynomial;
 * - reflecting MA roots inside the unit circle (invertibility) and the AR
 *   stationarity check, both through the polynomial roots.
 * Coefficient vectors are laid out as R's: ar[p], ma[q], sar[P], sma[Q], then regressors.
 */
import { polyroots, rootModuli } from '../numeric/polyroot.js';

export interface ArmaOrder {
  p: number;
  q: number;
  P: number;
  Q: number;
  /** Season length (1 when there is no seasonal part). */
  m: number;
}

/** tanh then Durbin-Levinson: u[off..off+k) -> stationary AR coefficients, written to out. */
function toStationary(u: ArrayLike<number>, off: number, k: number, out: Float64Array): void {
  const pacf = new Float64Array(k);
  for (let j = 0; j < k; j++) pacf[j] = Math.tanh(u[off + j]!);
  const phi = Float64Array.from(pacf);
  const work = Float64Array.from(pacf);
  // phi_{j,i} = phi_{j-1,i} - phi_{jj} phi_{j-1,j-i}
  for (let j = 1; j < k; j++) {
    const a = phi[j]!;
    for (let i = 0; i < j; i++) work[i] = work[i]! - a * phi[j - i - 1]!;
    for (let i = 0; i < j; i++) phi[i] = work[i]!;
  }
  for (let j = 0; j < k; j++) out[off + j] = phi[j]!;
}

/** The inverse map: AR coefficients -> unconstrained parameters (atanh of the PACF). */
function fromStationary(phiIn: ArrayLike<number>, off: number, k: number, out: Float64Array): void {
  const phi = new Float64Array(k);
  for (let j = 0; j < k; j++) phi[j] = phiIn[off + j]!;
  const work = Float64Array.from(phi);
  for (let j = k - 1; j > 0; j--) {
    const a = phi[j]!;
    for (let i = 0; i < j; i++) work[i] = (phi[i]! + a * phi[j - i - 1]!) / (1 - a * a);
    for (let i = 0; i < j; i++) phi[i] = work[i]!;
  }
  for (let j = 0; j < k; j++) out[off + j] = Math.atanh(phi[j]!);
}

/** Applies the stationarity transform to the ar and sar blocks; other entries pass through. */
export function transformPars(par: ArrayLike<number>, o: ArmaOrder): Float64Array {
  const out = Float64Array.from(par);
  if (o.p > 0) toStationary(par, 0, o.p, out);
  if (o.P > 0) toStationary(par, o.p + o.q, o.P, out);
  return out;
}

/** The inverse of transformPars. */
export function untransformPars(par: ArrayLike<number>, o: ArmaOrder): Float64Array {
  const out = Float64Array.from(par);
  if (o.p > 0) fromStationary(par, 0, o.p, out);
  if (o.P > 0) fromStationary(par, o.p + o.q, o.P, out);
  return out;
}

/**
 * The full AR and MA polynomials of a (possibly seasonal) model:
 *   phi   (length p + mP): 1 - sum phi_i B^i = (1 - sum ar_i B^i)(1 - sum sar_j B^{mj})
 *   theta (length q + mQ): 1 + sum theta_i B^i = (1 + sum ma_i B^i)(1 + sum sma_j B^{mj})
 */
export function expandArma(par: ArrayLike<number>, o: ArmaOrder): { phi: Float64Array; theta: Float64Array } {
  const { p, q, P, Q, m } = o;
  const phi = new Float64Array(p + m * P);
  const theta = new Float64Array(q + m * Q);
  for (let i = 0; i < p; i++) phi[i] = par[i]!;
  for (let i = 0; i < q; i++) theta[i] = par[p + i]!;
  for (let j = 0; j < P; j++) {
    const s = par[p + q + j]!;
    phi[(j + 1) * m - 1] = phi[(j + 1) * m - 1]! + s;
    for (let i = 0; i < p; i++) phi[(j + 1) * m + i] = phi[(j + 1) * m + i]! - par[i]! * s;
  }
  for (let j = 0; j < Q; j++) {
    const s = par[p + q + P + j]!;
    theta[(j + 1) * m - 1] = theta[(j + 1) * m - 1]! + s;
    for (let i = 0; i < q; i++) theta[(j + 1) * m + i] = theta[(j + 1) * m + i]! + par[p + i]! * s;
  }
  return { phi, theta };
}

/** True when 1 - sum ar_i z^i has all roots outside the unit circle (R's arCheck). */
export function arStationary(ar: ArrayLike<number>): boolean {
  let k = ar.length;
  while (k > 0 && ar[k - 1] === 0) k--;
  if (k === 0) return true;
  const c = [1];
  for (let i = 0; i < k; i++) c.push(-ar[i]!);
  return rootModuli(c).min > 1;
}

/**
 * Reflects the roots of 1 + sum ma_i z^i that lie inside the unit circle to
 * 1 / z (same autocovariances, invertible form), as R's maInvert.
 */
export function invertMa(ma: ArrayLike<number>): Float64Array {
  const q = ma.length;
  let q0 = q;
  while (q0 > 0 && ma[q0 - 1] === 0) q0--;
  const out = Float64Array.from(ma);
  if (q0 === 0) return out;
  const c = [1];
  for (let i = 0; i < q0; i++) c.push(ma[i]!);
  const { re, im } = polyroots(c);
  let inside = false;
  for (let k = 0; k < q0; k++) if (Math.hypot(re[k]!, im[k]!) < 1) inside = true;
  if (!inside) return out;
  if (q0 === 1) {
    out.fill(0);
    out[0] = 1 / ma[0]!;
    return out;
  }
  for (let k = 0; k < q0; k++) {
    const mod2 = re[k]! ** 2 + im[k]! ** 2;
    if (mod2 < 1) {
      re[k] = re[k]! / mod2;
      im[k] = -im[k]! / mod2;
    }
  }
  // prod_k (1 - z / r_k), coefficients in complex arithmetic.
  let xr = [1];
  let xi = [0];
  for (let k = 0; k < q0; k++) {
    const d = re[k]! ** 2 + im[k]! ** 2;
    const ir = re[k]! / d; // 1 / r_k
    const ii = -im[k]! / d;
    const nr = [...xr, 0];
    const ni = [...xi, 0];
    for (let j = 0; j < xr.length; j++) {
      nr[j + 1] = nr[j + 1]! - (xr[j]! * ir - xi[j]! * ii);
      ni[j + 1] = ni[j + 1]! - (xr[j]! * ii + xi[j]! * ir);
    }
    xr = nr;
    xi = ni;
  }
  out.fill(0);
  for (let i = 0; i < q0; i++) out[i] = xr[i + 1]!;
  return out;
}

/**
 * d transformPars(u)_j / d u_i by forward differences with step 1e-3 (R's
 * ARIMA_Gradtrans), row-major n x n with row i = the raw parameter: the
 * delta-method map from the optimizer's Hessian to the coefficients' covariance.
 */
export function transformJacobian(raw: ArrayLike<number>, o: ArmaOrder): Float64Array {
  const n = raw.length;
  const J = new Float64Array(n * n);
  for (let i = 0; i < n; i++) J[i * n + i] = 1;
  const block = (off: number, k: number) => {
    if (k === 0) return;
    const w1 = Float64Array.from({ length: k }, (_, i) => raw[off + i]!);
    const w2 = new Float64Array(k);
    const w3 = new Float64Array(k);
    toStationary(w1, 0, k, w2);
    for (let i = 0; i < k; i++) {
      const keep = w1[i]!;
      w1[i] = keep + 1e-3;
      toStationary(w1, 0, k, w3);
      for (let j = 0; j < k; j++) J[(off + i) * n + off + j] = (w3[j]! - w2[j]!) / 1e-3;
      w1[i] = keep;
    }
  };
  block(0, o.p);
  block(o.p + o.q, o.P);
  return J;
}
