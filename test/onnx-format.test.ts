/**
 * The exported file itself: the gate remapping, the graph structure the
 * issue asks for, the ONNX checker's verdict, the metadata, and clear errors.
 * Oracles: hand-written gate blocks; the ONNX checker (python3-onnx 1.12,
 * full_check with shape inference) run on these same graphs by
 * scripts/gen-onnx-fixtures.sh, whose checked files live in
 * test/fixtures/onnx: today's exports must have exactly their structure
 * (nodes, attributes, value names, types and shapes; weights and metadata
 * values may differ).
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ForecastPipeline } from '../lib/data/pipeline.js';
import { sequential, type Sequential } from '../lib/model/sequential.js';
import { dense, lstm } from '../lib/model/layers.js';
import { exportOnnx, onnxModel, type ExportOnnxOptions } from '../lib/onnx/export.js';
import { OnnxForecaster } from '../lib/onnx/forecaster.js';
import { ONNX_FROM_FLOWCAST, toOnnxGateOrder } from '../lib/onnx/gates.js';
import { decodeModel, encodeModel, type ModelProto } from '../lib/onnx/proto.js';
import { importOptional } from '../lib/core/optional-dependency.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'onnx');

t.test('gate order: flowcast i, f, g, o becomes ONNX i, o, f, c', async (t) => {
  const H = 2;
  const cols = 3;
  // Every value names its gate block: 10 * block + position.
  const flowcast = Float32Array.from({ length: 4 * H * cols }, (_, k) => 10 * Math.floor(k / (H * cols)) + (k % (H * cols)));
  const onnx = toOnnxGateOrder(flowcast, H, cols);
  const block = (a: Float32Array, b: number) => Array.from(a.subarray(b * H * cols, (b + 1) * H * cols));
  t.same(block(onnx, 0), block(flowcast, 0), 'i <- i');
  t.same(block(onnx, 1), block(flowcast, 3), 'o <- o (flowcast block 3)');
  t.same(block(onnx, 2), block(flowcast, 1), 'f <- f (flowcast block 1)');
  t.same(block(onnx, 3), block(flowcast, 2), 'c <- g (flowcast block 2)');
  t.same(ONNX_FROM_FLOWCAST, [0, 3, 1, 2]);
  t.throws(() => toOnnxGateOrder(new Float32Array(5), 1, 1), RangeError);
});

function pipelineFor(lags: number): ForecastPipeline {
  const p = new ForecastPipeline({ lags }).fit([100, 101, 99.5, 102, 104, 103, 103.5, 101, 100]);
  p.source = { column: 'Close', time: 'Timestamp', train: ['2017-01-01', '2017-05-31'], bounds: '(]' };
  return p;
}

/** The graphs checked by the ONNX checker (keep in step with test/fixtures/onnx). */
function checkCases(): { name: string; model: Sequential; options: ExportOnnxOptions }[] {
  const book = () => sequential({ inputShape: [10, 1], layers: [lstm(4, { returnSequences: true }), lstm(4), dense(1, { activation: 'tanh' })], seed: 1 });
  return [
    { name: 'book.onnx', model: book(), options: {} },
    { name: 'book-state.onnx', model: book(), options: { state: true } },
    { name: 'book-pipeline-state.onnx', model: book(), options: { state: true, pipeline: pipelineFor(10) } },
    {
      name: 'sequence-dense.onnx',
      model: sequential({ inputShape: [7, 3], layers: [lstm(5, { returnSequences: true }), dense(2, { activation: 'sigmoid' })], seed: 2 }),
      options: {},
    },
    {
      name: 'three-layers-relu.onnx',
      model: sequential({
        inputShape: [6, 8],
        layers: [lstm(3, { returnSequences: true }), lstm(2, { returnSequences: true }), lstm(5), dense(4, { activation: 'relu' }), dense(2)],
        seed: 3,
      }),
      options: { state: true },
    },
  ];
}

