/**
 * The `pipeline` option shared by exportOnnx and model.stream(): `true`
 * means the model's own fitted pipeline (model.pipeline, saved with it),
 * or the caller passes a fitted ForecastPipeline.
 */
import { InvalidArgumentError, StateError } from '../core/errors.js';
import { invalid } from '../core/validate.js';
import { ForecastPipeline, type ForecastPipelineJSON } from './pipeline.js';

/** What the option needs to know about the model. */
export interface PipelineHost {
  readonly pipeline: ForecastPipelineJSON | undefined;
  readonly inputShape: [number, number];
  readonly outputShape: number[];
}

/**
 * @returns the fitted pipeline, or null when the option is absent or false
 * @throws StateError when no fitted pipeline is available; InvalidArgumentError
 *   for a bad option or a model the pipeline cannot wrap (it needs 1 feature
 *   and one output step)
 */
export function resolvePipelineOption(name: string, option: unknown, model: PipelineHost): ForecastPipeline | null {
  if (option === undefined || option === false) return null;
  let pipeline: ForecastPipeline;
  if (option === true) {
    if (!model.pipeline) {
      throw new StateError(`${name} is true but the model has no fitted pipeline (model.pipeline): pass a fitted ForecastPipeline instead`);
    }
    pipeline = ForecastPipeline.fromJSON(model.pipeline);
  } else if (option instanceof ForecastPipeline) {
    pipeline = option;
  } else {
    throw invalid(name, 'boolean or a fitted ForecastPipeline', option);
  }
  if (!pipeline.fitted) throw new StateError(`${name} is not fitted: call pipeline.fit(trainingLevels) first`);
  if (model.inputShape[1] !== 1 || model.outputShape.length !== 1) {
    throw new InvalidArgumentError(
      name,
      `Expected a model with 1 feature and one output step for ${name} but received input [steps, ${model.inputShape[1]}] and output [${model.outputShape.join(', ')}]`,
    );
  }
  return pipeline;
}
