/**
 * Layer constructors, Keras-style. A layer is plain, JSON-serializable config;
 * the network itself lives in native memory once `sequential()` builds it.
 */
import { integerInRange, invalid, oneOf, optional, plainObject, boolean } from '../core/validate.js';
import { LIMITS } from '../core/limits.js';

export type DenseActivation = 'linear' | 'tanh' | 'sigmoid' | 'relu';
export const DENSE_ACTIVATIONS: readonly DenseActivation[] = ['linear', 'tanh', 'sigmoid', 'relu'];

export interface LstmLayerConfig {
  type: 'lstm';
  units: number;
  /** Emit h_t for every step (needed to feed another LSTM). Default false. */
  returnSequences: boolean;
  /**
   * Carry (h, c) from batch to batch: row i of batch k+1 continues row i of
   * batch k (Keras semantics). Reset at each epoch's end and by resetStates().
   * Default false.
   */
  stateful: boolean;
  /** Cell and output activation. Only 'tanh' (the Keras/PyTorch/ONNX default) for now. */
  activation: 'tanh';
  /**
   * Gate activation: 'sigmoid' (PyTorch, Keras 3, ONNX default) or
   * 'hard_sigmoid', Keras 2's clip(0.2 x + 0.5, 0, 1) (the book's era).
   */
  recurrentActivation: 'sigmoid' | 'hard_sigmoid';
}

export interface DenseLayerConfig {
  type: 'dense';
  units: number;
  /** Default 'linear'. */
  activation: DenseActivation;
}

export interface DropoutLayerConfig {
  type: 'dropout';
  /** Fraction of the values passed on that are zeroed in training, in [0, 1). */
  rate: number;
}

export interface GruLayerConfig {
  type: 'gru';
  units: number;
  returnSequences: boolean;
  stateful: boolean;
}

export interface SimpleRnnLayerConfig {
  type: 'rnn';
  units: number;
  returnSequences: boolean;
  stateful: boolean;
  /** 'tanh' (torch.nn.RNN's and Keras SimpleRNN's default) or 'relu'. */
  activation: 'tanh' | 'relu';
}

/** The recurrent layers: they come first, and every one but the last returns sequences. */
export type RecurrentLayerConfig = LstmLayerConfig | GruLayerConfig | SimpleRnnLayerConfig;

export type LayerConfig = RecurrentLayerConfig | DenseLayerConfig | DropoutLayerConfig;

export function isRecurrent(l: LayerConfig): l is RecurrentLayerConfig {
  return l.type === 'lstm' || l.type === 'gru' || l.type === 'rnn';
}

export interface RecurrentOptions {
  returnSequences?: boolean;
  stateful?: boolean;
}

/** units and the options every recurrent layer shares, validated. */
function recurrentBase(units: number, options: RecurrentOptions): { units: number; returnSequences: boolean; stateful: boolean } {
  integerInRange('units', units, 1, LIMITS.units);
  plainObject('options', options);
  return {
    units,
    returnSequences: optional(options.returnSequences, false, (v) => boolean('options.returnSequences', v)),
    stateful: optional(options.stateful, false, (v) => boolean('options.stateful', v)),
  };
}

/**
 * A GRU layer exactly as torch.nn.GRU (and Keras GRU with reset_after=True,
 * cuDNN's convention): gates r, z, n stacked in weight_ih [3H, I] and
 * weight_hh [3H, H], two biases,
 *   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr), z = sigmoid(... z ...),
 *   n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) n + z h.
 * Initialized like Keras: glorot-uniform input weights, orthogonal recurrent
 * weights, zero biases.
 * @example gru(64, { returnSequences: true })
 */
export function gru(units: number, options: RecurrentOptions = {}): GruLayerConfig {
  return {
    type: 'gru',
    ...recurrentBase(units, options),
  };
}

/**
 * The vanilla (Elman) RNN of the chapter, torch.nn.RNN:
 * h_t = act(W x_t + b_ih + U h_{t-1} + b_hh), act tanh (default) or relu.
 * @example simpleRnn(32, { activation: 'tanh' })
 */
export function simpleRnn(units: number, options: RecurrentOptions & { activation?: 'tanh' | 'relu' } = {}): SimpleRnnLayerConfig {
  return {
    type: 'rnn',
    ...recurrentBase(units, options),
    activation: optional(options.activation, 'tanh' as 'tanh' | 'relu', (v) => oneOf('options.activation', v, ['tanh', 'relu'] as const)),
  };
}