/** Everything but weight values and metadata values. */
function structure(m: ModelProto) {
  const info = (v: ModelProto['graph']['input'][number]) => ({
    name: v.name,
    type: v.type.tensor_type.elem_type,
    dims: v.type.tensor_type.shape.dim.map((d) => ('dim_param' in d && d.dim_param ? d.dim_param : (d as { dim_value: number }).dim_value)),
  });
  return {
    ir_version: m.ir_version,
    opset: m.opset_import.map((o) => [o.domain, o.version]),
    inputs: m.graph.input.map(info),
    outputs: m.graph.output.map(info),
    nodes: m.graph.node.map((n) => ({
      op: n.op_type,
      input: n.input,
      output: n.output,
      attributes: n.attribute.map((a) => ({ name: a.name, type: a.type, i: a.i, ints: a.ints })),
    })),
    initializers: m.graph.initializer.map((i) => ({ name: i.name, dims: i.dims, type: i.data_type })),
    // flowcast.checksum is newer than the checked files; metadata does not enter the checker's verdict on the graph.
    metadataKeys: m.metadata_props.map((p) => p.key).filter((k) => k !== 'flowcast.checksum').sort(),
  };
}

t.test('exports have the structure the ONNX checker passed', async (t) => {
  const verdict = JSON.parse(readFileSync(join(fixtures, 'verdict.json'), 'utf8')) as {
    onnx_version: string;
    models: Record<string, { verdict: string; opset: number[] }>;
  };
  const writeDir = process.env.FLOWCAST_ONNX_EXPORT_DIR;
  const exported = checkCases().map((c) => ({ ...c, bytes: onnxModel(c.model, { ...c.options, allowUntrained: true }).bytes }));
  if (writeDir) for (const c of exported) writeFileSync(join(writeDir, c.name), c.bytes);
  for (const c of exported) {
    const bytes = c.bytes;
    t.equal(verdict.models[c.name]?.verdict, 'ok', `${c.name}: onnx ${verdict.onnx_version} checker (full_check) passed`);
    const checked = decodeModel(readFileSync(join(fixtures, c.name)));
    t.same(structure(decodeModel(bytes)), structure(checked), `${c.name}: same graph structure as the checked file`);
    c.model.dispose();
  }
});

t.test('the book graph: one LSTM node per layer, time-major, one input and one output', async (t) => {
  const model = sequential({ inputShape: [10, 1], layers: [lstm(100, { returnSequences: true }), lstm(100), dense(1, { activation: 'tanh' })], seed: 1 });
  const m = decodeModel(onnxModel(model, { allowUntrained: true }).bytes);
  const ops = m.graph.node.map((n) => n.op_type);
  t.equal(ops.filter((o) => o === 'LSTM').length, 2, 'two LSTM nodes, not an unrolled loop');
  t.notOk(ops.some((o) => o === 'Loop' || o === 'Scan'), 'no Loop or Scan');
  t.equal(ops[0], 'Transpose', 'batch-major window transposed to time-major first');
  for (const n of m.graph.node.filter((n) => n.op_type === 'LSTM')) {
    t.same(n.attribute.map((a) => [a.name, a.i]), [['hidden_size', 100]], 'hidden_size 100, default layout 0 and activations');
  }
  const dims = Object.fromEntries(m.graph.initializer.map((i) => [i.name, i.dims]));
  t.same([dims['layers.0.W'], dims['layers.0.R'], dims['layers.0.B']], [[1, 400, 1], [1, 400, 100], [1, 800]]);
  t.same(m.graph.input.map((i) => i.name), ['window']);
  t.same(m.graph.output.map((o) => o.name), ['forecast']);
  t.equal(m.opset_import[0]!.version, 17);
  model.dispose();
});

t.test('metadata: version, layout, lags, features, horizon, scaler, gates, training range', async (t) => {
  const model = sequential({ inputShape: [10, 1], layers: [lstm(3), dense(1)], seed: 1 });
  const { metadata } = onnxModel(model, { allowUntrained: true, pipeline: pipelineFor(10), metadata: { owner: 'desk-7' } });
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  t.equal(metadata['flowcast.version'], pkg.version);
  t.match(metadata['flowcast.input_layout'], /levels: float64 \[batch, steps \+ 1\]/);
  t.equal(metadata['flowcast.lags'], '10');
  t.equal(metadata['flowcast.features'], '1');
  t.equal(metadata['flowcast.horizon'], '1');
  t.match(metadata['flowcast.gate_convention'], /i, o, f, c/);
  t.same(JSON.parse(metadata['flowcast.training_range']!).train, ['2017-01-01', '2017-05-31']);
  t.equal(JSON.parse(metadata['flowcast.scaler']!).type, 'minMax');
  t.equal(metadata.owner, 'desk-7', 'user metadata is kept');
  model.dispose();
});

