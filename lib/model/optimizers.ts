/** Optimizer configs. The update itself runs natively over the parameter buffer. */
import { optional, plainObject, positiveNumber, invalid } from '../validate.js';

export interface AdamConfig {
  type: 'adam';
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export type OptimizerConfig = AdamConfig;

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

function unitInterval(name: string, v: unknown): number {
  if (!(typeof v === 'number' && v >= 0 && v < 1)) throw invalid(name, 'number in [0, 1)', v);
  return v;
}

/**
 * Adam with Keras's defaults and update (Kingma & Ba 2015):
 * m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
 * p -= lr sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + epsilon).
 * @param options learningRate (1e-3), beta1 (0.9), beta2 (0.999), epsilon (1e-7)
 * @throws InvalidArgumentError for a non-positive rate or a beta outside [0, 1)
 * @example model.compile({ optimizer: adam({ learningRate: 1e-3 }), loss: 'mse' })
 */
export function adam(options: AdamOptions = {}): AdamConfig {
  plainObject('options', options);
  return {
    type: 'adam',
    learningRate: optional(options.learningRate, 1e-3, (v) => positiveNumber('options.learningRate', v)),
    beta1: optional(options.beta1, 0.9, (v) => unitInterval('options.beta1', v)),
    beta2: optional(options.beta2, 0.999, (v) => unitInterval('options.beta2', v)),
    epsilon: optional(options.epsilon, 1e-7, (v) => positiveNumber('options.epsilon', v)),
  };
}

/** Validates an optimizer config from JSON or user code. */
export function checkOptimizerConfig(name: string, value: unknown): OptimizerConfig {
  const o = plainObject(name, value);
  if (o.type !== 'adam') throw invalid(`${name}.type`, "'adam'", o.type);
  const { type: _t, ...rest } = o;
  return adam(rest as AdamOptions);
}
