/**
 * Nelder-Mead minimization as R's optim / nmmin (the routine R forecast's
 * ets() also uses): reflection 1, contraction 0.5, expansion 2, shrink
 * toward the best vertex; initial simplex steps of 0.1 max|x0| (0.1 if 0);
 * stops when the spread of values falls below reltol (|f_best| + reltol) or
 * after maxit evaluations. Non-finite values count as 1e35.
 */
export function nelderMead(f: (x: Float64Array) => number, x0: ArrayLike<number>, options: { reltol?: number; maxit?: number } = {}): { x: Float64Array; value: number; evaluations: number } {
  const reltol = options.reltol ?? Math.sqrt(Number.EPSILON);
  const maxit = options.maxit ?? 2000;
  const big = 1e35;
  const n = x0.length;
  const eval_ = (x: Float64Array) => {
    const v = f(x);
    return Number.isFinite(v) ? v : big;
  };
  // P: n + 1 vertices; C: the centroid.
  const P = Array.from({ length: n + 1 }, () => Float64Array.from(x0));
  const F = new Float64Array(n + 1);
  let count = 1;
  F[0] = eval_(P[0]!);
  const convtol = reltol * (Math.abs(F[0]!) + reltol);
  let step = 0;
  for (let i = 0; i < n; i++) step = Math.max(step, 0.1 * Math.abs(x0[i]!));
  if (step === 0) step = 0.1;
  for (let j = 1; j <= n; j++) P[j]![j - 1] = P[j]![j - 1]! + step;
  let size = n * step;
  let oldsize = size;
  let calcvert = true;
  let L = 0;
  const B = new Float64Array(n);
  const C = new Float64Array(n);
  for (;;) {
    if (calcvert) {
      for (let j = 0; j <= n; j++) {
        if (j !== L) {
          F[j] = eval_(P[j]!);
          count++;
        }
      }
      calcvert = false;
    }
    let VL = F[L]!;
    let VH = VL;
    let H = L;
    for (let j = 0; j <= n; j++) {
      if (j === L) continue;
      if (F[j]! < VL) {
        L = j;
        VL = F[j]!;
      }
      if (F[j]! > VH) {
        H = j;
        VH = F[j]!;
      }
    }
    if (VH <= VL + convtol || count > maxit) break;
    for (let i = 0; i < n; i++) {
      let s = -P[H]![i]!;
      for (let j = 0; j <= n; j++) s += P[j]![i]!;
      C[i] = s / n;
    }
    for (let i = 0; i < n; i++) B[i] = 2 * C[i]! - P[H]![i]!;
    const VR = eval_(B);
    count++;
    if (VR < VL) {
      // Expansion.
      const E = new Float64Array(n);
      for (let i = 0; i < n; i++) E[i] = 2 * B[i]! - C[i]!;
      const VE = eval_(E);
      count++;
      if (VE < VR) {
        P[H]!.set(E);
        F[H] = VE;
      } else {
        P[H]!.set(B);
        F[H] = VR;
      }
    } else {
      if (VR < VH) {
        P[H]!.set(B);
        F[H] = VR;
      }
      for (let i = 0; i < n; i++) B[i] = 0.5 * P[H]![i]! + 0.5 * C[i]!;
      const VC = eval_(B);
      count++;
      if (VC < F[H]!) {
        P[H]!.set(B);
        F[H] = VC;
      } else if (VR >= VH) {
        // Shrink toward the best vertex.
        calcvert = true;
        size = 0;
        for (let j = 0; j <= n; j++) {
          if (j === L) continue;
          for (let i = 0; i < n; i++) {
            P[j]![i] = 0.5 * (P[j]![i]! - P[L]![i]!) + P[L]![i]!;
            size += Math.abs(P[j]![i]! - P[L]![i]!);
          }
        }
        if (size < oldsize) oldsize = size;
        else break;
      }
    }
    if (count > maxit) break;
  }
  return { x: Float64Array.from(P[L]!), value: F[L]!, evaluations: count };
}
