/**
 * The forecasting pipeline as ONNX nodes around the network, so that
 * onnxruntime takes raw levels and returns levels (lib/data/pipeline.ts
 * is the TypeScript twin; the parity test holds them equal). All pipeline
 * arithmetic runs in float64; only the network runs in float32.
 */
import { MinMaxScaler } from '../data/scalers.js';
import type { ForecastPipeline } from '../data/pipeline.js';
import { attr } from './graph.js';
import { DataType } from './proto.js';
import type { Built } from './signature.js';

/**
 * levels (float64 [batch, n]) -> scaled flows as the network's window
 * (float32 [batch, n - 1, 1] with differencing, [batch, n, 1] without).
 *   d_t = p_t - p_{t-1};  s_t = d_t * scale + offset (min-max) or (d_t - mean) / std
 */
export function addPipelineInput({ graph: g, signature }: Built, pipeline: ForecastPipeline): string {
  const width = pipeline.difference ? 'steps_plus_1' : 'steps';
  g.input('levels', DataType.DOUBLE, ['batch', width], 'Raw values (e.g. prices), oldest first: [batch, steps + 1] with differencing');
  signature.inputs.push({ name: 'levels', type: 'float64', shape: ['batch', width] });
  let flows = 'levels';
  if (pipeline.difference) {
    const axis1 = g.int64s('pipeline.axis1', [1]);
    const [cur] = g.node('Slice', ['levels', g.int64s('pipeline.from1', [1]), g.int64s('pipeline.to_end', [Number.MAX_SAFE_INTEGER]), axis1], ['pipeline.current']);
    const [prev] = g.node('Slice', ['levels', g.int64s('pipeline.from0', [0]), g.int64s('pipeline.to_last', [-1]), axis1], ['pipeline.previous']);
    [flows] = g.node('Sub', [cur!, prev!], ['pipeline.flows']);
  }
  const s = pipeline.scaler;
  let scaled: string;
  if (s instanceof MinMaxScaler) {
    const [mul] = g.node('Mul', [flows, g.doubles('pipeline.scale', [1], s.scale)], ['pipeline.times_scale']);
    [scaled] = g.node('Add', [mul!, g.doubles('pipeline.offset', [1], s.offset)], ['pipeline.scaled']);
  } else {
    const [centered] = g.node('Sub', [flows, g.doubles('pipeline.mean', [1], s.mean)], ['pipeline.centered']);
    [scaled] = g.node('Div', [centered!, g.doubles('pipeline.std', [1], s.std)], ['pipeline.scaled']);
  }
  const [f32] = g.node('Cast', [scaled!], ['pipeline.scaled_f32'], [attr.int('to', DataType.FLOAT)]);
  const [window] = g.node('Unsqueeze', [f32!, g.int64s('pipeline.axis2', [2])], ['window']);
  return window!;
}

/**
 * The network's scaled output (float32 [batch, horizon]) -> levels (float64):
 *   d_hat = (s_hat - offset) / scale  (or s_hat * std + mean)
 *   p_hat_{t+j} = p_t + sum_{i<=j} d_hat_i  (with differencing; CumSum over the horizon)
 */
export function addPipelineOutput({ graph: g, signature }: Built, pipeline: ForecastPipeline, net: string, horizon: number): void {
  const [y] = g.node('Cast', [net], ['pipeline.output_f64'], [attr.int('to', DataType.DOUBLE)]);
  const s = pipeline.scaler;
  let flows: string;
  if (s instanceof MinMaxScaler) {
    const [centered] = g.node('Sub', [y!, 'pipeline.offset'], ['pipeline.output_centered']);
    [flows] = g.node('Div', [centered!, 'pipeline.scale'], ['pipeline.output_flows']);
  } else {
    const [scaledUp] = g.node('Mul', [y!, 'pipeline.std'], ['pipeline.output_scaled']);
    [flows] = g.node('Add', [scaledUp!, 'pipeline.mean'], ['pipeline.output_flows']);
  }
  if (pipeline.difference) {
    const [last] = g.node('Slice', ['levels', 'pipeline.to_last', 'pipeline.to_end', 'pipeline.axis1'], ['pipeline.last_level']);
    let steps = flows!;
    if (horizon > 1) [steps] = g.node('CumSum', [flows!, g.int64s('pipeline.cumsum_axis', [1])], ['pipeline.output_cumulative']);
    g.node('Add', [last!, steps], ['forecast']);
  } else {
    g.node('Identity', [flows!], ['forecast']);
  }
  g.output('forecast', DataType.DOUBLE, ['batch', horizon], 'Forecast levels, in the units of the input');
  signature.outputs.push({ name: 'forecast', type: 'float64', shape: ['batch', horizon] });
}
