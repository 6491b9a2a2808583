/**
 * Forecast means and variances of ETS models (Hyndman, Koehler, Ord and
 * Snyder 2008, ch. 6), as R forecast's class1/class2/class3:
 * - class 1, additive errors (N or A trend and season): mean from the
 *   state, variance sigma^2 (1 + sum_{j<h} c_j^2), c_j = alpha + beta phi_j
 *   + gamma [j mod m = 0], phi_j = phi + .. + phi^j;
 * - class 2, multiplicative errors with N or A season: the class-1 mean mu_h,
 *   theta_1 = mu_1^2, theta_h = mu_h^2 + sigma^2 sum_{j<h} c_j^2 theta_{h-j},
 *   variance (1 + sigma^2) theta_h - mu_h^2;
 * - class 3, multiplicative errors and season: the joint moments of the
 *   (level, trend) x season outer product, propagated with Kronecker
 *   products (F, G, H of both parts); the mean includes sigma^2 terms.
 */
export interface EtsState {
  l: number;
  b: number;
  /** Seasonal states, s[0] the newest; s[m - 1] is used next. */
  s: Float64Array;
}

export interface EtsSpec {
  error: 'A' | 'M';
  trend: 'N' | 'A' | 'Ad';
  season: 'N' | 'A' | 'M';
  m: number;
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  sigma2: number;
}

/** Point forecasts with additive season and c_j (class 1). */
function class1(h: number, st: EtsState, sp: EtsSpec): { mu: Float64Array; c: Float64Array } {
  const damp = sp.trend === 'Ad' ? sp.phi : 1;
  const mu = new Float64Array(h);
  const c = new Float64Array(h); // c[j - 1] = c_j
  let phiSum = 0;
  for (let j = 1; j <= h; j++) {
    phiSum += damp ** j;
    const seasonal = sp.season === 'A' ? st.s[sp.m - ((j - 1) % sp.m) - 1]! : 0;
    mu[j - 1] = st.l + (sp.trend === 'N' ? 0 : phiSum * st.b) + seasonal;
    c[j - 1] = sp.alpha + (sp.trend === 'N' ? 0 : sp.beta * phiSum) + (sp.season === 'A' && j % sp.m === 0 ? sp.gamma : 0);
  }
  return { mu, c };
}

type Mat = { r: number; c: number; a: Float64Array };
const mat = (r: number, c: number, a?: ArrayLike<number>): Mat => ({ r, c, a: a ? Float64Array.from(a) : new Float64Array(r * c) });
const mul = (x: Mat, y: Mat): Mat => {
  const out = mat(x.r, y.c);
  for (let i = 0; i < x.r; i++) for (let k = 0; k < x.c; k++) {
    const v = x.a[i * x.c + k]!;
    if (v === 0) continue;
    for (let j = 0; j < y.c; j++) out.a[i * y.c + j] = out.a[i * y.c + j]! + v * y.a[k * y.c + j]!;
  }
  return out;
};
const tr = (x: Mat): Mat => {
  const out = mat(x.c, x.r);
  for (let i = 0; i < x.r; i++) for (let j = 0; j < x.c; j++) out.a[j * x.r + i] = x.a[i * x.c + j]!;
  return out;
};
const add = (...xs: Mat[]): Mat => {
  const out = mat(xs[0]!.r, xs[0]!.c);
  for (const x of xs) for (let i = 0; i < out.a.length; i++) out.a[i] = out.a[i]! + x.a[i]!;
  return out;
};
const scale = (x: Mat, k: number): Mat => mat(x.r, x.c, x.a.map((v) => v * k));
const kron = (x: Mat, y: Mat): Mat => {
  const out = mat(x.r * y.r, x.c * y.c);
  for (let i = 0; i < x.r; i++) for (let j = 0; j < x.c; j++) for (let k = 0; k < y.r; k++) for (let l = 0; l < y.c; l++) {
    out.a[(i * y.r + k) * out.c + j * y.c + l] = x.a[i * x.c + j]! * y.a[k * y.c + l]!;
  }
  return out;
};

