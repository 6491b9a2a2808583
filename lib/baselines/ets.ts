/**
 * Exponential smoothing in state-space form with additive errors, as R
 * forecast's ets(): ETS(A,N,N) simple, (A,A,N) Holt, (A,Ad,N) damped,
 * (A,N,A), (A,A,A), (A,Ad,A) Holt-Winters additive. With e_t = y_t - y_hat_t:
 *   y_hat_t = l + phi b + s_{t-m}
 *   l <- l + phi b + alpha e,  b <- phi b + beta e,  s_t = s_{t-m} + gamma e
 * Parameters and initial states (l0, b0, s0 .. s_{m-2}; the last seasonal
 * state makes them sum to 0) maximize the likelihood, i.e. minimize
 * n log(sum e^2), by Nelder-Mead from R's starting values (initstate,
 * initparam) inside R's default bounds: the usual ones (alpha, beta, gamma
 * in [1e-4, 0.9999], beta <= alpha, gamma <= 1 - alpha, phi in [0.8, 0.98])
 * and admissibility (the characteristic roots inside the unit circle). AICc as R:
 * n log(sum e^2) + 2k + 2k(k+1)/(n-k-1), k = parameters + states + 1.
 * Forecast variance (Hyndman et al. 2008, class 1):
 *   sigma^2 (1 + sum_{j<h} c_j^2), c_j = alpha + beta phi_j + gamma [j mod m = 0],
 *   phi_j = phi + .. + phi^j, sigma^2 = sum e^2 / (n - parameters - states) (as R).
 * ets(y, { model: 'auto' }) picks the form with the smallest AICc.
 */
import { InvalidArgumentError } from '../errors.js';
import { allFinite, invalid, oneOf, optional, plainObject, positiveInteger } from '../validate.js';
import { qnorm } from './distributions.js';
import { nelderMead } from './nelder-mead.js';
import { rootModuli } from '../stats/polyroot.js';
import type { Baseline, FittedBaseline } from './simple.js';

export type EtsTrend = 'N' | 'A' | 'Ad';
export type EtsSeason = 'N' | 'A';
export type EtsModel = 'ANN' | 'AAN' | 'AAdN' | 'ANA' | 'AAA' | 'AAdA';

export interface EtsFit extends FittedBaseline {
  model: EtsModel;
  alpha: number;
  beta: number | null;
  gamma: number | null;
  phi: number | null;
  /** l0, b0 (with a trend), then m seasonal states, the most recent first. */
  initialStates: Float64Array;
  /** -0.5 n log(sum e^2) as R reports it (constants dropped). */
  logLik: number;
  aic: number;
  aicc: number;
  bic: number;
  sigma2: number;
  /** update(y): the same parameters and initial states filtered through a longer history. */
  update(y: ArrayLike<number>): EtsFit;
}

const ETS_NAMES: Record<EtsModel, string> = {
  ANN: 'ETS(A,N,N)',
  AAN: 'ETS(A,A,N)',
  AAdN: 'ETS(A,Ad,N)',
  ANA: 'ETS(A,N,A)',
  AAA: 'ETS(A,A,A)',
  AAdA: 'ETS(A,Ad,A)',
};

const LOWER = { alpha: 1e-4, beta: 1e-4, gamma: 1e-4, phi: 0.8 };
const UPPER = { alpha: 0.9999, beta: 0.9999, gamma: 0.9999, phi: 0.98 };

function parse(model: EtsModel): { trend: EtsTrend; season: EtsSeason } {
  const body = model.slice(1);
  const season = body.at(-1) as EtsSeason;
  return { trend: body.slice(0, -1) as EtsTrend, season };
}

/** Classical additive decomposition's seasonal figure (R decompose): centered moving average, period means, centered. */
function seasonalFigure(y: Float64Array, m: number): Float64Array {
  const n = y.length;
  const trend = new Float64Array(n).fill(NaN);
  const half = Math.floor(m / 2);
  for (let t = half; t < n - half; t++) {
    let s = 0;
    if (m % 2 === 0) {
      s = 0.5 * y[t - half]! + 0.5 * y[t + half]!;
      for (let k = -half + 1; k < half; k++) s += y[t + k]!;
    } else {
      for (let k = -half; k <= half; k++) s += y[t + k]!;
    }
    trend[t] = s / m;
  }
  const figure = new Float64Array(m);
  for (let p = 0; p < m; p++) {
    let s = 0;
    let c = 0;
    for (let t = p; t < n; t += m) {
      if (!Number.isNaN(trend[t]!)) {
        s += y[t]! - trend[t]!;
        c++;
      }
    }
    figure[p] = s / c;
  }
  const mean = figure.reduce((a, b) => a + b, 0) / m;
  return figure.map((v) => v - mean);
}

