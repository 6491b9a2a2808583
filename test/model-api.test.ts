/**
 * Behaviour of the model API: stateful semantics, the event loop during fit,
 * busy/disposed guards, cancellation, determinism, save/load and progress.
 * Oracles are stated per test; numeric comparisons use float32-level
 * tolerances (atol 1e-5) where two computations take different paths.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sequential, type Sequential } from '../lib/model/sequential.js';
import { dense, lstm } from '../lib/model/layers.js';
import { adam } from '../lib/model/optimizers.js';
import { loadModel } from '../lib/model/load.js';
import { ForecastPipeline } from '../lib/data/pipeline.js';
import type { Tensor } from '../lib/core/tensor.js';
import { firstMismatch, rng, uniform } from './helpers/random.js';

function randomTensor(seed: number, shape: number[], lo = -1, hi = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: new Float32Array(uniform(rng(seed), n, lo, hi)), shape };
}

function bookModel(opts: { stateful?: boolean; steps?: number; units?: number; seed?: number } = {}): Sequential {
  const units = opts.units ?? 8;
  return sequential({
    inputShape: [opts.steps ?? 6, 1],
    layers: [
      lstm(units, { returnSequences: true, stateful: opts.stateful ?? false }),
      lstm(units, { stateful: opts.stateful ?? false }),
      dense(1, { activation: 'tanh' }),
    ],
    seed: opts.seed ?? 3,
  });
}

t.test('stateful carry-over: row i of batch k+1 continues row i of batch k', async (t) => {
  // Oracle: a stateless model over the concatenated 2T-step sequences, same weights.
  const B = 4;
  const T = 6;
  const stateful = bookModel({ stateful: true, steps: T });
  const long = bookModel({ steps: 2 * T });
  const plain = bookModel({ steps: T });
  t.teardown(() => [stateful, long, plain].forEach((m) => m.dispose()));
  long.setWeights(stateful.getWeights());
  plain.setWeights(stateful.getWeights());
  const first = randomTensor(11, [B, T, 1]);
  const second = randomTensor(12, [B, T, 1]);
  const joined = new Float32Array(B * 2 * T);
  for (let b = 0; b < B; b++) {
    joined.set(first.data.subarray(b * T, (b + 1) * T), b * 2 * T);
    joined.set(second.data.subarray(b * T, (b + 1) * T), b * 2 * T + T);
  }
  await stateful.predict(first, { batchSize: B });
  t.equal(stateful.getStates()[0]!.rows, B, 'state holds one row per batch row');
  const carried = await stateful.predict(second, { batchSize: B });
  const expected = await long.predict({ data: joined, shape: [B, 2 * T, 1] });
  t.equal(firstMismatch(carried.data, expected.data, 1e-5, 1e-4), null, 'batch 2 continues batch 1 (atol 1e-5)');

  // Two batches of 2 rows in one predict call: rows of the second batch continue the first's.
  stateful.resetStates();
  const four = { data: new Float32Array([...first.data.subarray(0, 2 * T), ...second.data.subarray(0, 2 * T)]), shape: [4, T, 1] };
  const split = await stateful.predict(four, { batchSize: 2 });
  const joined2 = { data: joined.subarray(0, 2 * 2 * T), shape: [2, 2 * T, 1] };
  const exp2 = await long.predict(joined2);
  t.equal(firstMismatch(split.data.subarray(2), exp2.data, 1e-5, 1e-4), null, 'within one predict call, batches carry state');

  stateful.resetStates();
  t.ok(stateful.getStates().every((s) => s.h.every((v) => v === 0) && s.c.every((v) => v === 0)), 'resetStates zeroes every row');
  const fresh = await stateful.predict(second, { batchSize: B });
  const alone = await plain.predict(second, { batchSize: B });
  t.equal(firstMismatch(fresh.data, alone.data, 0, 0), null, 'after reset, output equals a stateless model exactly');
  t.not(firstMismatch(carried.data, alone.data, 1e-6, 0), null, 'and differs from the carried-state output');
});

t.test('fit resets stateful layers at each epoch end and refuses shuffle', async (t) => {
  const model = bookModel({ stateful: true });
  t.teardown(() => model.dispose());
  model.compile({ optimizer: adam(), loss: 'mse' });
  const x = randomTensor(1, [20, 6, 1]);
  const y = randomTensor(2, [20, 1], -0.5, 0.5);
  await model.predict(x, { batchSize: 5 });
  t.ok(model.getStates()[0]!.h.some((v) => v !== 0), 'predict leaves a carried state');
  await model.fit(x, y, { batchSize: 5, epochs: 2 });
  t.ok(model.getStates().every((s) => s.h.every((v) => v === 0)), 'states are zero after fit');
  await t.rejects(model.fit(x, y, { batchSize: 5, shuffle: true }), {
    name: 'InvalidArgumentError',
    message: /Expected shuffle: false for a stateful model/,
  });
});

t.test('the event loop stays responsive during fit', async (t) => {
  // Training runs until we abort it from a timer 600 ms in, whatever the
  // machine's speed; a blocked event loop could neither tick nor abort.
  const model = bookModel({ units: 64, steps: 10 });
  t.teardown(() => model.dispose());
  model.compile();
  const x = randomTensor(3, [3000, 10, 1]);
  const y = randomTensor(4, [3000, 1], -0.5, 0.5);
  const ac = new AbortController();
  let last = performance.now();
  let maxGap = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 50);
  const stop = setTimeout(() => ac.abort(), 600);
  const t0 = performance.now();
  await t.rejects(model.fit(x, y, { batchSize: 100, epochs: 100000, signal: ac.signal }), { name: 'AbortError' });
  const elapsed = performance.now() - t0;
  clearInterval(timer);
  clearTimeout(stop);
  t.ok(elapsed >= 590, `fit ran until the abort (${elapsed.toFixed(0)} ms)`);
  t.ok(ticks >= 8, `the 50 ms timer fired ${ticks} times in ${elapsed.toFixed(0)} ms`);
  t.ok(maxGap < 250, `a 50 ms timer never waited more than 250 ms (max gap ${maxGap.toFixed(0)} ms)`);
});

t.test('busy and disposed guards', async (t) => {
  const model = bookModel();
  model.compile();
  const x = randomTensor(5, [400, 6, 1]);
  const y = randomTensor(6, [400, 1], -0.5, 0.5);
  const running = model.fit(x, y, { batchSize: 10, epochs: 2 });
  t.equal(model.busy, true, 'busy while fitting');
  await t.rejects(model.predict(x), { name: 'BusyError', message: /busy with fit\(\)/ }, 'predict is refused');
  t.throws(() => model.setWeights(model.getWeights()), { name: 'BusyError' }, 'getWeights is refused');
  t.throws(() => model.dispose(), { name: 'BusyError' }, 'dispose is refused');
  await running;
  t.equal(model.busy, false, 'not busy afterwards');
  await model.predict(x);
  model.dispose();
  t.equal(model.disposed, true);
  await t.rejects(model.predict(x), { name: 'DisposedError', message: 'The model was disposed' });
  t.throws(() => model.getWeights(), { name: 'DisposedError' });
});

t.test('AbortSignal stops fit at a batch boundary and leaves a usable model', async (t) => {
  const model = bookModel();
  t.teardown(() => model.dispose());
  model.compile();
  const x = randomTensor(7, [2000, 6, 1]);
  const y = randomTensor(8, [2000, 1], -0.5, 0.5);
  const ac = new AbortController();
  let events = 0;
  let abortedAt = -1;
  // 1000 epochs of 200 batches: fit cannot finish before it sees the abort.
  const p = model.fit(x, y, {
    batchSize: 10,
    epochs: 1000,
    signal: ac.signal,
    callbacks: [{ onBatchEnd: () => { events++; if (events === 3) { abortedAt = events; ac.abort(); } } }],
  });
  await t.rejects(p, { name: 'AbortError', code: 'ERR_FLOWCAST_ABORTED', message: /aborted (during|before) epoch \d+/ });
  t.equal(abortedAt, 3);
  t.ok(events < 1000, `stopped soon after the abort (${events} batch events of 200,000)`);
  const out = await model.predict(x);
  t.ok(out.data.every(Number.isFinite), 'the model still predicts finite values');
  await t.rejects(model.fit(x, y, { signal: AbortSignal.abort() }), { name: 'AbortError' }, 'an already-aborted signal');
});

t.test('a throwing callback stops fit and rejects with its error', async (t) => {
  const model = bookModel();
  t.teardown(() => model.dispose());
  model.compile();
  const x = randomTensor(9, [300, 6, 1]);
  const y = randomTensor(10, [300, 1], -0.5, 0.5);
  await t.rejects(
    model.fit(x, y, { batchSize: 10, callbacks: [{ onBatchEnd: () => { throw new Error('boom'); } }] }),
    { message: 'boom' },
  );
  t.equal(model.busy, false);
});

t.test('progress and history', async (t) => {
  const model = bookModel();
  t.teardown(() => model.dispose());
  model.compile();
  const x = randomTensor(13, [95, 6, 1]);
  const y = randomTensor(14, [95, 1], -0.5, 0.5);
  const batches: number[] = [];
  const history = await model.fit(x, y, { batchSize: 10, epochs: 3, callbacks: [{ onBatchEnd: (e, b) => { if (e === 0) batches.push(b.batch); } }] });
  t.same(batches, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'one progress event per batch, the ragged last batch included');
  t.equal(history.loss.length, 3);
  t.ok(history.loss[2]! < history.loss[0]!, `loss decreases on a learnable target (${history.loss})`);
  t.ok(history.samplesPerSecond > 0 && history.seconds > 0);
  const ev = await model.evaluate(x, y);
  t.ok(Math.abs(ev.rmse - Math.sqrt(ev.loss)) < 1e-12 && ev.samples === 95);
});

t.test('the same seed reproduces a run bit for bit', async (t) => {
  const x = randomTensor(15, [64, 6, 1]);
  const y = randomTensor(16, [64, 1], -0.5, 0.5);
  const weights: Float32Array[][] = [];
  for (let run = 0; run < 2; run++) {
    const m = bookModel({ seed: 99 });
    m.compile();
    await m.fit(x, y, { batchSize: 8, epochs: 2, shuffle: true });
    weights.push(Object.values(m.getWeights()));
    m.dispose();
  }
  t.same(weights[0], weights[1], 'identical weights after shuffled training');
  const [a, b] = [bookModel({ seed: 99 }), bookModel({ seed: 100 })];
  t.not(b.getWeights()['layers.0.weight_ih']![0], a.getWeights()['layers.0.weight_ih']![0], 'another seed differs');
  a.dispose();
  b.dispose();
});

t.test('Keras initializers', async (t) => {
  const m = bookModel({ units: 16 });
  t.teardown(() => m.dispose());
  const w = m.getWeights();
  const R = w['layers.1.weight_hh']!; // [64, 16], orthonormal columns
  let worst = 0;
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let dot = 0;
      for (let r = 0; r < 64; r++) dot += R[r * 16 + i]! * R[r * 16 + j]!;
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  t.ok(worst < 1e-5, `weight_hh^T weight_hh = I (max error ${worst})`);
  const limit = Math.sqrt(6 / (16 + 64));
  t.ok(w['layers.1.weight_ih']!.every((v) => Math.abs(v) <= limit), 'glorot-uniform bound sqrt(6/(fan_in+fan_out))');
  const b = w['layers.0.bias_ih']!;
  t.same([...b.subarray(16, 32)], new Array(16).fill(1), 'forget-gate bias 1');
  t.ok([...b.subarray(0, 16), ...b.subarray(32)].every((v) => v === 0) && w['layers.0.bias_hh']!.every((v) => v === 0), 'other biases 0');
});

t.test('save and load round-trip, corrupt files are clear errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flowcast-'));
  const model = bookModel();
  t.teardown(() => model.dispose());
  model.compile({ optimizer: adam({ learningRate: 0.005 }) });
  model.pipeline = new ForecastPipeline({ lags: 6 }).fit(Float64Array.from({ length: 40 }, (_, i) => 100 + Math.sin(i))).toJSON();
  const x = randomTensor(17, [20, 6, 1]);
  const file = join(dir, 'm.safetensors');
  await model.save(file);
  const loaded = await loadModel(file);
  t.teardown(() => loaded.dispose());
  t.same(loaded.config, model.config, 'config');
  t.same(loaded.pipeline, model.pipeline, 'pipeline');
  t.equal(loaded.compileConfig?.optimizer.learningRate, 0.005, 'compile config');
  t.same(loaded.getWeights(), model.getWeights(), 'weights bit for bit');
  t.same((await loaded.predict(x)).data, (await model.predict(x)).data, 'same predictions');

  const bytes = readFileSync(file);
  const cases: [string, Buffer, RegExp][] = [
    ['truncated', bytes.subarray(0, bytes.length - 10), /checksum|truncated/],
    ['tiny', bytes.subarray(0, 5), /truncated \(5 bytes/],
    ['flipped byte', (() => { const b = Buffer.from(bytes); b[b.length - 3]! ^= 0xff; return b; })(), /checksum/],
    ['bad header', (() => { const b = Buffer.from(bytes); b[9] = 0x7b; b[10] = 0x7b; return b; })(), /not valid JSON/],
    ['huge header length', (() => { const b = Buffer.from(bytes); b.writeBigUInt64LE(1n << 40n); return b; })(), /header length/],
    ['not a model', Buffer.from('hello, world, this is text'), /header length|not a flowcast/],
  ];
  for (const [name, content, message] of cases) {
    const p = join(dir, `${name}.safetensors`);
    writeFileSync(p, content);
    await t.rejects(loadModel(p), { name: 'FormatError', message }, `${name} file`);
  }
  await t.rejects(loadModel(join(dir, 'missing.safetensors')), { name: 'FormatError', message: /ENOENT/ }, 'missing file');
  // model.pipeline is typed ForecastPipelineJSON, so a file whose pipeline is not one is refused, not loaded as any object.
  model.pipeline = { type: 'test', lags: 6 } as unknown as typeof model.pipeline;
  await model.save(join(dir, 'bad-pipeline.safetensors'));
  await t.rejects(loadModel(join(dir, 'bad-pipeline.safetensors')), {
    name: 'FormatError',
    message: /bad-pipeline\.safetensors: its pipeline is invalid: Expected a forecastPipeline JSON object/,
  }, 'a pipeline that is not a ForecastPipelineJSON');
  await t.rejects(
    model.save(join(dir, 'no-such-dir', 'm.safetensors')),
    { name: 'InvalidArgumentError', argument: 'path', message: /directory '.*no-such-dir' of .* does not exist/ },
    'a missing directory: a typed error naming the directory, not a raw ENOENT',
  );
});

t.test('weights changed by setWeights or fit are used by the next predict (packed copies refreshed)', async (t) => {
  const a = bookModel({ seed: 1 });
  const b = bookModel({ seed: 2 });
  t.teardown(() => [a, b].forEach((m) => m.dispose()));
  const x = randomTensor(21, [8, 6, 1]);
  const before = await a.predict(x);
  a.setWeights(b.getWeights());
  t.same((await a.predict(x)).data, (await b.predict(x)).data, 'after setWeights: identical to the source model');
  t.not(firstMismatch(before.data, (await a.predict(x)).data, 1e-6, 0), null, 'and different from before');
  a.compile();
  const beforeFit = await a.predict(x);
  await a.fit(x, randomTensor(22, [8, 1], -0.5, 0.5), { batchSize: 8 });
  t.not(firstMismatch(beforeFit.data, (await a.predict(x)).data, 1e-7, 0), null, 'after one Adam step: predictions move');
});