t.test('bad input: clear errors', async (t) => {
  const model = sequential({ inputShape: [4, 2], layers: [lstm(3), dense(1)], seed: 1 });
  t.throws(() => onnxModel(model), { name: 'StateError', message: /untrained/ });
  model.setWeights(model.getWeights());
  t.ok(model.trained, 'setWeights counts as trained');
  t.throws(() => onnxModel(model, { state: 'yes' as unknown as boolean }), { name: 'InvalidArgumentError', message: /options\.state/ });
  t.throws(() => onnxModel(model, { pipeline: true }), { name: 'StateError', message: /no fitted pipeline/ });
  t.throws(() => onnxModel(model, { pipeline: new ForecastPipeline({ lags: 4 }) }), { name: 'StateError', message: /not fitted/ });
  t.throws(() => onnxModel(model, { pipeline: pipelineFor(4) }), { name: 'InvalidArgumentError', message: /1 feature/ });
  t.throws(() => onnxModel(model, { metadata: { n: 3 as unknown as string } }), { name: 'InvalidArgumentError', message: /options.metadata\['n'\]/ });
  const dir = mkdtempSync(join(tmpdir(), 'flowcast-onnx-'));
  await t.rejects(exportOnnx(model, join(dir, 'no-such-dir', 'm.onnx')), { name: 'InvalidArgumentError', message: /Could not write the ONNX model to path/ });
  await t.rejects(exportOnnx(model, ''), { name: 'InvalidArgumentError', message: /path/ });
  const path = join(dir, 'm.onnx');
  const written = await exportOnnx(model, path);
  t.same(new Uint8Array(readFileSync(path)), written.bytes, 'the file holds the returned bytes');

  const f = await OnnxForecaster.load(path);
  await t.rejects(f.predict({ data: new Float32Array(8), shape: [1, 4, 2, 1] }), { name: 'InvalidArgumentError', message: /x.shape/ });
  await t.rejects(f.predict({ data: new Float32Array(12), shape: [2, 2, 3] }), { name: 'InvalidArgumentError', message: /x.shape/ });
  await t.rejects(f.predict({ data: new Float32Array([NaN, 0, 0, 0]), shape: [1, 2, 2] }), { name: 'InvalidArgumentError', message: /x.data/ });
  await f.dispose();

  model.dispose();
  t.throws(() => onnxModel(model), { name: 'DisposedError' });

  await t.rejects(OnnxForecaster.load(join(dir, 'missing.onnx')), { name: 'InvalidArgumentError', message: /Could not read/ });
  await t.rejects(OnnxForecaster.load(new Uint8Array([0xff, 0xff, 0xff, 0x01])), { name: 'FormatError', message: /not an ONNX model/ });
  const foreign = encodeModel({
    ir_version: 8,
    opset_import: [{ domain: '', version: 17 }],
    producer_name: 'other',
    producer_version: '1',
    graph: { name: 'g', node: [], initializer: [], input: [], output: [] },
    metadata_props: [],
  });
  await t.rejects(OnnxForecaster.load(foreign), { name: 'FormatError', message: /not an ONNX model exported by flowcast/ });
  const truncated = readFileSync(path).subarray(0, 200);
  await t.rejects(OnnxForecaster.load(truncated), { name: 'FormatError' });
  await t.rejects(importOptional('flowcast-no-such-package', 'OnnxForecaster'), {
    name: 'MissingDependencyError',
    code: 'ERR_FLOWCAST_MISSING_DEPENDENCY',
    message: /npm install flowcast-no-such-package/,
  });
});
