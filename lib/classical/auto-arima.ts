/**
 * autoArima: R forecast's auto.arima() (Hyndman and Khandakar 2008), the
 * stepwise search:
 *   1. D by nsdiffs (STL seasonal strength > 0.64), then d by ndiffs (KPSS),
 *      on the series (or its regression residuals when there is xreg);
 *   2. four starting models, (2,d,2)(1,D,1), (0,d,0)(0,D,0), (1,d,0)(1,D,0),
 *      (0,d,1)(0,D,1), and the start without a constant;
 *   3. from the best so far, every neighbour that changes P, Q, p or q by
 *      one (alone or in pairs) and the constant on/off, moving as soon as
 *      one improves the criterion (AICc by default), at most nmodels fits;
 *   4. a fit is rejected (criterion = Inf) when it fails, when an AR or MA
 *      root lies within 1.01 of the unit circle, or when a coefficient's
 *      variance is negative.
 * With approximation (default for n > 150 or m > 12) the search fits by
 * conditional sum of squares with AIC offset -2 log L_0 - n log s2_0 from
 * the (0,d,0)(0,D,0) model; the candidates are then refitted by CSS-ML in
 * order of their approximate criterion and the first valid one is returned.
 * A constant is a mean when d + D = 0 and a drift when d + D = 1.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { allFinite, boolean, finiteSeries, invalid, nonNegativeInteger, oneOf, optional, plainObject, positiveInteger } from '../core/validate.js';
import { rootModuli } from '../numeric/polyroot.js';
import { ndiffs } from '../stats/unit-root.js';
import { nsdiffs } from '../stats/seasonal-diffs.js';
import { ols } from '../stats/ols.js';
import { arima, arimaDetails, type ArimaFit } from './arima.js';
import { difference } from './arima-regression.js';
import type { Baseline } from './simple.js';

export interface AutoArimaOptions {
  /** Season length m (1: non-seasonal). */
  period?: number;
  /** Fix the differencing orders instead of testing for them. */
  d?: number;
  D?: number;
  maxP?: number;
  maxQ?: number;
  maxp?: number;
  maxq?: number;
  maxd?: number;
  maxD?: number;
  /** Only stationary models (d = D = 0). */
  stationary?: boolean;
  /** Consider seasonal models when period > 1 (default true). */
  seasonal?: boolean;
  ic?: 'aicc' | 'aic' | 'bic';
  approximation?: boolean;
  allowDrift?: boolean;
  allowMean?: boolean;
  xreg?: ReadonlyArray<ArrayLike<number>>;
  /** Upper bound on the models fitted (default 94). */
  nmodels?: number;
  /** Called after each fit of the search (R's trace = TRUE), e.g. to log progress. */
  onCandidate?: (candidate: ArimaCandidate) => void;
}

export interface ArimaCandidate {
  order: [number, number, number];
  seasonalOrder: [number, number, number];
  constant: boolean;
  /** The search criterion (approximate under approximation); Infinity when rejected. */
  ic: number;
}

export interface AutoArimaFit extends ArimaFit {
  /** Every model the search fitted, in order. */
  candidates: ArimaCandidate[];
  /** Whether the search used the CSS approximation. */
  approximation: boolean;
}

const isConstant = (v: Float64Array) => v.every((e) => e === v[0]);

/** Regression residuals of y on [1, X] (R: residuals(lm(x ~ xreg))). */
function residualize(y: Float64Array, cols: Float64Array[]): Float64Array {
  const n = y.length;
  const k = cols.length + 1;
  const X = new Float64Array(n * k);
  for (let t = 0; t < n; t++) {
    X[t * k] = 1;
    cols.forEach((c, j) => (X[t * k + j + 1] = c[t]!));
  }
  return ols(X, n, k, y).resid;
}

