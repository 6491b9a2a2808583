/**
 * A model's configuration: the layer stack as the user writes it, checked
 * once (checkConfig, also for a loaded file's config before any native memory
 * is allocated), and the plain spec the native core builds from.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { LIMITS } from '../core/limits.js';
import { integerInRange, invalid, nonNegativeInteger, optional, plainObject } from '../core/validate.js';
import type { NativeSpec } from '../native/binding.js';
import { checkLayerConfig, isRecurrent, type DenseLayerConfig, type LayerConfig, type RecurrentLayerConfig } from './layers.js';

export interface SequentialConfig {
  /** [steps, features]: the shape of one sample (batch size is free). */
  inputShape: [number, number];
  layers: LayerConfig[];
  /** Seeds weight initialization and shuffling; the same seed reproduces a run. Default 0. */
  seed?: number;
}

const ACTIVATION_CODE = { linear: 0, tanh: 1, sigmoid: 2, relu: 3 } as const;

/** The plain spec the native core builds from (dropout's units: the width it passes on). */
export function toNativeSpec(inputShape: [number, number], layers: LayerConfig[]): NativeSpec {
  let width = inputShape[1];
  return {
    steps: inputShape[0],
    features: inputShape[1],
    layers: layers.map((l) => {
      if (l.type === 'dropout') return { kind: 2, units: width, returnSequences: false, stateful: false, activation: 0, rate: l.rate };
      width = l.units;
      if (l.type === 'dense') return { kind: 1, units: l.units, returnSequences: false, stateful: false, activation: ACTIVATION_CODE[l.activation] };
      const kind = l.type === 'lstm' ? 0 : l.type === 'gru' ? 3 : 4;
      const hardSigmoid = l.type === 'lstm' && l.recurrentActivation === 'hard_sigmoid';
      const activation = l.type === 'rnn' ? ACTIVATION_CODE[l.activation] : 0;
      return { kind, units: l.units, returnSequences: l.returnSequences, stateful: l.stateful, activation, hardSigmoid };
    }),
  };
}

/** Units of the last layer (never a dropout: checkConfig refuses that). */
export function lastUnits(layers: readonly LayerConfig[]): number {
  return (layers.at(-1) as RecurrentLayerConfig | DenseLayerConfig).units;
}

/** Checks the layer stack; the messages name the offending layer. (loadModel checks a file's config with it before any native memory is allocated.) */
export function checkConfig(value: unknown): Required<SequentialConfig> {
  const o = plainObject('config', value);
  const shape = o.inputShape;
  if (!Array.isArray(shape) || shape.length !== 2) throw invalid('config.inputShape', '[steps, features]', shape);
  integerInRange('config.inputShape[0] (steps)', shape[0], 1, LIMITS.steps);
  integerInRange('config.inputShape[1] (features)', shape[1], 1, LIMITS.features);
  if (!Array.isArray(o.layers) || o.layers.length === 0) throw invalid('config.layers', 'non-empty array of layers', o.layers);
  const layers = o.layers.map((l, i) => checkLayerConfig(`config.layers[${i}]`, l));
  if (!isRecurrent(layers[0]!)) {
    throw new InvalidArgumentError(
      'config.layers',
      'Expected a recurrent layer (lstm(), gru() or simpleRnn()) first in config.layers but received ' + `a ${layers[0]!.type} layer`,
    );
  }
  if (layers.at(-1)!.type === 'dropout') {
    throw new InvalidArgumentError(
      `config.layers[${layers.length - 1}]`,
      `Expected a recurrent or dense() layer last in config.layers but received a dropout layer (dropout goes between layers)`,
    );
  }
  let lastLstm = 0;
  layers.forEach((l, i) => {
    if (isRecurrent(l)) {
      if (layers.slice(0, i).some((p) => p.type === 'dense')) {
        throw new InvalidArgumentError(
          `config.layers[${i}]`,
          `Expected Dense layers only after every recurrent layer but config.layers[${i}] is a recurrent layer after a Dense layer`,
        );
      }
      lastLstm = i;
    }
  });
  layers.forEach((l, i) => {
    if (isRecurrent(l) && i < lastLstm && !l.returnSequences) {
      throw new InvalidArgumentError(
        `config.layers[${i}].returnSequences`,
        `Expected returnSequences: true for config.layers[${i}] because it feeds another recurrent layer, but received false`,
      );
    }
  });
  const seed = optional(o.seed, 0, (v) => nonNegativeInteger('config.seed', v));
  return { inputShape: [shape[0], shape[1]], layers, seed };
}

/** Shape of one output sample: [units], or [steps, units] when the last recurrent layer returns sequences. */
export function outputShapeOf(config: Required<SequentialConfig>): number[] {
  const lastRecurrent = config.layers.filter(isRecurrent).at(-1)!;
  const units = lastUnits(config.layers);
  return lastRecurrent.returnSequences ? [config.inputShape[0], units] : [units];
}