/** R's initstate: [l0, b0?, s0 .. s_{m-2}] (s0 the most recent season before the data). */
function initialState(y: Float64Array, trend: EtsTrend, season: EtsSeason, m: number): number[] {
  let sa = y;
  const seas: number[] = [];
  if (season === 'A') {
    if (y.length < 3 * m) throw new InvalidArgumentError('y', `Expected at least ${3 * m} values (three seasons) for a seasonal ETS but received ${y.length}`);
    const figure = seasonalFigure(y, m);
    for (let p = m - 1; p >= 1; p--) seas.push(figure[p]!);
    sa = y.map((v, t) => v - figure[t % m]!);
  }
  const maxn = Math.min(Math.max(10, 2 * (season === 'A' ? m : 1)), sa.length);
  if (trend === 'N') return [sa.subarray(0, maxn).reduce((a, b) => a + b, 0) / maxn, ...seas];
  // lsfit(1:maxn, y): intercept and slope.
  const xm = (maxn + 1) / 2;
  const ym = sa.subarray(0, maxn).reduce((a, b) => a + b, 0) / maxn;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < maxn; i++) {
    sxy += (i + 1 - xm) * (sa[i]! - ym);
    sxx += (i + 1 - xm) ** 2;
  }
  let b0 = sxy / sxx;
  let l0 = ym - b0 * xm;
  if (Math.abs(l0 + b0) < 1e-8) {
    l0 *= 1 + 1e-3;
    b0 *= 1 - 1e-3;
  }
  return [l0, b0, ...seas];
}

/** R forecast's admissible(): the smoothing parameters give a forecastable model. */
function admissible(alpha: number, beta: number | null, gamma: number | null, phiIn: number | null, m: number): boolean {
  const phi = phiIn ?? 1;
  if (phi < 0 || phi > 1 + 1e-8) return false;
  if (gamma === null) {
    if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) return false;
    if (beta !== null && (beta < alpha * (phi - 1) || beta > (1 + phi) * (2 - alpha))) return false;
    return true;
  }
  if (m <= 1) return true;
  const b = beta ?? 0;
  if (gamma < Math.max(1 - 1 / phi - alpha, 0) || gamma > 1 + 1 / phi - alpha) return false;
  if (alpha < 1 - 1 / phi - (gamma * (1 - m + phi + phi * m)) / (2 * phi * m)) return false;
  if (b < -(1 - phi) * (gamma / m + alpha)) return false;
  const P = [phi * (1 - alpha - gamma), alpha + b - alpha * phi + gamma - 1, ...new Array<number>(m - 2).fill(alpha + b - alpha * phi), alpha + b - phi, 1];
  return rootModuli(P).max <= 1 + 1e-10;
}

interface Run {
  sse: number;
  resid: Float64Array;
  fitted: Float64Array;
  l: number;
  b: number;
  s: Float64Array;
}

function filter(y: Float64Array, trend: EtsTrend, season: EtsSeason, m: number, alpha: number, beta: number, gamma: number, phi: number, init: number[]): Run {
  let l = init[0]!;
  let b = trend === 'N' ? 0 : init[1]!;
  const ms = season === 'A' ? m : 0;
  const s = new Float64Array(ms);
  if (ms) {
    const free = init.slice(trend === 'N' ? 1 : 2);
    free.forEach((v, i) => (s[i] = v));
    s[ms - 1] = -free.reduce((a, v) => a + v, 0);
  }
  const resid = new Float64Array(y.length);
  const fitted = new Float64Array(y.length);
  let sse = 0;
  const damp = trend === 'Ad' ? phi : 1;
  for (let t = 0; t < y.length; t++) {
    const phib = damp * b;
    const seasonal = ms ? s[ms - 1]! : 0;
    const f = l + phib + seasonal;
    const e = y[t]! - f;
    fitted[t] = f;
    resid[t] = e;
    sse += e * e;
    l = l + phib + alpha * e;
    if (trend !== 'N') b = phib + beta * e;
    if (ms) {
      const next = seasonal + gamma * e;
      for (let k = ms - 1; k > 0; k--) s[k] = s[k - 1]!;
      s[0] = next;
    }
  }
  return { sse, resid, fitted, l, b, s };
}

