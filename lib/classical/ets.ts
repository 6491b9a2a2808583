/**
 * Exponential smoothing in state-space form, as R forecast's ets(): the 15
 * forms of its default set, error A or M, trend N, A or Ad (damped), season
 * N, A or M, without an additive error on a multiplicative season (R's
 * restrict = TRUE) and without multiplicative trends.
 * Additive forms (e_t = y_t - y_hat_t), in error-correction form:
 *   y_hat_t = l + phi b + s_{t-m}
 *   l <- l + phi b + alpha e,  b <- phi b + beta e,  s_t = s_{t-m} + gamma e
 * Forms with an M use R's smoothing form (filterGeneral) and, for M errors,
 * the relative error e_t = (y_t - y_hat_t) / y_hat_t.
 * Parameters and initial states (l0, b0, s0 .. s_{m-2}; the last seasonal
 * state makes them sum to 0, or to m for M seasons) maximize the likelihood,
 * i.e. minimize n log(sum e^2) (+ 2 sum log|y_hat| for M errors), by
 * Nelder-Mead from R's starting values (initstate, initparam) inside R's
 * default bounds: the usual ones (alpha, beta, gamma in [1e-4, 0.9999],
 * beta <= alpha, gamma <= 1 - alpha, phi in [0.8, 0.98]) and admissibility
 * (the characteristic roots inside the unit circle). AICc as R:
 * -2 log L + 2k + 2k(k+1)/(n-k-1), k = parameters + states + 1;
 * sigma^2 = sum e^2 / (n - parameters - states). Forecast means and
 * variances: ets-variance.ts (R's class 1, 2, 3).
 * ets(y, { model: 'auto' }) picks the form with the smallest AICc
 * (multiplicative forms only for positive data, seasonal ones for 1 < m <= 24).
 */
import { InvalidArgumentError } from '../core/errors.js';
import { boolean, finiteSeries, invalid, oneOf, optional, plainObject, positiveInteger } from '../core/validate.js';
import { nelderMead } from '../numeric/nelder-mead.js';
import { rootModuli } from '../numeric/polyroot.js';
import { checkForecastArgs, normalForecast, type Baseline, type FittedBaseline } from './simple.js';
import { etsMoments } from './ets-variance.js';

export type EtsError = 'A' | 'M';
export type EtsTrend = 'N' | 'A' | 'Ad';
export type EtsSeason = 'N' | 'A' | 'M';
/** Error, trend (Ad: damped), season; R's restricted set (no additive error with a multiplicative season). */
export type EtsModel = 'ANN' | 'AAN' | 'AAdN' | 'ANA' | 'AAA' | 'AAdA' | 'MNN' | 'MAN' | 'MAdN' | 'MNA' | 'MAA' | 'MAdA' | 'MNM' | 'MAM' | 'MAdM';
const ADDITIVE_MODELS: EtsModel[] = ['ANN', 'AAN', 'AAdN', 'ANA', 'AAA', 'AAdA'];
const MULTIPLICATIVE_MODELS: EtsModel[] = ['MNN', 'MAN', 'MAdN', 'MNA', 'MAA', 'MAdA', 'MNM', 'MAM', 'MAdM'];

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

const etsName = (model: EtsModel) => {
  const { error, trend, season } = parse(model);
  return `ETS(${error},${trend},${season})`;
};

const LOWER = { alpha: 1e-4, beta: 1e-4, gamma: 1e-4, phi: 0.8 };
const UPPER = { alpha: 0.9999, beta: 0.9999, gamma: 0.9999, phi: 0.98 };

function parse(model: EtsModel): { error: EtsError; trend: EtsTrend; season: EtsSeason } {
  const body = model.slice(1);
  const season = body.at(-1) as EtsSeason;
  return { error: model[0] as EtsError, trend: body.slice(0, -1) as EtsTrend, season };
}

/**
 * Classical decomposition's seasonal figure (R decompose): centered moving
 * average, then per-phase means of y - trend (additive) or y / trend
 * (multiplicative), centered to mean 0 or scaled to mean 1.
 */
function seasonalFigure(y: Float64Array, m: number, multiplicative = false): Float64Array {
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
        s += multiplicative ? y[t]! / trend[t]! : y[t]! - trend[t]!;
        c++;
      }
    }
    figure[p] = s / c;
  }
  const mean = figure.reduce((a, b) => a + b, 0) / m;
  return figure.map((v) => (multiplicative ? v / mean : v - mean));
}

