/**
 * ONNX export: a trained Sequential model as a standard .onnx file that
 * onnxruntime (onnxruntime-node, or any other runtime) runs.
 *
 * The graph, by default (one input, one output):
 *   window   float32 [batch, steps, features]   batch-major, like predict()
 *     -> Transpose to time-major [steps, batch, features] (ONNX LSTM layout 0;
 *        onnxruntime rejects layout 1)
 *     -> one ONNX LSTM node per LSTM layer (weights remapped to gates i, o, f, c,
 *        B = [b_ih; b_hh]), Squeeze of its direction axis
 *     -> Dense as Gemm (last step) or MatMul + Add (every step), then its activation
 *   forecast float32 [batch, units]  ([batch, steps, units] for sequence output)
 * batch and steps are dynamic axes: any batch size and window length run.
 *
 * Opt-in:
 *  - state: inputs h_in.k, c_in.k and outputs h_out.k, c_out.k [batch, units_k]
 *    for every LSTM layer k (k is the layer's index in the model), so a
 *    stateful model carries its state across calls (feed the outputs of one
 *    call as the inputs of the next; zeros to start).
 *  - pipeline: the forecasting pipeline inside the graph. The input is
 *    `levels` float64 [batch, steps + 1] (raw values, e.g. prices; [batch,
 *    steps] without differencing); the graph differences, scales, runs the
 *    network, unscales and integrates, and `forecast` is float64
 *    [batch, horizon] in the same units as the input.
 */
import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, StateError } from '../core/errors.js';
import type { ForecastPipeline } from '../data/pipeline.js';
import { resolvePipelineOption } from '../data/pipeline-option.js';
import type { LayerConfig } from '../model/layers.js';
import type { Sequential } from '../model/sequential.js';
import { boolean, invalid, optional, plainObject } from '../core/validate.js';
import { VERSION } from '../core/version.js';
import { GATE_CONVENTION } from './gates.js';
import { GraphBuilder } from './graph.js';
import { addNetwork } from './network-graph.js';
import { addPipelineInput, addPipelineOutput } from './pipeline-graph.js';
import { CHECKSUM_KEY, onnxChecksum } from './checksum.js';
import { DataType, encodeModel, type Dim, type ModelProto } from './proto.js';
import type { Built, OnnxSignature } from './signature.js';

export type { OnnxSignature, OnnxValueInfo } from './signature.js';

/** The opset flowcast emits (LSTM-14, Squeeze/Unsqueeze with axes as inputs). */
export const ONNX_OPSET = 17;
/** IR version 8 goes with opsets up to 17. */
export const ONNX_IR_VERSION = 8;

export interface ExportOnnxOptions {
  /** Add per-layer state inputs and outputs (h_in.k, c_in.k, h_out.k, c_out.k). Default false. */
  state?: boolean;
  /**
   * Put the forecasting pipeline in the graph: raw levels in, levels out.
   * `true` uses the model's own fitted pipeline (`model.pipeline`, as
   * saved by the CLI); or pass a fitted ForecastPipeline. Default false.
   */
  pipeline?: boolean | ForecastPipeline;
  /** Export a model whose weights are still the random initialization. Default false. */
  allowUntrained?: boolean;
  /** Extra metadata properties (string values), stored beside flowcast's own; keys starting with 'flowcast.' are refused. */
  metadata?: Record<string, string>;
}

export interface OnnxExport {
  bytes: Uint8Array;
  signature: OnnxSignature;
  metadata: Record<string, string>;
}

/**
 * The ONNX model as bytes (what exportOnnx writes), with its signature and metadata.
 * @throws DisposedError for a disposed model; StateError for an untrained model
 *   or a pipeline that is missing or not fitted; InvalidArgumentError for bad
 *   options or a model the pipeline cannot wrap
 */