/** Fits one ETS form by maximum likelihood. */
function fitModel(y: Float64Array, model: EtsModel, m: number): EtsFit {
  const { trend, season } = parse(model);
  const mm = season === 'A' ? m : 1;
  // R's initparam.
  const alpha0 = LOWER.alpha + (0.2 * (UPPER.alpha - LOWER.alpha)) / mm;
  const params: number[] = [alpha0];
  if (trend !== 'N') params.push(LOWER.beta + 0.1 * (Math.min(UPPER.beta, alpha0) - LOWER.beta));
  if (season === 'A') params.push(LOWER.gamma + 0.05 * (Math.min(UPPER.gamma, 1 - alpha0) - LOWER.gamma));
  if (trend === 'Ad') params.push(LOWER.phi + 0.99 * (UPPER.phi - LOWER.phi));
  const np = params.length;
  const x0 = [...params, ...initialState(y, trend, season, m)];
  if (x0.length >= y.length - 1) throw new InvalidArgumentError('y', `Expected more than ${x0.length + 1} values for ETS(${model}) but received ${y.length}`);
  const unpack = (x: ArrayLike<number>) => {
    let i = 0;
    const alpha = x[i++]!;
    const beta = trend !== 'N' ? x[i++]! : 0;
    const gamma = season === 'A' ? x[i++]! : 0;
    const phi = trend === 'Ad' ? x[i++]! : 1;
    return { alpha, beta, gamma, phi, init: Array.from(x).slice(np) };
  };
  const objective = (x: Float64Array) => {
    const p = unpack(x);
    // R's check.param ("usual" bounds).
    if (p.alpha < LOWER.alpha || p.alpha > UPPER.alpha) return Infinity;
    if (trend !== 'N' && (p.beta < LOWER.beta || p.beta > UPPER.beta || p.beta > p.alpha)) return Infinity;
    if (season === 'A' && (p.gamma < LOWER.gamma || p.gamma > UPPER.gamma || p.gamma > 1 - p.alpha)) return Infinity;
    if (trend === 'Ad' && (p.phi < LOWER.phi || p.phi > UPPER.phi)) return Infinity;
    // R's default bounds ("both"): the usual ones above, and admissibility.
    if (!admissible(p.alpha, trend !== 'N' ? p.beta : null, season === 'A' ? p.gamma : null, trend === 'Ad' ? p.phi : null, m)) return Infinity;
    const r = filter(y, trend, season, m, p.alpha, p.beta, p.gamma, p.phi, p.init);
    return y.length * Math.log(r.sse);
  };
  const best = nelderMead(objective, x0, { maxit: 2000 });
  const p = unpack(best.x);
  const fit0 = filter(y, trend, season, m, p.alpha, p.beta, p.gamma, p.phi, p.init);
  const n = y.length;
  const lik = n * Math.log(fit0.sse);
  const k = best.x.length + 1;
  const aic = lik + 2 * k;
  const sigma2 = fit0.sse / (n - k + 1);
  const initialStates = Float64Array.from(season === 'A' ? [...p.init, -p.init.slice(trend === 'N' ? 1 : 2).reduce((a, v) => a + v, 0)] : p.init);
  // The fitted model on a history: the same parameters and initial states, filtered through it.
  const make = (history: Float64Array, run: Run): EtsFit => ({
    name: ETS_NAMES[model],
    model,
    alpha: p.alpha,
    beta: trend !== 'N' ? p.beta : null,
    gamma: season === 'A' ? p.gamma : null,
    phi: trend === 'Ad' ? p.phi : null,
    initialStates,
    logLik: -0.5 * lik,
    aic,
    aicc: aic + (2 * k * (k + 1)) / (n - k - 1),
    bic: lik + Math.log(n) * k,
    sigma2,
    residuals: run.resid,
    fitted: run.fitted,
    forecast(hArg, options) {
      const h = positiveInteger('h', hArg);
      plainObject('options', options ?? {});
      const level = optional(options?.level, [80, 95], (v) => {
        if (!Array.isArray(v) || !v.every((l) => typeof l === 'number' && l > 0 && l < 100)) throw invalid('options.level', 'array of percentages in (0, 100)', v);
        return v as number[];
      });
      const damp = trend === 'Ad' ? p.phi : 1;
      const mean = new Float64Array(h);
      const se = new Float64Array(h);
      let phiSum = 0; // phi + .. + phi^j
      let varSum = 1;
      for (let j = 1; j <= h; j++) {
        phiSum += damp ** j;
        const seasonal = season === 'A' ? run.s[(m - ((j - 1) % m) - 1)]! : 0;
        mean[j - 1] = run.l + (trend === 'N' ? 0 : phiSum * run.b) + seasonal;
        se[j - 1] = Math.sqrt(sigma2 * varSum);
        // c_j for the next horizon's variance.
        const cj = p.alpha + (trend === 'N' ? 0 : p.beta * phiSum) + (season === 'A' && j % m === 0 ? p.gamma : 0);
        varSum += cj * cj;
      }
      const z = level.map((l) => qnorm(0.5 + l / 200));
      return { mean, level: [...level], lower: z.map((q) => mean.map((v, j) => v - q * se[j]!)), upper: z.map((q) => mean.map((v, j) => v + q * se[j]!)) };
    },
    update(next) {
      if (!(Array.isArray(next) || (ArrayBuffer.isView(next) && !(next instanceof DataView)))) throw invalid('y', 'array of numbers', next);
      allFinite('y', next as ArrayLike<number>);
      const h2 = Float64Array.from(next as ArrayLike<number>);
      return make(h2, filter(h2, trend, season, m, p.alpha, p.beta, p.gamma, p.phi, p.init));
    },
  });
  return make(y, fit0);
}

