/**
 * The forecasting pipeline one time step at a time, for streaming: raw
 * levels in, the network's scaled input out, and the network's scaled output
 * back to levels. Per series (batch row) it remembers the last level, so
 *   step(p_t):  d_t = p_t - p_{t-1}  (0 for a series' first value, as
 *               pipeline.flows does for d_0),  x_t = scale(d_t)
 *   forecast:   p_hat_{t+j} = p_t + sum_{i<=j} unscale(s_hat_i)
 * (without differencing: x_t = scale(p_t), p_hat = unscale(s_hat)).
 */
import type { ForecastPipeline } from './pipeline.js';

export class LevelStream {
  readonly #pipeline: ForecastPipeline;
  #last: Float64Array | null = null;

  constructor(pipeline: ForecastPipeline) {
    this.#pipeline = pipeline;
  }

  /** The last level seen per series, or null before the first step. */
  get lastLevels(): Float64Array | null {
    return this.#last ? Float64Array.from(this.#last) : null;
  }

  set lastLevels(levels: Float64Array | null) {
    this.#last = levels ? Float64Array.from(levels) : null;
  }

  /** Scaled network inputs for one new level per series; remembers the levels. */
  input(levels: ArrayLike<number>): Float32Array {
    const n = levels.length;
    const flows = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      flows[i] = this.#pipeline.difference ? levels[i]! - (this.#last ? this.#last[i]! : levels[i]!) : levels[i]!;
    }
    this.#last = Float64Array.from(levels);
    return Float32Array.from(this.#pipeline.scaler.transform(flows));
  }

  /** Levels for the network's scaled outputs [series, horizon], anchored on the last levels. */
  output(scaled: ArrayLike<number>, horizon: number): Float64Array {
    const out = this.#pipeline.scaler.inverseTransform(scaled);
    if (!this.#pipeline.difference) return out;
    for (let r = 0; r < out.length / horizon; r++) {
      let level = this.#last![r]!;
      for (let j = 0; j < horizon; j++) {
        level += out[r * horizon + j]!;
        out[r * horizon + j] = level;
      }
    }
    return out;
  }

  reset(): void {
    this.#last = null;
  }
}