/** Class 3: E and Var of y_{T+h} for multiplicative error and season. */
function class3(h: number, st: EtsState, sp: EtsSpec): { mean: Float64Array; variance: Float64Array } {
  const m = sp.m;
  const hasTrend = sp.trend !== 'N';
  const d1 = hasTrend ? 2 : 1;
  const H1 = mat(1, d1, new Array(d1).fill(1));
  const H2 = mat(1, m);
  H2.a[m - 1] = 1;
  const F1 = hasTrend ? mat(2, 2, [1, 1, 0, sp.trend === 'Ad' ? sp.phi : 1]) : mat(1, 1, [1]);
  const G1 = hasTrend ? mat(2, 2, [sp.alpha, sp.alpha, sp.beta, sp.beta]) : mat(1, 1, [sp.alpha]);
  const F2 = mat(m, m);
  F2.a[m - 1] = 1; // row 0: (0 .. 0, 1)
  for (let i = 1; i < m; i++) F2.a[i * m + (i - 1)] = 1;
  const G2 = mat(m, m);
  G2.a[m - 1] = sp.gamma; // G2[1, m]
  let Mh = mul(mat(d1, 1, hasTrend ? [st.l, st.b] : [st.l]), mat(1, m, st.s));
  const dim = d1 * m;
  let Vh = mat(dim, dim);
  const H21 = kron(H2, H1);
  const F21 = kron(F2, F1);
  const G21 = kron(G2, G1);
  const K = add(kron(G2, F1), kron(F2, G1));
  const s2 = sp.sigma2;
  const mean = new Float64Array(h);
  const variance = new Float64Array(h);
  const quad = (A: Mat, V: Mat, B: Mat) => mul(mul(A, V), tr(B));
  for (let i = 0; i < h; i++) {
    mean[i] = mul(mul(H1, Mh), tr(H2)).a[0]!;
    variance[i] = (1 + s2) * quad(H21, Vh, H21).a[0]! + s2 * mean[i]! ** 2;
    // vec(Mh), column-major as R's c(Mh).
    const vec = mat(dim, 1);
    for (let c = 0; c < m; c++) for (let r = 0; r < d1; r++) vec.a[c * d1 + r] = Mh.a[r * m + c]!;
    const vv = mul(vec, tr(vec));
    Vh = add(
      quad(F21, Vh, F21),
      scale(add(quad(F21, Vh, G21), quad(G21, Vh, F21), quad(K, add(Vh, vv), K), scale(quad(G21, add(scale(Vh, 3), scale(vv, 2)), G21), s2)), s2),
    );
    Mh = add(mul(mul(F1, Mh), tr(F2)), scale(mul(mul(G1, Mh), tr(G2)), s2));
  }
  return { mean, variance };
}

/** Forecast mean and variance for h steps from the final state. */
export function etsMoments(h: number, st: EtsState, sp: EtsSpec): { mean: Float64Array; variance: Float64Array } {
  if (sp.error === 'M' && sp.season === 'M') return class3(h, st, sp);
  const { mu, c } = class1(h, st, sp);
  const variance = new Float64Array(h);
  if (sp.error === 'A') {
    let sum = 1;
    for (let j = 0; j < h; j++) {
      variance[j] = sp.sigma2 * sum;
      sum += c[j]! ** 2;
    }
    return { mean: mu, variance };
  }
  const theta = new Float64Array(h);
  for (let j = 0; j < h; j++) {
    let t = mu[j]! ** 2;
    for (let k = 0; k < j; k++) t += sp.sigma2 * c[k]! ** 2 * theta[j - 1 - k]!;
    theta[j] = t;
    variance[j] = (1 + sp.sigma2) * theta[j]! - mu[j]! ** 2;
  }
  return { mean: mu, variance };
}
