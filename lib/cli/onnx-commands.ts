/** CLI commands for ONNX: `flowcast export` and `flowcast predict --onnx`. */
import { parseOptions } from './options.js';
import { InvalidArgumentError } from '../core/errors.js';
import { ForecastPipeline } from '../data/pipeline.js';
import { loadModel } from '../model/load.js';
import { exportOnnx } from '../onnx/export.js';
import { OnnxForecaster } from '../onnx/forecaster.js';
import { readLevels, writeForecasts } from './args.js';

export const EXPORT_HELP = `Usage: flowcast export --model MODEL --onnx OUT [--pipeline] [--state] [--json]

Writes a saved model as an ONNX file (opset 17) that onnxruntime runs: one
LSTM node per layer, dynamic batch and window length.

Options:
  --model MODEL       a model saved by 'flowcast train --out' or model.save()
  --onnx OUT          the .onnx file to write
  --pipeline          put the saved pipeline in the graph: input 'levels'
                      float64 [batch, lags + 1] raw values (e.g. prices),
                      output 'forecast' float64 [batch, 1] in the same units
  --state             add per-layer state inputs h_in.k, c_in.k and outputs
                      h_out.k, c_out.k [batch, units] for streaming
  --json              print the graph's signature as JSON`;

export async function exportCommand(argv: string[]): Promise<void> {
  const { values } = parseOptions({
    args: argv,
    options: {
      model: { type: 'string' },
      onnx: { type: 'string' },
      pipeline: { type: 'boolean' },
      state: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void console.log(EXPORT_HELP);
  if (!values.model) throw new InvalidArgumentError('--model', 'Expected a model file for --model but received nothing');
  if (!values.onnx) throw new InvalidArgumentError('--onnx', 'Expected an output path for --onnx but received nothing');
  const model = await loadModel(values.model);
  try {
    const { signature, bytes } = await exportOnnx(model, values.onnx, { pipeline: Boolean(values.pipeline), state: Boolean(values.state) });
    if (values.json) return void console.log(JSON.stringify({ onnx: values.onnx, bytes: bytes.length, ...signature }, null, 2));
    const show = (v: { name: string; type: string; shape: (string | number)[] }) => `  ${v.name.padEnd(10)} ${v.type} [${v.shape.join(', ')}]`;
    console.log(`wrote ${values.onnx} (${bytes.length} bytes)`);
    console.log(['inputs:', ...signature.inputs.map(show), 'outputs:', ...signature.outputs.map(show)].join('\n'));
  } finally {
    model.dispose();
  }
}

/**
 * One-step forecasts from an ONNX model with the pipeline in its graph, on
 * the same windows as `flowcast predict --model` (ForecastPipeline.levelWindows)
 * and, for a stateful model exported with --state, the same state carried
 * across batches of 100: onnxruntime reproduces the native forecasts.
 */
export async function predictOnnx(values: { onnx?: string; data?: string; range?: string; out?: string; duplicates?: string }): Promise<void> {
  const forecaster = await OnnxForecaster.load(values.onnx!);
  try {
    if (!forecaster.pipeline) {
      throw new InvalidArgumentError('--onnx', `Expected an ONNX model exported with --pipeline (levels in, levels out) but ${values.onnx} takes network windows`);
    }
    const pipeline = ForecastPipeline.fromJSON(JSON.parse(forecaster.metadata['flowcast.pipeline']!));
    const config = JSON.parse(forecaster.metadata['flowcast.model_config'] ?? '{}') as { layers?: { stateful?: boolean }[] };
    const stateful = (config.layers ?? []).some((l) => l.stateful);
    const withState = forecaster.signature.state.length > 0;
    if (stateful && !withState) {
      console.error('flowcast predict: the model is stateful but the ONNX file has no state I/O (export --state); every window starts from zeros');
    }
    const { series, levels } = await readLevels(values, pipeline);
    const windows = pipeline.levelWindows(levels);
    const forecast = await forecaster.predict(windows, { batchSize: 100, stateful: stateful && withState });
    const n = windows.shape[0];
    const predicted = Float64Array.from(forecast.data);
    const naive = new Float64Array(n);
    for (let t = 0; t < n; t++) naive[t] = t >= 1 ? levels[t - 1]! : NaN;
    if (pipeline.difference) predicted[0] = NaN; // no previous level to anchor on, as the native path
    await writeForecasts(values.out, series, levels, windows.targetIndex, predicted, naive);
  } finally {
    await forecaster.dispose();
  }
}