/** ETS as a Baseline (fit / forecast / update), for tables and backtests. */
export function etsBaseline(options: { model?: EtsModel | 'auto'; period?: number } = {}): Baseline {
  const label = `ETS ${options.model ?? 'auto'}`;
  return { name: label, fit: (y) => ets(y, options) };
}

/**
 * Fits an additive-error ETS model, or with model 'auto' (default) every
 * additive form the data allows and keeps the smallest AICc.
 * @param options model; period m (seasonal forms need period > 1 and three seasons of data)
 * @example const fit = ets(passengers, { period: 12 }); fit.model; fit.forecast(12).mean
 */
export function ets(y: ArrayLike<number>, options: { model?: EtsModel | 'auto'; period?: number } = {}): EtsFit {
  plainObject('options', options);
  const model = optional(options.model, 'auto' as EtsModel | 'auto', (v) => oneOf('options.model', v, ['auto', 'ANN', 'AAN', 'AAdN', 'ANA', 'AAA', 'AAdA'] as const));
  const m = optional(options.period, 1, (v) => positiveInteger('options.period', v));
  if (!(Array.isArray(y) || (ArrayBuffer.isView(y) && !(y instanceof DataView)))) throw invalid('y', 'array of numbers', y);
  if ((y as ArrayLike<number>).length < 4) throw new InvalidArgumentError('y', `Expected at least 4 values for ETS but received ${(y as ArrayLike<number>).length}`);
  allFinite('y', y as ArrayLike<number>);
  const x = Float64Array.from(y as ArrayLike<number>);
  if (x.every((v) => v === x[0])) throw new InvalidArgumentError('y', 'Expected a non-constant series for ETS but received a constant one');
  if (model !== 'auto') {
    if (parse(model).season === 'A' && m < 2) throw invalid('options.period', 'a season length > 1 for a seasonal ETS model', m);
    return fitModel(x, model, m);
  }
  const forms: EtsModel[] = ['ANN', 'AAN', 'AAdN'];
  if (m > 1 && x.length >= 3 * m) forms.push('ANA', 'AAA', 'AAdA');
  let best: EtsFit | null = null;
  for (const f of forms) {
    try {
      const fit = fitModel(x, f, m);
      if (best === null || fit.aicc < best.aicc) best = fit;
    } catch (err) {
      if (!(err instanceof InvalidArgumentError)) throw err; // too many parameters for the data
    }
  }
  return best!;
}
