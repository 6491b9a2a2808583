/**
 * Complex roots of a real polynomial c_0 + c_1 z + ... + c_n z^n (c_n != 0)
 * by the Durand-Kerner (Weierstrass) iteration: all n roots at once,
 *   z_k <- z_k - p(z_k) / prod_{j != k} (z_k - z_j),
 * on the monic polynomial, started on the circle of radius |c_0 / c_n|^(1/n)
 * (the geometric mean of the root moduli) at angles 2 pi k / n + 0.4, so no
 * two starts coincide and none is real. Used for small degrees (ETS
 * admissibility, ARIMA stationarity and invertibility of one factor).
 */
export interface ComplexRoots {
  re: Float64Array;
  im: Float64Array;
}

export function polyroots(c: ArrayLike<number>): ComplexRoots {
  const n = c.length - 1;
  const lead = c[n]!;
  const a = Array.from(c, (v) => v / lead); // monic
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const radius = Math.pow(Math.abs(a[0]!), 1 / n) || 1;
  for (let k = 0; k < n; k++) {
    const th = (2 * Math.PI * k) / n + 0.4;
    re[k] = radius * Math.cos(th);
    im[k] = radius * Math.sin(th);
  }
  for (let iter = 0; iter < 500; iter++) {
    let moved = 0;
    for (let k = 0; k < n; k++) {
      // p(z_k) by Horner.
      let pr = 1;
      let pi = 0;
      for (let j = n - 1; j >= 0; j--) {
        const nr = pr * re[k]! - pi * im[k]! + a[j]!;
        pi = pr * im[k]! + pi * re[k]!;
        pr = nr;
      }
      // prod_{j != k} (z_k - z_j)
      let qr = 1;
      let qi = 0;
      for (let j = 0; j < n; j++) {
        if (j === k) continue;
        const dr = re[k]! - re[j]!;
        const di = im[k]! - im[j]!;
        const nr = qr * dr - qi * di;
        qi = qr * di + qi * dr;
        qr = nr;
      }
      const den = qr * qr + qi * qi;
      const wr = (pr * qr + pi * qi) / den;
      const wi = (pi * qr - pr * qi) / den;
      re[k] = re[k]! - wr;
      im[k] = im[k]! - wi;
      moved = Math.max(moved, Math.hypot(wr, wi));
    }
    if (moved < 1e-14) break;
  }
  return { re, im };
}

/** min |z| and max |z| over the roots. */
export function rootModuli(c: ArrayLike<number>): { min: number; max: number } {
  const { re, im } = polyroots(c);
  let min = Infinity;
  let max = 0;
  for (let k = 0; k < re.length; k++) {
    const m = Math.hypot(re[k]!, im[k]!);
    min = Math.min(min, m);
    max = Math.max(max, m);
  }
  return { min, max };
}
