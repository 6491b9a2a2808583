/**
 * ONNX files flowcast exported carry flowcast.checksum, verified by
 * OnnxForecaster.load before onnxruntime sees the bytes. Oracles: the
 * exported bytes edited in place (a flipped weight bit) or decoded, changed
 * and encoded again (metadata, a node attribute, the checksum itself), each
 * of which must be refused; the untouched and the re-serialized file must
 * load and predict as the native model (atol 1e-5, as onnx-parity.test.ts).
 */
import t from 'tap';
import { dense, lstm } from '../lib/model/layers.js';
import { sequential } from '../lib/model/sequential.js';
import { CHECKSUM_KEY, onnxChecksum } from '../lib/onnx/checksum.js';
import { onnxModel } from '../lib/onnx/export.js';
import { OnnxForecaster } from '../lib/onnx/forecaster.js';
import { decodeModel, encodeModel, type ModelProto } from '../lib/onnx/proto.js';
import { maxAbsDiff, rng, uniform } from './helpers/random.js';

const model = sequential({ inputShape: [6, 2], layers: [lstm(5, { returnSequences: true }), lstm(3), dense(1, { activation: 'tanh' })], seed: 4 });
t.teardown(() => model.dispose());
const exported = onnxModel(model, { allowUntrained: true, state: true });
const x = { data: new Float32Array(uniform(rng(8), 4 * 6 * 2, -1, 1)), shape: [4, 6, 2] };

function edited(edit: (m: ModelProto) => void): Uint8Array {
  const m = decodeModel(Uint8Array.from(exported.bytes)); // a copy: decoded bytes fields are views into the input
  edit(m);
  return encodeModel(m);
}

t.test('the export stores the checksum of everything else, last', async (t) => {
  const m = decodeModel(exported.bytes);
  const last = m.metadata_props.at(-1)!;
  t.equal(last.key, CHECKSUM_KEY);
  t.match(last.value, /^sha256:[0-9a-f]{64}$/);
  t.equal(exported.metadata[CHECKSUM_KEY], last.value, 'returned with the metadata');
  t.equal(onnxChecksum(exported.bytes), last.value, 'it matches the bytes');
  t.not(onnxChecksum(edited((m) => (m.graph.initializer[0]!.raw_data[0]! ^= 1))), last.value, 'and changes with a weight bit');
});

t.test('an untouched or re-serialized export loads and predicts as the native model', async (t) => {
  const native = await model.predict(x);
  for (const [name, bytes] of [['as exported', exported.bytes], ['decoded and encoded again', edited(() => undefined)]] as const) {
    const f = await OnnxForecaster.load(bytes);
    const d = maxAbsDiff((await f.predict(x)).data, native.data);
    t.ok(d.max <= 1e-5, `${name}: max |onnx - native| = ${d.max.toExponential(2)}`);
    await f.dispose();
  }
});

t.test('edited or corrupted exports are refused with a FormatError before onnxruntime runs them', async (t) => {
  const raw = decodeModel(exported.bytes).graph.initializer[0]!.raw_data;
  const at = Buffer.from(exported.bytes).indexOf(Buffer.from(raw));
  t.ok(at > 0, 'found the first initializer in the file');
  const flipped = Uint8Array.from(exported.bytes);
  flipped[at + 5]! ^= 0x04;
  const cases: [string, Uint8Array, RegExp][] = [
    ['a weight bit flipped in the file', flipped, /does not match its flowcast.checksum/],
    ['a weight changed and the file re-encoded', edited((m) => (m.graph.initializer[1]!.raw_data = new Uint8Array(m.graph.initializer[1]!.raw_data.length))), /does not match/],
    ['a metadata value', edited((m) => (m.metadata_props.find((p) => p.key === 'flowcast.horizon')!.value = '2')), /does not match/],
    ['a node attribute (hidden_size)', edited((m) => (m.graph.node.find((n) => n.op_type === 'LSTM')!.attribute[0]!.i = 6)), /does not match/],
    ['a node removed', edited((m) => m.graph.node.pop()), /does not match/],
    ['a foreign metadata property added', edited((m) => m.metadata_props.unshift({ key: 'note', value: 'x' })), /does not match/],
    ['the checksum edited', edited((m) => (m.metadata_props.at(-1)!.value = `sha256:${'0'.repeat(64)}`)), /does not match/],
    ['the checksum removed', edited((m) => m.metadata_props.pop()), /has no flowcast.checksum metadata: it was exported by an earlier flowcast or edited/],
  ];
  for (const [name, bytes, message] of cases) {
    await t.rejects(OnnxForecaster.load(bytes), { name: 'FormatError', message }, name);
  }
});

t.test("a user's metadata cannot carry flowcast.* keys (they would shadow or duplicate the checksum)", async (t) => {
  t.throws(() => onnxModel(model, { allowUntrained: true, metadata: { [CHECKSUM_KEY]: 'sha256:0' } }), {
    name: 'InvalidArgumentError',
    message: `Expected a key not starting with 'flowcast.' for options.metadata key but received "${CHECKSUM_KEY}" of type string`,
  });
  const ok = onnxModel(model, { allowUntrained: true, metadata: { owner: 'ops' } });
  t.equal(ok.metadata.owner, 'ops', 'other keys are kept');
});