export interface LstmOptions extends RecurrentOptions {
  activation?: 'tanh';
  recurrentActivation?: 'sigmoid' | 'hard_sigmoid';
}

export interface DenseOptions {
  activation?: DenseActivation;
}

/**
 * An LSTM layer: gates i, f, g, o (torch.nn.LSTM order), sigmoid gates, tanh
 * cell and output. Weights start as Keras does: glorot-uniform input
 * weights, orthogonal recurrent weights, zero biases with forget bias 1.
 * @param units hidden units H, an integer from 1 to 65,536 (LIMITS.units)
 * @param options returnSequences, stateful
 * @throws InvalidArgumentError on a bad unit count or option
 * @example lstm(100, { returnSequences: true, stateful: true })
 */
export function lstm(units: number, options: LstmOptions = {}): LstmLayerConfig {
  return {
    type: 'lstm',
    ...recurrentBase(units, options),
    activation: optional(options.activation, 'tanh' as const, (v) => oneOf('options.activation', v, ['tanh'] as const)),
    recurrentActivation: optional(options.recurrentActivation, 'sigmoid' as 'sigmoid' | 'hard_sigmoid', (v) =>
      oneOf('options.recurrentActivation', v, ['sigmoid', 'hard_sigmoid'] as const),
    ),
  };
}

/**
 * A fully connected layer y = act(x W^T + b), W of shape [units, inputs]
 * (nn.Linear layout), glorot-uniform initialized, zero bias. After an LSTM
 * that returns sequences it applies to every time step.
 * @param units outputs, an integer from 1 to 65,536 (LIMITS.units)
 * @param options activation: 'linear' (default), 'tanh', 'sigmoid' or 'relu'
 * @throws InvalidArgumentError on a bad unit count or activation
 * @example dense(1, { activation: 'tanh' })
 */
export function dense(units: number, options: DenseOptions = {}): DenseLayerConfig {
  integerInRange('units', units, 1, LIMITS.units);
  plainObject('options', options);
  return {
    type: 'dense',
    units,
    activation: optional(options.activation, 'linear' as DenseActivation, (v) =>
      oneOf('options.activation', v, DENSE_ACTIVATIONS),
    ),
  };
}

/**
 * Dropout between two layers (Keras Dropout, torch.nn.Dropout): in training
 * each value is zeroed with probability `rate` and the rest scaled by
 * 1 / (1 - rate); at inference (predict, evaluate, streams, ONNX) it passes
 * values through. The masks come from the model's seed, so a run repeats
 * exactly.
 * @param rate in [0, 1)
 * @example layers: [lstm(100, { returnSequences: true }), dropout(0.2), lstm(100), dropout(0.2), dense(1)]
 */
export function dropout(rate: number): DropoutLayerConfig {
  if (!(typeof rate === 'number' && rate >= 0 && rate < 1)) throw invalid('rate', 'number in [0, 1)', rate);
  return { type: 'dropout', rate };
}

/** Validates a layer config that came from JSON or user code (not from lstm()/dense()). */
export function checkLayerConfig(name: string, value: unknown): LayerConfig {
  const o = plainObject(name, value);
  if (o.type === 'lstm') {
    const { type: _t, units, ...rest } = o;
    return lstm(units as number, rest as LstmOptions);
  }
  if (o.type === 'dense') {
    const { type: _t, units, ...rest } = o;
    return dense(units as number, rest as DenseOptions);
  }
  if (o.type === 'gru') {
    const { type: _t, units, ...rest } = o;
    return gru(units as number, rest as RecurrentOptions);
  }
  if (o.type === 'rnn') {
    const { type: _t, units, ...rest } = o;
    return simpleRnn(units as number, rest as RecurrentOptions & { activation?: 'tanh' | 'relu' });
  }
  if (o.type === 'dropout') {
    try {
      return dropout(o.rate as number);
    } catch {
      throw invalid(`${name}.rate`, 'number in [0, 1)', o.rate);
    }
  }
  throw invalid(`${name}.type`, "'lstm', 'gru', 'rnn', 'dense' or 'dropout'", o.type);
}
