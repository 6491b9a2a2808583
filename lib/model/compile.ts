/** compile()'s configuration: the optimizer, the loss and its parameter, checked. */
import { oneOf, optional, plainObject, positiveNumber } from '../core/validate.js';
import { adam, checkOptimizerConfig, type OptimizerConfig } from './optimizers.js';

export type LossName = 'mse' | 'mae' | 'huber';

export interface CompileConfig {
  /** adam() (default, Keras form), adamW(), sgd() or rmsprop(). */
  optimizer?: OptimizerConfig;
  /**
   * Mean over all outputs of a function of e = prediction - target:
   * 'mse' e^2 (default), 'mae' |e|, 'huber' e^2/2 if |e| < huberDelta else
   * huberDelta (|e| - huberDelta/2) (torch.nn.MSELoss / L1Loss / HuberLoss).
   */
  loss?: LossName;
  /** Huber's threshold. Default 1 (as PyTorch and Keras). */
  huberDelta?: number;
}

/** The resolved compile config (defaults filled in); the messages name config.* fields. */
export function checkCompileConfig(config: unknown): Required<CompileConfig> {
  plainObject('config', config);
  const c = config as CompileConfig;
  const optimizer = optional(c.optimizer, adam(), (v) => checkOptimizerConfig('config.optimizer', v));
  const loss = optional(c.loss, 'mse' as LossName, (v) => oneOf('config.loss', v, ['mse', 'mae', 'huber'] as const));
  const huberDelta = optional(c.huberDelta, 1, (v) => positiveNumber('config.huberDelta', v));
  return { optimizer, loss, huberDelta };
}
