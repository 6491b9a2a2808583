/**
 * Model files load into PyTorch: scripts/check-safetensors-torch.py read a
 * file this test writes (by the safetensors layout alone) into torch.nn.LSTM,
 * GRU, RNN and Linear under flowcast's parameter names and reproduced
 * flowcast's prediction; its verdict is committed in test/fixtures/torch_load
 * (regenerate: scripts/gen-torch-load-fixture.sh). Here: the verdict, and that
 * today's save of the same model writes the same tensors (names, shapes,
 * dtypes, offsets, bytes) as the checked file, so the verdict still applies.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sequential } from '../lib/model/sequential.js';
import { dense, dropout, gru, lstm, simpleRnn } from '../lib/model/layers.js';
import { loadModel } from '../lib/model/load.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'torch_load');
const model = () =>
  sequential({
    inputShape: [5, 2],
    layers: [lstm(6, { returnSequences: true }), dropout(0.2), gru(5, { returnSequences: true }), simpleRnn(4), dense(2, { activation: 'tanh' })],
    seed: 12,
  });
const input = { data: Float32Array.from({ length: 30 }, (_, i) => Math.sin(i * 0.7)), shape: [3, 5, 2] };

/** Header (tensor entries) and tensor bytes of a safetensors file. */
function parts(bytes: Buffer) {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  delete header.__metadata__;
  return { header, body: bytes.subarray(8 + n) };
}

t.test('flowcast model files load into torch.nn modules', async (t) => {
  const m = model();
  const path = join(process.env.FLOWCAST_TORCH_LOAD_DIR ?? mkdtempSync(join(tmpdir(), 'flowcast-torch-')), 'model.safetensors');
  await m.save(path);
  if (process.env.FLOWCAST_TORCH_LOAD_DIR) {
    const out = await m.predict(input);
    writeFileSync(join(process.env.FLOWCAST_TORCH_LOAD_DIR, 'io.json'), JSON.stringify({ x: Array.from(input.data), shape: input.shape, flowcast: Array.from(out.data) }));
  }
  const verdict = JSON.parse(readFileSync(join(fixtures, 'verdict.json'), 'utf8')) as { max_abs_diff: number; layers: string[] };
  t.ok(verdict.max_abs_diff < 1e-5, `torch ${verdict.layers.join(', ')} reproduced flowcast's output (max diff ${verdict.max_abs_diff})`);
  const checked = parts(readFileSync(join(fixtures, 'model.safetensors')));
  const today = parts(readFileSync(path));
  t.same(today.header, checked.header, 'same tensor names, dtypes, shapes and offsets');
  t.ok(today.body.equals(checked.body), 'same tensor bytes');
  const io = JSON.parse(readFileSync(join(fixtures, 'io.json'), 'utf8')) as { flowcast: number[] };
  const loaded = await loadModel(join(fixtures, 'model.safetensors'));
  // atol 1e-6, not bitwise: the weights load bit for bit, but the kernels' float32 summation order may change between versions.
  const predicted = (await loaded.predict(input)).data;
  const worst = Math.max(...io.flowcast.map((v, i) => Math.abs(v - predicted[i]!)));
  t.equal(predicted.length, io.flowcast.length);
  t.ok(worst <= 1e-6, `the checked file predicts what it did (max diff ${worst.toExponential(2)})`);
  loaded.dispose();
  m.dispose();
});
