/**
 * Recursive multi-step forecasting with a one-step model: predict the next
 * scaled flow from the last `lags` flows, append the prediction as if it had
 * been observed, and repeat. (The direct alternative is a Dense(h) head
 * trained on ForecastPipeline({ horizon: h }) windows.)
 *
 *   flows s_0 .. s_{n-1} from the history (pipeline.transform)
 *   s_hat_{n+k} = model([s_{n+k-lags} .. s_{n+k-1}])   (predictions fed back)
 *   p_hat_{n+k} = p_{n-1} + sum_{i<=k} unscale(s_hat_{n+i})   (with differencing)
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { Sequential } from '../model/sequential.js';
import { positiveInteger } from '../core/validate.js';
import type { ForecastPipeline } from '../data/pipeline.js';

/**
 * The next `steps` levels after the end of `history`.
 * @param model a one-step model on the pipeline's windows (inputShape [lags, 1], one output)
 * @param pipeline a fitted univariate pipeline with horizon 1
 * @param history the levels observed so far (at least one)
 * @throws InvalidArgumentError for a model or pipeline that cannot recurse (covariates would
 *   need their own future values; a multi-output head is forecast directly instead)
 * @example const next5 = await forecastRecursive(model, pipeline, prices, 5);
 */
export async function forecastRecursive(model: Sequential, pipeline: ForecastPipeline, history: ArrayLike<number>, steps: number): Promise<Float64Array> {
  positiveInteger('steps', steps);
  if (pipeline.covariates > 0 || pipeline.horizon !== 1) {
    throw new InvalidArgumentError(
      'pipeline',
      `Expected a univariate one-step pipeline (covariates 0, horizon 1) for recursive forecasting but received covariates ${pipeline.covariates}, horizon ${pipeline.horizon}`,
    );
  }
  const [lags, features] = model.inputShape;
  if (lags !== pipeline.lags || features !== 1 || model.outputShape.length !== 1 || model.outputShape[0] !== 1) {
    throw new InvalidArgumentError(
      'model',
      `Expected a model with input [${pipeline.lags}, 1] and one output but received input [${lags}, ${features}] and output [${model.outputShape.join(', ')}]`,
    );
  }
  const flows = Array.from(pipeline.transform(history));
  const out = new Float64Array(steps);
  let level = history[history.length - 1]!;
  for (let k = 0; k < steps; k++) {
    // The window the pipeline would build: the last `lags` flows, zeros before the start.
    const window = new Float32Array(lags);
    for (let i = 0; i < lags; i++) {
      const src = flows.length - lags + i;
      window[i] = src >= 0 ? flows[src]! : 0;
    }
    const s = (await model.predict({ data: window, shape: [1, lags, 1] })).data[0]!;
    flows.push(s);
    const flow = pipeline.scaler.inverseTransform([s])[0]!;
    level = pipeline.difference ? level + flow : flow;
    out[k] = level;
  }
  return out;
}
