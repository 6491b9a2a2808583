/**
 * Variable-metric (BFGS) minimization as R's optim(method = "BFGS") /
 * vmmin, the routine R's arima() uses, with optim's numerical gradient:
 *   g_i = (f(p + e_i eps) - f(p - e_i eps)) / (2 eps),  eps = ndeps = 1e-3,
 * taken on the scaled parameters p = par / parscale.
 * The inverse Hessian B starts at I and is reset when the search direction
 * is not downhill or after 2n gradient steps without one; the line search
 * backtracks by 0.2 until f <= f0 + 1e-4 step g'd. It stops when a step
 * changes f by no more than reltol (|f| + reltol) or after maxit gradients.
 */
export interface BfgsResult {
  par: Float64Array;
  value: number;
  /** true when it stopped on the tolerance, false when maxit ran out. */
  converged: boolean;
  evaluations: number;
}

export class NonFiniteError extends Error {}

/** f(p) = fn(p * scale): the objective on the scaled parameters optim works with. */
function scaled(fn: (par: Float64Array) => number, scale: Float64Array, count: () => void): (p: Float64Array) => number {
  const x = new Float64Array(scale.length);
  return (p) => {
    for (let i = 0; i < x.length; i++) x[i] = p[i]! * scale[i]!;
    count();
    return fn(x);
  };
}

/** optim's central differences on the scaled parameters: g_i = (f(p + eps e_i) - f(p - eps e_i)) / (2 eps). */
function numericGradient(f: (p: Float64Array) => number, p: Float64Array, g: Float64Array, eps: number): void {
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]!;
    p[i] = pi + eps;
    const up = f(p);
    p[i] = pi - eps;
    const down = f(p);
    p[i] = pi;
    g[i] = (up - down) / (2 * eps);
    if (!Number.isFinite(g[i]!)) throw new NonFiniteError(`non-finite finite-difference gradient in parameter ${i + 1}`);
  }
}

/**
 * The Hessian at par as optim(hessian = TRUE) computes it (optimhess):
 * central differences of the numerical gradient, steps eps_i = ndeps / parscale_i
 * on the scaled parameters, in the units of par, then symmetrized.
 * Returns a row-major n x n matrix.
 */
export function optimHessian(fn: (par: Float64Array) => number, par: ArrayLike<number>, options: { parscale?: ArrayLike<number>; ndeps?: number } = {}): Float64Array {
  const n = par.length;
  const scale = options.parscale ? Float64Array.from(options.parscale) : new Float64Array(n).fill(1);
  const ndeps = options.ndeps ?? 1e-3;
  const f = scaled(fn, scale, () => {});
  const dpar = Float64Array.from(par, (v, i) => v / scale[i]!);
  const g1 = new Float64Array(n);
  const g2 = new Float64Array(n);
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const eps = ndeps / scale[i]!;
    const di = dpar[i]!;
    dpar[i] = di + eps;
    numericGradient(f, dpar, g1, ndeps);
    dpar[i] = di + eps - 2 * eps;
    numericGradient(f, dpar, g2, ndeps);
    for (let j = 0; j < n; j++) H[i * n + j] = (g1[j]! - g2[j]!) / (2 * eps * scale[i]! * scale[j]!);
    dpar[i] = di + eps - 2 * eps + eps;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) {
    const v = 0.5 * (H[i * n + j]! + H[j * n + i]!);
    H[i * n + j] = v;
    H[j * n + i] = v;
  }
  return H;
}

