/**
 * MAE and Huber losses against PyTorch (F.l1_loss, F.huber_loss with delta
 * 0.3 so both branches occur) on the 'small' golden model and batch:
 * scripts/gen-golden-losses.py. The float64 reference core must match torch's
 * float64 autograd to 1e-10 relative; the float32 path within the golden
 * tolerance 1e-5 + 1e-4 |torch| (see model-golden.test.ts).
 */
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binding } from '../lib/native/binding.js';
import { loadModel } from '../lib/model/load.js';
import { adam } from '../lib/model/optimizers.js';
import { firstMismatch } from './helpers/random.js';
import { goldenModel, loadGolden } from './helpers/golden.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'golden');
const meta = JSON.parse(readFileSync(join(dir, 'losses.json'), 'utf8')) as {
  runs: { loss: 'mae' | 'huber'; huberDelta?: number; value: number }[];
  tensors: Record<string, { offset: number; length: number }>;
};
const raw = readFileSync(join(dir, 'losses.f64'));
const all = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
const tensor = (name: string) => all.subarray(meta.tensors[name]!.offset, meta.tensors[name]!.offset + meta.tensors[name]!.length);

const g = loadGolden('small');
const { B, T, F } = g.meta.config;

for (const run of meta.runs) {
  t.test(`${run.loss} vs PyTorch`, async (t) => {
    const model = goldenModel(g);
    t.teardown(() => model.dispose());
    model.compile({ optimizer: adam(), loss: run.loss, ...(run.huberDelta ? { huberDelta: run.huberDelta } : {}) });
    const x = { data: new Float32Array(g.tensor('input')), shape: [B, T, F] };
    const y = { data: new Float32Array(g.tensor('target')), shape: [B, ...model.outputShape] };
    const { loss, gradients } = await model.lossAndGradients(x, y);
    t.ok(Math.abs(loss - run.value) <= 1e-5 + 1e-4 * run.value, `float32 loss ${loss} vs torch ${run.value}`);
    for (const p of Object.keys(gradients)) {
      t.equal(firstMismatch(gradients[p]!, tensor(`${run.loss}.grad.${p}`), 1e-5, 1e-4), null, `float32 grad ${p}`);
    }
    const ev = await model.evaluate(x, y);
    t.ok(Math.abs(ev.loss - run.value) <= 1e-5 + 1e-4 * run.value, `evaluate() reports the compiled loss: ${ev.loss}`);

    // The float64 reference core: same weights and data, torch's float64 numbers.
    const params = new Float64Array(model.paramCount);
    for (const e of model._layout()) params.set(g.tensor(`params.${e.name}`), e.offset);
    const spec = {
      steps: T,
      features: F,
      layers: [
        { kind: 0 as const, units: 7, returnSequences: true, stateful: false, activation: 0 as const },
        { kind: 0 as const, units: 5, returnSequences: false, stateful: false, activation: 0 as const },
        { kind: 1 as const, units: 2, returnSequences: false, stateful: false, activation: 0 as const },
      ],
    };
    const ref = binding().referenceLossAndGradients(spec, params, g.tensor('input'), g.tensor('target'), B, [], {
      loss: run.loss,
      huberDelta: run.huberDelta,
    });
    t.ok(Math.abs(ref.loss - run.value) <= 1e-10 * run.value, `float64 loss ${ref.loss} vs torch ${run.value}`);
    let worst = 0;
    for (const e of model._layout()) {
      const d = firstMismatch(ref.gradients.subarray(e.offset, e.offset + e.length), tensor(`${run.loss}.grad.${e.name}`), 1e-13, 1e-9);
      if (d !== null) worst++;
    }
    t.equal(worst, 0, 'float64 gradients == torch autograd (atol 1e-13, rtol 1e-9)');
  });
}

t.test('loss options: saved with the model, clear errors', async (t) => {
  const model = goldenModel(g);
  t.teardown(() => model.dispose());
  t.throws(() => model.compile({ loss: 'l2' as 'mse' }), { name: 'InvalidArgumentError', message: /config.loss/ });
  t.throws(() => model.compile({ loss: 'huber', huberDelta: 0 }), { name: 'InvalidArgumentError', message: /config.huberDelta/ });
  model.compile({ loss: 'huber', huberDelta: 0.25 });
  const path = join(mkdtempSync(join(tmpdir(), 'flowcast-loss-')), 'm.safetensors');
  await model.save(path);
  const loaded = await loadModel(path);
  t.same([loaded.compileConfig!.loss, loaded.compileConfig!.huberDelta], ['huber', 0.25]);
  loaded.dispose();
});