export function autoArima(y: ArrayLike<number>, options: AutoArimaOptions = {}): AutoArimaFit {
  plainObject('options', options);
  const x = finiteSeries('y', y, 3);
  const n = x.length;
  if (isConstant(x)) throw new InvalidArgumentError('y', 'Expected a non-constant series for y but received a constant one (its forecast is that constant)');
  const int = (name: string, fallback: number) => optional((options as Record<string, unknown>)[name], fallback, (v) => nonNegativeInteger(`options.${name}`, v));
  const period = optional(options.period, 1, (v) => positiveInteger('options.period', v));
  const seasonal = optional(options.seasonal, true, (v) => boolean('options.seasonal', v));
  const stationary = optional(options.stationary, false, (v) => boolean('options.stationary', v));
  let ic = optional(options.ic, 'aicc' as 'aicc' | 'aic' | 'bic', (v) => oneOf('options.ic', v, ['aicc', 'aic', 'bic'] as const));
  const allowDrift = optional(options.allowDrift, true, (v) => boolean('options.allowDrift', v));
  const allowMean = optional(options.allowMean, true, (v) => boolean('options.allowMean', v));
  const nmodels = optional(options.nmodels, 94, (v) => positiveInteger('options.nmodels', v));
  const m = seasonal ? period : 1;
  // R's default reads frequency(x), the period even when seasonal = FALSE.
  const approximation = optional(options.approximation, n > 150 || period > 12, (v) => boolean('options.approximation', v));
  let maxp = Math.min(int('maxp', 5), Math.floor(n / 3));
  let maxq = Math.min(int('maxq', 5), Math.floor(n / 3));
  let maxP = Math.min(int('maxP', 2), Math.floor(n / 3 / m));
  let maxQ = Math.min(int('maxQ', 2), Math.floor(n / 3 / m));
  const maxd = int('maxd', 2);
  const maxD = int('maxD', 1);
  if (n <= 3) ic = 'aic';

  let xreg: Float64Array[] = [];
  if (options.xreg !== undefined) {
    if (!Array.isArray(options.xreg)) throw invalid('options.xreg', 'an array of covariate columns', options.xreg);
    xreg = options.xreg.map((c, j) => {
      if (!(Array.isArray(c) || ArrayBuffer.isView(c)) || (c as ArrayLike<number>).length !== n) throw invalid(`options.xreg[${j}]`, `${n} values`, c);
      allFinite(`options.xreg[${j}]`, c as ArrayLike<number>);
      return Float64Array.from(c as ArrayLike<number>);
    });
  }
  const varying = xreg.filter((c) => !isConstant(c));
  const xx = varying.length ? residualize(x, varying) : x;

  let d = options.d === undefined ? NaN : nonNegativeInteger('options.d', options.d);
  let D = options.D === undefined ? NaN : nonNegativeInteger('options.D', options.D);
  if (stationary) d = D = 0;
  if (m === 1) {
    D = 0;
    maxP = maxQ = 0;
  } else if (Number.isNaN(D) && xx.length <= 2 * m) D = 0;
  else if (Number.isNaN(D)) {
    D = nsdiffs(xx, m, { maxD });
    if (D > 0 && varying.some((c) => isConstant(difference(c, 0, D, m)))) D--;
  }
  let dx = D > 0 ? difference(xx, 0, D, m) : xx;
  if (Number.isNaN(d)) {
    d = ndiffs(dx, { maxD: maxd });
    if (d > 0 && varying.some((c) => isConstant(difference(c, d, D, m)))) d--;
  }
  if (d > 0) dx = difference(dx, d, 0, 1);
  if (dx.length === 0) throw new InvalidArgumentError('y', `Expected more than ${d + D * m} values for y (d = ${d}, D = ${D}, m = ${m}) but received ${n}`);
  if (isConstant(dx)) throw new InvalidArgumentError('y', `Expected y to vary randomly after differencing (d = ${d}, D = ${D}), but it becomes constant: a deterministic trend or season, not an ARIMA process`);
  if (m > 1) {
    if (maxP > 0) maxp = Math.min(maxp, m - 1);
    if (maxQ > 0) maxq = Math.min(maxq, m - 1);
  }

  const nstar = n - d - D * m;
  const fitOne = (p: number, q: number, P: number, Q: number, constant: boolean, approx: boolean, offset: number): { fit: ArimaFit | null; ic: number } => {
    const diffs = d + D;
    let fit: ArimaFit;
    try {
      fit = arima(x, {
        order: [p, d, q],
        ...(m > 1 && P + D + Q > 0 ? { seasonal: { order: [P, D, Q], period: m } } : {}),
        includeMean: constant,
        includeDrift: diffs === 1 && constant,
        method: approx ? 'CSS' : 'CSS-ML',
        ...(xreg.length ? { xreg } : {}),
      });
    } catch (err) {
      if (err instanceof InvalidArgumentError) return { fit: null, ic: Infinity };
      throw err;
    }
    const det = arimaDetails(fit);
    const npar = Object.keys(fit.coef).length + 1;
    const aic = approx ? offset + nstar * Math.log(det.rawSigma2) + 2 * npar : fit.aic;
    if (!Number.isFinite(aic)) return { fit, ic: Infinity };
    const crit = ic === 'aic' ? aic : ic === 'bic' ? aic + npar * (Math.log(nstar) - 2) : aic + (2 * npar * (npar + 1)) / (nstar - npar - 1);
    // Roots of 1 - phi(z) and 1 + theta(z) must lie outside 1.01 (R: polyroot of the
    // expanded polynomials). Found per factor: a seasonal factor 1 - Phi(z^m) has
    // |z| = |w|^(1/m) for its roots w, which stays accurate where a degree p + mP
    // polynomial's roots would not.
    const block = (prefix: string, k: number) => Array.from({ length: k }, (_, i) => fit.coef[`${prefix}${i + 1}`]!);
    const minRoot = (coefs: number[], sign: number, power: number) => {
      let last = coefs.length;
      while (last > 0 && Math.abs(coefs[last - 1]!) <= 1e-8) last--;
      if (last === 0) return 2;
      return Math.pow(rootModuli([1, ...coefs.slice(0, last).map((v) => sign * v)]).min, 1 / power);
    };
    const root = Math.min(2, minRoot(block('ar', p), -1, 1), minRoot(block('sar', P), -1, m), minRoot(block('ma', q), 1, 1), minRoot(block('sma', Q), 1, m));
    const badVariance = fit.varCoef === null || Object.values(fit.se).some((v) => Number.isNaN(v));
    return { fit, ic: root < 1.01 || badVariance || !Number.isFinite(crit) ? Infinity : crit };
  };

  let offset = 0;
  if (approximation) {
    try {
      const base = arima(x, { order: [0, d, 0], ...(D > 0 ? { seasonal: { order: [0, D, 0], period: m } } : {}), ...(xreg.length ? { xreg } : {}) });
      offset = -2 * base.loglik - n * Math.log(arimaDetails(base).rawSigma2);
    } catch (err) {
      if (!(err instanceof InvalidArgumentError)) throw err;
    }
  }

  const allowdrift = allowDrift && d + D === 1;
  const allowmean = allowMean && d + D === 0;
  let constant = allowdrift || allowmean;
  const candidates: ArimaCandidate[] = [];
  const tried = (p: number, q: number, P: number, Q: number, c: boolean) => candidates.some((r) => r.order[0] === p && r.order[2] === q && r.seasonalOrder[0] === P && r.seasonalOrder[2] === Q && r.constant === c);
  const onCandidate = options.onCandidate;
  if (onCandidate !== undefined && typeof onCandidate !== 'function') throw invalid('options.onCandidate', 'a function', onCandidate);
  const record = (p: number, q: number, P: number, Q: number, c: boolean, icValue: number) => {
    const candidate: ArimaCandidate = { order: [p, d, q], seasonalOrder: [P, D, Q], constant: c, ic: icValue };
    candidates.push(candidate);
    onCandidate?.(candidate);
  };

  let startp = int('startp', 2);
  let startq = int('startq', 2);
  let startP = 1;
  let startQ = 1;
  if (n < 10) {
    startp = Math.min(startp, 1);
    startq = Math.min(startq, 1);
    startP = startQ = 0;
  }
  let p = Math.min(startp, maxp);
  let q = Math.min(startq, maxq);
  let P = Math.min(startP, maxP);
  let Q = Math.min(startQ, maxQ);
  let best = fitOne(p, q, P, Q, constant, approximation, offset);
  record(p, q, P, Q, constant, best.ic);
  const consider = (pp: number, qq: number, PP: number, QQ: number, c: boolean): boolean => {
    const r = fitOne(pp, qq, PP, QQ, c, approximation, offset);
    record(pp, qq, PP, QQ, c, r.ic);
    if (r.ic < best.ic) {
      best = r;
      return true;
    }
    return false;
  };
  if (consider(0, 0, 0, 0, constant)) p = q = P = Q = 0;
  if (maxp > 0 || maxP > 0) {
    const pp = maxp > 0 ? 1 : 0;
    const PP = m > 1 && maxP > 0 ? 1 : 0;
    if (consider(pp, 0, PP, 0, constant)) {
      p = pp;
      P = PP;
      q = Q = 0;
    }
  }
  if (maxq > 0 || maxQ > 0) {
    const qq = maxq > 0 ? 1 : 0;
    const QQ = m > 1 && maxQ > 0 ? 1 : 0;
    if (consider(0, qq, 0, QQ, constant)) {
      p = P = 0;
      q = qq;
      Q = QQ;
    }
  }
  if (constant && consider(0, 0, 0, 0, false)) p = q = P = Q = 0;

  // Neighbour moves in R's order: seasonal part first, then p and q, then the constant.
  const moves: Array<[number, number, number, number]> = [
    [0, 0, -1, 0], [0, 0, 0, -1], [0, 0, 1, 0], [0, 0, 0, 1],
    [0, 0, -1, -1], [0, 0, -1, 1], [0, 0, 1, -1], [0, 0, 1, 1],
    [-1, 0, 0, 0], [0, -1, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0],
    [-1, -1, 0, 0], [-1, 1, 0, 0], [1, -1, 0, 0], [1, 1, 0, 0],
  ];
  let startk = 0;
  search: while (startk < candidates.length && candidates.length < nmodels) {
    startk = candidates.length;
    for (const [dp, dq, dP, dQ] of moves) {
      const np_ = p + dp;
      const nq = q + dq;
      const nP = P + dP;
      const nQ = Q + dQ;
      if (np_ < 0 || nq < 0 || nP < 0 || nQ < 0 || np_ > maxp || nq > maxq || nP > maxP || nQ > maxQ) continue;
      if (tried(np_, nq, nP, nQ, constant)) continue;
      if (candidates.length + 1 > nmodels) break search;
      if (consider(np_, nq, nP, nQ, constant)) {
        [p, q, P, Q] = [np_, nq, nP, nQ];
        continue search;
      }
    }
    if ((allowdrift || allowmean) && !tried(p, q, P, Q, !constant)) {
      if (candidates.length + 1 > nmodels) break;
      if (consider(p, q, P, Q, !constant)) constant = !constant;
    }
  }

  if (approximation && best.fit !== null) {
    const order = candidates.map((_, i) => i).sort((a, b) => candidates[a]!.ic - candidates[b]!.ic || a - b);
    for (const i of order) {
      const c = candidates[i]!;
      const r = fitOne(c.order[0], c.order[2], c.seasonalOrder[0], c.seasonalOrder[2], c.constant, false, 0);
      if (r.ic < Infinity) {
        best = r;
        break;
      }
    }
  }
  if (best.fit === null || best.ic === Infinity) throw new InvalidArgumentError('y', 'Expected y to admit an ARIMA model, but no candidate could be fitted (every fit failed or was rejected)');
  return Object.assign(best.fit, { candidates, approximation });
}

/** autoArima as a Baseline: each fit searches afresh; update() keeps the chosen model and coefficients. */
export function autoArimaBaseline(options: Omit<AutoArimaOptions, 'xreg'> = {}): Baseline {
  return { name: 'ARIMA (auto)', fit: (y) => autoArima(y, options) };
}