export function bfgs(
  fn: (par: Float64Array) => number,
  par0: ArrayLike<number>,
  options: { parscale?: ArrayLike<number>; reltol?: number; maxit?: number; ndeps?: number } = {},
): BfgsResult {
  const n = par0.length;
  const scale = options.parscale ? Float64Array.from(options.parscale) : new Float64Array(n).fill(1);
  const reltol = options.reltol ?? Math.sqrt(Number.EPSILON);
  const maxit = options.maxit ?? 100;
  const ndeps = options.ndeps ?? 1e-3;
  let evaluations = 0;
  const f = scaled(fn, scale, () => evaluations++);
  const gradient = (p: Float64Array, g: Float64Array) => numericGradient(f, p, g, ndeps);
  const b = Float64Array.from(par0, (v, i) => v / scale[i]!);
  const unscale = () => Float64Array.from(b, (v, i) => v * scale[i]!);
  if (maxit <= 0) return { par: unscale(), value: f(b), converged: true, evaluations };

  let fmin = f(b);
  if (!Number.isFinite(fmin)) throw new NonFiniteError('initial value in BFGS is not finite');
  const g = new Float64Array(n);
  gradient(b, g);
  let gradcount = 1;
  let iter = 1;
  let ilast = gradcount;
  // B: lower triangle of the inverse Hessian approximation, row-major n x n.
  const B = new Float64Array(n * n);
  const t = new Float64Array(n);
  const X = new Float64Array(n);
  const c = new Float64Array(n);
  let count = 0;
  // The last value computed (as in vmmin, it may be a rejected trial's).
  let fNew = fmin;
  do {
    if (ilast === gradcount) {
      B.fill(0);
      for (let i = 0; i < n; i++) B[i * n + i] = 1;
    }
    for (let i = 0; i < n; i++) {
      X[i] = b[i]!;
      c[i] = g[i]!;
    }
    // t = -B g, gradproj = t'g
    let gradproj = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s -= B[i * n + j]! * g[j]!;
      for (let j = i + 1; j < n; j++) s -= B[j * n + i]! * g[j]!;
      t[i] = s;
      gradproj += s * g[i]!;
    }
    if (gradproj < 0) {
      let steplength = 1;
      let accpoint = false;
      do {
        count = 0;
        for (let i = 0; i < n; i++) {
          b[i] = X[i]! + steplength * t[i]!;
          if (10 + X[i]! === 10 + b[i]!) count++; // no change at this precision
        }
        if (count < n) {
          fNew = f(b);
          accpoint = Number.isFinite(fNew) && fNew <= fmin + gradproj * steplength * 1e-4;
          if (!accpoint) steplength *= 0.2;
        }
      } while (!(count === n || accpoint));
      const enough = fNew > -Infinity && Math.abs(fNew - fmin) > reltol * (Math.abs(fmin) + reltol);
      if (!enough) {
        count = n;
        fmin = fNew;
      }
      if (count < n) {
        fmin = fNew;
        gradient(b, g);
        gradcount++;
        iter++;
        let D1 = 0;
        for (let i = 0; i < n; i++) {
          t[i] = steplength * t[i]!;
          c[i] = g[i]! - c[i]!;
          D1 += t[i]! * c[i]!;
        }
        if (D1 > 0) {
          let D2 = 0;
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j <= i; j++) s += B[i * n + j]! * c[j]!;
            for (let j = i + 1; j < n; j++) s += B[j * n + i]! * c[j]!;
            X[i] = s;
            D2 += s * c[i]!;
          }
          D2 = 1 + D2 / D1;
          for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) B[i * n + j] = B[i * n + j]! + (D2 * t[i]! * t[j]! - X[i]! * t[j]! - t[i]! * X[j]!) / D1;
        } else {
          ilast = gradcount;
        }
      } else if (ilast < gradcount) {
        // No progress: restart from steepest descent once.
        count = 0;
        ilast = gradcount;
      }
    } else {
      // Uphill direction: reset B unless it was just reset.
      count = 0;
      if (ilast === gradcount) count = n;
      else ilast = gradcount;
    }
    if (iter >= maxit) break;
    if (gradcount - ilast > 2 * n) ilast = gradcount; // periodic restart
  } while (count !== n || ilast !== gradcount);
  return { par: unscale(), value: fmin, converged: iter < maxit, evaluations };
}