export function onnxModel(model: Sequential, options: ExportOnnxOptions = {}): OnnxExport {
  plainObject('options', options);
  const withState = optional(options.state, false, (v) => boolean('options.state', v));
  const allowUntrained = optional(options.allowUntrained, false, (v) => boolean('options.allowUntrained', v));
  const extra = optional(options.metadata, {} as Record<string, string>, (v) => {
    const o = plainObject('options.metadata', v);
    for (const [k, s] of Object.entries(o)) {
      if (typeof s !== 'string') throw invalid(`options.metadata['${k}']`, 'string', s);
      // flowcast.* keys are flowcast's own (the checksum among them): a user's copy would shadow or duplicate them.
      if (k.startsWith('flowcast.')) throw invalid(`options.metadata key`, "a key not starting with 'flowcast.'", k);
    }
    return o as Record<string, string>;
  });
  const weights = model.getWeights(); // throws DisposedError / BusyError first
  if (!model.trained && !allowUntrained) {
    throw new StateError(
      'The model is untrained (its weights are the random initialization): fit() it or load trained weights before exporting, or pass { allowUntrained: true }',
    );
  }
  for (const [k, l] of model.config.layers.entries()) checkExportable(k, l);
  const pipeline = resolvePipelineOption('options.pipeline', options.pipeline, model);

  const g = new GraphBuilder();
  const signature: OnnxSignature = { inputs: [], outputs: [], state: [], pipeline: pipeline !== null };
  const built: Built = { graph: g, signature };
  const F = model.inputShape[1];
  let window: string;
  if (pipeline) {
    window = addPipelineInput(built, pipeline);
  } else {
    window = g.input('window', DataType.FLOAT, ['batch', 'steps', F], 'Input windows, batch-major [batch, steps, features]');
    signature.inputs.push({ name: 'window', type: 'float32', shape: ['batch', 'steps', F] });
  }
  const net = addNetwork(built, model, weights, window, withState);
  if (pipeline) {
    addPipelineOutput(built, pipeline, net, model.outputShape[0]!);
  } else {
    const shape: Dim[] = model.outputShape.length === 2 ? ['batch', 'steps', model.outputShape[1]!] : ['batch', model.outputShape[0]!];
    g.node('Identity', [net], ['forecast']);
    g.output('forecast', DataType.FLOAT, shape, 'The network output, batch-major');
    signature.outputs.push({ name: 'forecast', type: 'float32', shape });
  }
  for (const s of signature.state) {
    for (const name of [s.hOut, s.cOut].filter(Boolean)) {
      g.output(name, DataType.FLOAT, ['batch', s.units]);
      signature.outputs.push({ name, type: 'float32', shape: ['batch', s.units] });
    }
  }

  const metadata: Record<string, string> = { ...extra, ...flowcastMetadata(model, pipeline, signature) };
  const proto: ModelProto = {
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'flowcast',
    producer_version: VERSION,
    doc_string: 'An LSTM forecaster exported by flowcast',
    graph: g.build('flowcast', model.summary()),
    metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
  // Last: the checksum of everything above (lib/onnx/checksum.ts), which OnnxForecaster.load verifies.
  metadata[CHECKSUM_KEY] = onnxChecksum(encodeModel(proto));
  proto.metadata_props.push({ key: CHECKSUM_KEY, value: metadata[CHECKSUM_KEY] });
  return { bytes: encodeModel(proto), signature, metadata };
}

/**
 * Writes the model as an ONNX file for onnxruntime (opset 17).
 * @returns the graph's signature and the metadata written
 * @throws as onnxModel; InvalidArgumentError naming `path` when the file cannot be written
 * @example await exportOnnx(model, 'btc.onnx', { pipeline: true, state: true })
 */
export async function exportOnnx(model: Sequential, path: string, options: ExportOnnxOptions = {}): Promise<OnnxExport> {
  if (typeof path !== 'string' || path === '') throw invalid('path', 'non-empty file path string', path);
  const result = onnxModel(model, options);
  try {
    await writeFile(path, result.bytes);
  } catch (err) {
    throw new InvalidArgumentError('path', `Could not write the ONNX model to path '${path}': ${(err as Error).message}`);
  }
  return result;
}

/**
 * flowcast's metadata_props: what a deployment needs to feed the graph and
 * read it, without flowcast. Keys are prefixed `flowcast.`; structured values are JSON.
 */
function flowcastMetadata(model: Sequential, pipeline: ForecastPipeline | null, signature: OnnxSignature): Record<string, string> {
  const [steps, features] = model.inputShape;
  const horizon = model.outputShape.at(-1)!;
  const layout = pipeline
    ? `levels: float64 [batch, ${pipeline.difference ? 'steps + 1' : 'steps'}] raw values, oldest first; forecast: float64 [batch, horizon] levels`
    : 'window: float32 [batch, steps, features] batch-major, oldest step first; forecast: float32 [batch, units] (or [batch, steps, units])';
  const source = pipeline?.source ?? {};
  const meta: Record<string, string> = {
    'flowcast.version': VERSION,
    'flowcast.signature': JSON.stringify(signature),
    'flowcast.input_layout': layout,
    'flowcast.steps': String(steps),
    'flowcast.features': String(features),
    'flowcast.horizon': String(horizon),
    'flowcast.gate_convention': GATE_CONVENTION,
    'flowcast.model_config': JSON.stringify(model.config),
  };
  if (pipeline) {
    meta['flowcast.lags'] = String(pipeline.lags);
    meta['flowcast.difference'] = String(pipeline.difference);
    meta['flowcast.scaler'] = JSON.stringify(pipeline.scaler.toJSON());
    meta['flowcast.pipeline'] = JSON.stringify(pipeline.toJSON());
    if ('train' in source || 'bounds' in source) {
      meta['flowcast.training_range'] = JSON.stringify({ train: source.train, bounds: source.bounds, time: source.time, column: source.column });
    }
  }
  return meta;
}

function checkExportable(k: number, l: LayerConfig): void {
  // Names what ONNX's LSTM cannot express as the layer options grow (its
  // activations: f = Sigmoid or HardSigmoid, g = h = Tanh here).
  const activation: string = l.type === 'lstm' ? l.activation : 'tanh';
  if (activation !== 'tanh') {
    throw new InvalidArgumentError(`model.config.layers[${k}]`, `Expected an LSTM with activation 'tanh' for ONNX export but received ${activation}`);
  }
}


