/**
 * Optimizer configs. The update itself runs natively over the parameter
 * buffer (native/core/optimizer.h has the formulas). Every optimizer takes
 * clipNorm (scale all gradients so their global L2 norm is at most this, as
 * torch.nn.utils.clip_grad_norm_) and clipValue (clamp each gradient to
 * [-v, v]), applied before the update.
 */
import { boolean, invalid, optional, plainObject, positiveNumber } from '../core/validate.js';

interface Clipping {
  /** Global gradient-norm limit; absent: no clipping. */
  clipNorm?: number;
  /** Per-element gradient limit; absent: no clipping. */
  clipValue?: number;
}

export interface AdamConfig extends Clipping {
  type: 'adam';
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface AdamWConfig extends Clipping {
  type: 'adamw';
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

export interface SgdConfig extends Clipping {
  type: 'sgd';
  learningRate: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

export interface RmspropConfig extends Clipping {
  type: 'rmsprop';
  learningRate: number;
  alpha: number;
  epsilon: number;
  momentum: number;
  centered: boolean;
  weightDecay: number;
}

export type OptimizerConfig = AdamConfig | AdamWConfig | SgdConfig | RmspropConfig;

export interface ClipOptions {
  clipNorm?: number;
  clipValue?: number;
}

export interface AdamOptions extends ClipOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface AdamWOptions extends AdamOptions {
  weightDecay?: number;
}

export interface SgdOptions extends ClipOptions {
  learningRate?: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export interface RmspropOptions extends ClipOptions {
  learningRate?: number;
  alpha?: number;
  epsilon?: number;
  momentum?: number;
  centered?: boolean;
  weightDecay?: number;
}

function unitInterval(name: string, v: unknown): number {
  if (!(typeof v === 'number' && v >= 0 && v < 1)) throw invalid(name, 'number in [0, 1)', v);
  return v;
}

function nonNegative(name: string, v: unknown): number {
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw invalid(name, 'finite number >= 0', v);
  return v;
}

function clipping(options: ClipOptions): Clipping {
  const out: Clipping = {};
  if (options.clipNorm !== undefined) out.clipNorm = positiveNumber('options.clipNorm', options.clipNorm);
  if (options.clipValue !== undefined) out.clipValue = positiveNumber('options.clipValue', options.clipValue);
  return out;
}

/**
 * Adam with Keras's defaults and update (Kingma & Ba 2015):
 * m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
 * p -= lr sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + epsilon).
 * (torch.optim.Adam puts epsilon after the bias correction: use adamW({ weightDecay: 0 }).)
 * @param options learningRate (1e-3), beta1 (0.9), beta2 (0.999), epsilon (1e-7), clipNorm, clipValue
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
    ...clipping(options),
  };
}

/**
 * AdamW exactly as torch.optim.AdamW (decoupled weight decay, PyTorch's
 * epsilon placement): p *= 1 - lr wd, then
 * p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + epsilon).
 * With weightDecay 0 it is torch.optim.Adam.
 * @param options learningRate (1e-3), beta1 (0.9), beta2 (0.999), epsilon (1e-8), weightDecay (0.01), clipNorm, clipValue
 * @example adamW({ learningRate: 1e-3, weightDecay: 1e-2 })
 */
export function adamW(options: AdamWOptions = {}): AdamWConfig {
  plainObject('options', options);
  return {
    type: 'adamw',
    learningRate: optional(options.learningRate, 1e-3, (v) => positiveNumber('options.learningRate', v)),
    beta1: optional(options.beta1, 0.9, (v) => unitInterval('options.beta1', v)),
    beta2: optional(options.beta2, 0.999, (v) => unitInterval('options.beta2', v)),
    epsilon: optional(options.epsilon, 1e-8, (v) => positiveNumber('options.epsilon', v)),
    weightDecay: optional(options.weightDecay, 0.01, (v) => nonNegative('options.weightDecay', v)),
    ...clipping(options),
  };
}

/**
 * SGD as torch.optim.SGD (dampening 0): g += wd p; with momentum mu,
 * buf = mu buf + g (buf = g at the first step) and the step uses buf, or
 * g + mu buf with Nesterov; p -= lr * step.
 * @param options learningRate (0.01), momentum (0), nesterov (false), weightDecay (0), clipNorm, clipValue
 * @throws InvalidArgumentError for Nesterov without momentum
 * @example sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true })
 */
export function sgd(options: SgdOptions = {}): SgdConfig {
  plainObject('options', options);
  const config: SgdConfig = {
    type: 'sgd',
    learningRate: optional(options.learningRate, 0.01, (v) => positiveNumber('options.learningRate', v)),
    momentum: optional(options.momentum, 0, (v) => unitInterval('options.momentum', v)),
    nesterov: optional(options.nesterov, false, (v) => boolean('options.nesterov', v)),
    weightDecay: optional(options.weightDecay, 0, (v) => nonNegative('options.weightDecay', v)),
    ...clipping(options),
  };
  if (config.nesterov && config.momentum === 0) throw invalid('options.momentum', 'momentum > 0 with nesterov: true', config.momentum);
  return config;
}

/**
 * RMSprop as torch.optim.RMSprop: s = a s + (1-a) g^2 (centered: minus the
 * squared running mean of g), p -= lr g / (sqrt(s) + epsilon), with optional
 * momentum on g / (sqrt(s) + epsilon).
 * @param options learningRate (0.01), alpha (0.99), epsilon (1e-8), momentum (0), centered (false), weightDecay (0), clipNorm, clipValue
 * @example rmsprop({ learningRate: 1e-3 })
 */
export function rmsprop(options: RmspropOptions = {}): RmspropConfig {
  plainObject('options', options);
  return {
    type: 'rmsprop',
    learningRate: optional(options.learningRate, 0.01, (v) => positiveNumber('options.learningRate', v)),
    alpha: optional(options.alpha, 0.99, (v) => unitInterval('options.alpha', v)),
    epsilon: optional(options.epsilon, 1e-8, (v) => positiveNumber('options.epsilon', v)),
    momentum: optional(options.momentum, 0, (v) => unitInterval('options.momentum', v)),
    centered: optional(options.centered, false, (v) => boolean('options.centered', v)),
    weightDecay: optional(options.weightDecay, 0, (v) => nonNegative('options.weightDecay', v)),
    ...clipping(options),
  };
}

const BUILDERS = { adam, adamw: adamW, sgd, rmsprop } as const;

/** Validates an optimizer config from JSON or user code. */
export function checkOptimizerConfig(name: string, value: unknown): OptimizerConfig {
  const o = plainObject(name, value);
  const build = BUILDERS[o.type as keyof typeof BUILDERS];
  if (typeof o.type !== 'string' || !build) throw invalid(`${name}.type`, "'adam', 'adamw', 'sgd' or 'rmsprop'", o.type);
  const { type: _t, ...rest } = o;
  return build(rest as never);
}