/** R's initstate: [l0, b0?, s0 .. s_{m-2}] (s0 the most recent season before the data). */
function initialState(y: Float64Array, trend: EtsTrend, season: EtsSeason, m: number): number[] {
  let sa = y;
  const seas: number[] = [];
  if (season !== 'N') {
    if (y.length < 3 * m) throw new InvalidArgumentError('y', `Expected at least ${3 * m} values (three seasons) for a seasonal ETS but received ${y.length}`);
    const figure = seasonalFigure(y, m, season === 'M');
    for (let p = m - 1; p >= 1; p--) seas.push(figure[p]!);
    if (season === 'A') sa = y.map((v, t) => v - figure[t % m]!);
    else {
      // R: seasonal indices at least 0.01, rescaled when they sum past m.
      for (let i = 0; i < seas.length; i++) seas[i] = Math.max(seas[i]!, 0.01);
      const total = seas.reduce((a, b) => a + b, 0);
      if (total > m) {
        const denom = seas.reduce((a, b) => a + b + 0.01, 0);
        for (let i = 0; i < seas.length; i++) seas[i] = seas[i]! / denom;
      }
      sa = y.map((v, t) => v / Math.max(figure[t % m]!, 0.01));
    }
  }
  const maxn = Math.min(Math.max(10, 2 * (season !== 'N' ? m : 1)), sa.length);
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

/**
 * The filter for forms with a multiplicative error or season, in R's
 * arrangement (etscalc): one-step forecast f = (l + phi b) (+|x) s_{t-m},
 * relative error e = (y - f) / f for M errors, then the smoothing updates
 *   l = q + alpha (p - q),  q = l + phi b,  p = y (-|/) s_{t-m}
 *   b = phi b + (beta / alpha) (l_new - l - phi b)
 *   s_t = s_{t-m} + gamma (y (-|/) q - s_{t-m})
 * and -2 log L (constants dropped) = n log(sum e^2) + 2 sum log|f| (M errors).
 */
function filterGeneral(y: Float64Array, error: EtsError, trend: EtsTrend, season: EtsSeason, m: number, alpha: number, beta: number, gamma: number, phi: number, init: number[]): Run & { lik: number } {
  const TOL = 1e-10;
  const HUGE = 1e10;
  let l = init[0]!;
  let b = trend === 'N' ? 0 : init[1]!;
  const ms = season !== 'N' ? m : 0;
  const s = Float64Array.from(init.slice(trend === 'N' ? 1 : 2)); // full m states, s[0] the newest
  const resid = new Float64Array(y.length);
  const fitted = new Float64Array(y.length);
  const damp = trend === 'Ad' ? phi : 1;
  let sse = 0;
  let sumlog = 0;
  for (let t = 0; t < y.length; t++) {
    const phib = trend === 'N' ? 0 : damp * b;
    const q = l + phib;
    const old = ms ? s[ms - 1]! : 0;
    const f = season === 'A' ? q + old : season === 'M' ? q * old : q;
    if (Number.isNaN(f)) return { sse: NaN, resid, fitted, l, b, s, lik: NaN };
    const e = error === 'A' ? y[t]! - f : (y[t]! - f) / f;
    fitted[t] = f;
    resid[t] = e;
    sse += e * e;
    if (error === 'M') sumlog += Math.log(Math.abs(f));
    const pAdj = season === 'N' ? y[t]! : season === 'A' ? y[t]! - old : Math.abs(old) < TOL ? HUGE : y[t]! / old;
    const lNew = q + alpha * (pAdj - q);
    if (trend !== 'N') b = phib + (beta / alpha) * (lNew - l - phib);
    if (ms) {
      const target = season === 'A' ? y[t]! - q : Math.abs(q) < TOL ? HUGE : y[t]! / q;
      const next = old + gamma * (target - old);
      for (let k = ms - 1; k > 0; k--) s[k] = s[k - 1]!;
      s[0] = next;
    }
    l = lNew;
  }
  const lik = y.length * Math.log(sse) + (error === 'M' ? 2 * sumlog : 0);
  return { sse, resid, fitted, l, b, s, lik };
}

/** Fits one ETS form by maximum likelihood. */
/**
 * What Nelder-Mead minimizes: 'lik', -2 log L (R's default), or 'mse', the
 * mean squared one-step error as R's etscalc accumulates it (a running mean,
 * amse = (amse (k - 1) + e^2) / k), which R's ses() uses.
 */
type OptCrit = 'lik' | 'mse';

function runningMse(resid: Float64Array): number {
  let amse = 0;
  for (let k = 1; k <= resid.length; k++) amse = (amse * (k - 1) + resid[k - 1]! * resid[k - 1]!) / k;
  return amse;
}

function fitModel(y: Float64Array, model: EtsModel, m: number, optCrit: OptCrit = 'lik'): EtsFit {
  const { error, trend, season } = parse(model);
  const general = error === 'M' || season === 'M';
  const seasonal = season !== 'N';
  const mm = seasonal ? m : 1;
  // R's initparam.
  const alpha0 = LOWER.alpha + (0.2 * (UPPER.alpha - LOWER.alpha)) / mm;
  const params: number[] = [alpha0];
  if (trend !== 'N') params.push(LOWER.beta + 0.1 * (Math.min(UPPER.beta, alpha0) - LOWER.beta));
  if (seasonal) params.push(LOWER.gamma + 0.05 * (Math.min(UPPER.gamma, 1 - alpha0) - LOWER.gamma));
  if (trend === 'Ad') params.push(LOWER.phi + 0.99 * (UPPER.phi - LOWER.phi));
  const np = params.length;
  const x0 = [...params, ...initialState(y, trend, season, m)];
  if (x0.length >= y.length - 1) throw new InvalidArgumentError('y', `Expected more than ${x0.length + 1} values for ETS(${model}) but received ${y.length}`);
  const unpack = (x: ArrayLike<number>) => {
    let i = 0;
    const alpha = x[i++]!;
    const beta = trend !== 'N' ? x[i++]! : 0;
    const gamma = seasonal ? x[i++]! : 0;
    const phi = trend === 'Ad' ? x[i++]! : 1;
    return { alpha, beta, gamma, phi, init: Array.from(x).slice(np) };
  };
  // Initial states with the last seasonal one appended: seasonal states sum to 0 (A) or m (M).
  const fullInit = (init: number[]) => {
    if (!seasonal) return init;
    const sum = init.slice(trend === 'N' ? 1 : 2).reduce((a, v) => a + v, 0);
    return [...init, (season === 'M' ? m : 0) - sum];
  };
  const filterOn = (series: Float64Array, q: ReturnType<typeof unpack>): Run & { lik: number } => {
    if (general) return filterGeneral(series, error, trend, season, m, q.alpha, q.beta, q.gamma, q.phi, fullInit(q.init));
    const r = filter(series, trend, season, m, q.alpha, q.beta, q.gamma, q.phi, q.init);
    return { ...r, lik: series.length * Math.log(r.sse) };
  };
  const objective = (x: Float64Array) => {
    const p = unpack(x);
    // R's check.param ("usual" bounds).
    if (p.alpha < LOWER.alpha || p.alpha > UPPER.alpha) return Infinity;
    if (trend !== 'N' && (p.beta < LOWER.beta || p.beta > UPPER.beta || p.beta > p.alpha)) return Infinity;
    if (seasonal && (p.gamma < LOWER.gamma || p.gamma > UPPER.gamma || p.gamma > 1 - p.alpha)) return Infinity;
    if (trend === 'Ad' && (p.phi < LOWER.phi || p.phi > UPPER.phi)) return Infinity;
    // R's default bounds ("both"): the usual ones above, and admissibility.
    if (!admissible(p.alpha, trend !== 'N' ? p.beta : null, seasonal ? p.gamma : null, trend === 'Ad' ? p.phi : null, m)) return Infinity;
    if (!general) {
      const run = filter(y, trend, season, m, p.alpha, p.beta, p.gamma, p.phi, p.init);
      return optCrit === 'mse' ? runningMse(run.resid) : y.length * Math.log(run.sse);
    }
    // Multiplicative seasonal states must stay positive.
    if (season === 'M' && fullInit(p.init).slice(trend === 'N' ? 1 : 2).some((v) => v < 0)) return Infinity;
    const lik = filterOn(y, p).lik;
    if (Number.isNaN(lik)) return Infinity;
    return Math.max(lik, -1e10);
  };
  const best = nelderMead(objective, x0, { maxit: 2000 });
  const p = unpack(best.x);
  const fit0 = filterOn(y, p);
  const n = y.length;
  const lik = fit0.lik;
  const k = best.x.length + 1;
  const aic = lik + 2 * k;
  const sigma2 = fit0.sse / (n - k + 1);
  const initialStates = Float64Array.from(fullInit(p.init));
  // The fitted model on a history: the same parameters and initial states, filtered through it.
  const make = (history: Float64Array, state: Run): EtsFit => ({
    name: etsName(model),
    model,
    alpha: p.alpha,
    beta: trend !== 'N' ? p.beta : null,
    gamma: seasonal ? p.gamma : null,
    phi: trend === 'Ad' ? p.phi : null,
    initialStates,
    logLik: -0.5 * lik,
    aic,
    aicc: aic + (2 * k * (k + 1)) / (n - k - 1),
    bic: lik + Math.log(n) * k,
    sigma2,
    residuals: state.resid,
    fitted: state.fitted,
    forecast(hArg, options) {
      const { h, level } = checkForecastArgs(hArg, options);
      const { mean, variance } = etsMoments(h, state, { error, trend, season, m, alpha: p.alpha, beta: p.beta, gamma: p.gamma, phi: p.phi, sigma2 });
      return normalForecast(mean, variance.map(Math.sqrt), level);
    },
    update(next) {
      const h2 = finiteSeries('y', next);
      return make(h2, filterOn(h2, p));
    },
  });
  return make(y, fit0);
}

export interface EtsOptions {
  /** A form, or 'auto' (default): the smallest AICc. */
  model?: EtsModel | 'auto';
  /** Season length m (default 1). */
  period?: number;
  /** 'auto' considers additive forms only (R's additive.only; R's ets forces it with a Box-Cox lambda). */
  additiveOnly?: boolean;
}

/**
 * Simple exponential smoothing as R forecast's ses(): ETS(A,N,N) with alpha
 * and the initial level chosen by the mean squared one-step error.
 * @example ses(y).forecast(10).mean
 */
export function ses(y: ArrayLike<number>): EtsFit {
  return fitModel(checkEtsSeries(y), 'ANN', 1, 'mse');
}

function checkEtsSeries(y: unknown): Float64Array {
  const x = finiteSeries('y', y, 4, 'ETS');
  if (x.every((v) => v === x[0])) throw new InvalidArgumentError('y', 'Expected a non-constant series for ETS but received a constant one');
  return x;
}

/** ETS as a Baseline (fit / forecast / update), for tables and backtests. */
export function etsBaseline(options: EtsOptions = {}): Baseline {
  const label = `ETS ${options.model ?? 'auto'}`;
  return { name: label, fit: (y) => ets(y, options) };
}

/**
 * Fits an additive-error ETS model, or with model 'auto' (default) every
 * additive form the data allows and keeps the smallest AICc.
 * @param options model; period m (seasonal forms need period > 1 and three seasons of data)
 * @example const fit = ets(passengers, { period: 12 }); fit.model; fit.forecast(12).mean
 */
export function ets(y: ArrayLike<number>, options: EtsOptions = {}): EtsFit {
  plainObject('options', options);
  const model = optional(options.model, 'auto' as EtsModel | 'auto', (v) => oneOf('options.model', v, ['auto', ...ADDITIVE_MODELS, ...MULTIPLICATIVE_MODELS] as const));
  const m = optional(options.period, 1, (v) => positiveInteger('options.period', v));
  const additiveOnly = optional(options.additiveOnly, false, (v) => boolean('options.additiveOnly', v));
  const x = checkEtsSeries(y);
  const positive = x.every((v) => v > 0);
  if (model !== 'auto') {
    const { error, season } = parse(model);
    if (season !== 'N' && m < 2) throw invalid('options.period', 'a season length > 1 for a seasonal ETS model', m);
    if (!positive && (error === 'M' || season === 'M')) throw new InvalidArgumentError('y', `Expected positive values for y with the multiplicative ETS(${model}) but received a value <= 0`);
    return fitModel(x, model, m);
  }
  // R's ets(): every form its restrictions allow, seasonal ones for 1 < m <= 24, multiplicative ones for positive data.
  const seasonalOk = m > 1 && m <= 24 && x.length >= 3 * m;
  const forms = [...ADDITIVE_MODELS, ...(positive && !additiveOnly ? MULTIPLICATIVE_MODELS : [])].filter((f) => seasonalOk || parse(f).season === 'N');
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
