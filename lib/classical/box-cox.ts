/**
 * Any baseline fitted on the Box-Cox transformed series, as R forecast's
 * `lambda` argument (ets, Arima, auto.arima, stlf, rwf, ...): the model is
 * fitted to w = BoxCox(y, lambda); point forecasts, interval bounds and
 * fitted values are transformed back. Back-transformed point forecasts are
 * medians; with biasadj they become means, using the variance implied by
 * the widest interval asked for, ((upper - lower) / (2 z))^2 on the w scale.
 * Fitted values are back-transformed medians. R's ets() with a lambda also
 * restricts its automatic choice to additive forms: etsBaseline({
 * additiveOnly: true }) for the same choice.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { boxCox, boxCoxLambda, invBoxCox } from '../stats/box-cox.js';
import { boolean, finiteNumber, optional, plainObject, positiveInteger } from '../core/validate.js';
import { qnorm } from '../numeric/distributions.js';
import type { Baseline, BaselineForecast, FittedBaseline } from './simple.js';

export interface BoxCoxOptions {
  /** The transform's lambda, or 'auto' for Guerrero's (R's BoxCox(y, "auto"): bounds -0.9 and 2). */
  lambda: number | 'auto';
  /** Back-transformed means instead of medians (default false). */
  biasadj?: boolean;
  /** Season length for Guerrero's lambda (default 1). */
  period?: number;
}

export interface BoxCoxFit extends FittedBaseline {
  lambda: number;
  /** The model on the transformed scale (its AICc, coefficients, ...). */
  transformed: FittedBaseline;
  update(y: ArrayLike<number>): BoxCoxFit;
}

/**
 * @example withBoxCox(etsBaseline({ period: 12 }), { lambda: 0 }).fit(passengers).forecast(24)
 */
export function withBoxCox(baseline: Baseline, options: BoxCoxOptions): Baseline {
  plainObject('options', options);
  if (options.lambda !== 'auto') finiteNumber('options.lambda', options.lambda);
  const biasadj = optional(options.biasadj, false, (v) => boolean('options.biasadj', v));
  const period = optional(options.period, 1, (v) => positiveInteger('options.period', v));
  return {
    name: `${baseline.name}, Box-Cox`,
    fit(y) {
      const lambda = options.lambda === 'auto' ? boxCoxLambda(y, period, { lower: -0.9 }) : options.lambda;
      return fitTransformed(y, lambda, biasadj, (w) => baseline.fit(w));
    },
  };
}

function fitTransformed(y: ArrayLike<number>, lambda: number, biasadj: boolean, fitOn: (w: Float64Array) => FittedBaseline): BoxCoxFit {
  const w = boxCox(y, lambda);
  const inner = fitOn(w);
  const fitted = invBoxCox(inner.fitted, lambda);
  return {
    name: `${inner.name}, Box-Cox lambda ${Number(lambda.toPrecision(4))}`,
    lambda,
    transformed: inner,
    fitted,
    residuals: Float64Array.from(y, (v, i) => v - fitted[i]!),
    forecast(h, forecastOptions): BaselineForecast {
      const f = inner.forecast(h, forecastOptions);
      let variance: Float64Array | undefined;
      if (biasadj) {
        if (f.level.length === 0) throw new InvalidArgumentError('options.biasadj', `Expected a model with prediction intervals for a bias-adjusted back-transform, but ${inner.name} has none`);
        const i = f.level.indexOf(Math.max(...f.level));
        const z = qnorm((f.level[i]! / 100 + 1) / 2);
        variance = f.upper[i]!.map((u, j) => ((u - f.lower[i]![j]!) / z / 2) ** 2);
      }
      return { mean: invBoxCox(f.mean, lambda, variance), level: f.level, lower: f.lower.map((b) => invBoxCox(b, lambda)), upper: f.upper.map((b) => invBoxCox(b, lambda)) };
    },
    update(next) {
      return fitTransformed(next, lambda, biasadj, (w2) => inner.update(w2));
    },
  };
}
