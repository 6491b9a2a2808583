/**
 * The training loop around fit(): validation data and time-ordered
 * validation splits, per-epoch metrics, early stopping, checkpoints, the
 * JSON-lines log and TensorBoard event files.
 * Oracles: evaluate() on the held-out rows; a fit on the pre-sliced data
 * (same seed: identical losses); scripted epoch logs for early stopping;
 * loadModel of the checkpoints; for TensorBoard, an independent bit-by-bit
 * CRC-32C (check value 0xE3069283 for "123456789") and an independently
 * written Event schema to parse the file back.
 */
import t from 'tap';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { sequential, type Sequential } from '../lib/model/sequential.js';
import { dense, lstm } from '../lib/model/layers.js';
import { adam } from '../lib/model/optimizers.js';
import { loadModel } from '../lib/model/load.js';
import { earlyStopping } from '../lib/model/callbacks/early-stopping.js';
import { modelCheckpoint } from '../lib/model/callbacks/checkpoint.js';
import { trainingLog } from '../lib/model/callbacks/training-log.js';
import { tensorBoard } from '../lib/model/callbacks/tensorboard.js';
import { crc32c, maskedCrc32c } from '../lib/core/crc32c.js';
import type { Tensor } from '../lib/core/tensor.js';
import { rng, uniform } from './helpers/random.js';

function data(seed: number, n: number, steps = 5): { x: Tensor; y: Tensor } {
  const rand = rng(seed);
  return {
    x: { data: new Float32Array(uniform(rand, n * steps, -1, 1)), shape: [n, steps, 1] },
    y: { data: new Float32Array(uniform(rand, n, -0.5, 0.5)), shape: [n, 1] },
  };
}

function model(opts: { stateful?: boolean } = {}): Sequential {
  const m = sequential({ inputShape: [5, 1], layers: [lstm(6, { stateful: opts.stateful }), dense(1, { activation: 'tanh' })], seed: 11 });
  m.compile({ optimizer: adam({ learningRate: 0.01 }) });
  return m;
}

const slice = (tns: Tensor, from: number, to: number): Tensor => {
  const per = tns.data.length / tns.shape[0]!;
  return { data: tns.data.slice(from * per, to * per), shape: [to - from, ...tns.shape.slice(1)] };
};

t.test('validationSplit holds out the last rows, in order, and scores them every epoch', async (t) => {
  const { x, y } = data(1, 50);
  const a = model();
  const h = await a.fit(x, y, { batchSize: 8, epochs: 3, shuffle: false, validationSplit: 0.2 });
  t.equal(h.samples, 40, 'Keras split: the first floor(50 * 0.8) = 40 rows train');
  t.equal(h.valLoss!.length, 3);
  const ev = await a.evaluate(slice(x, 40, 50), slice(y, 40, 50));
  t.equal(h.valLoss![2], ev.loss, 'last valLoss == evaluate() on rows 40..49');
  t.equal(h.valRmse![2], ev.rmse);
  t.equal(h.valMae![2], ev.mae);
  const b = model();
  const hb = await b.fit(slice(x, 0, 40), slice(y, 0, 40), { batchSize: 8, epochs: 3, shuffle: false });
  t.same(hb.loss, h.loss, 'training saw exactly rows 0..39 (same losses as a fit on them alone)');
  const c = model();
  const hc = await c.fit(slice(x, 0, 40), slice(y, 0, 40), { batchSize: 8, epochs: 3, shuffle: false, validationData: [slice(x, 40, 50), slice(y, 40, 50)] });
  t.same(hc.valLoss, h.valLoss, 'validationData of the same rows gives the same curve');
  for (const m of [a, b, c]) m.dispose();
});

t.test('a stateful model validates from a reset state and trains on', async (t) => {
  const { x, y } = data(2, 40);
  const m = model({ stateful: true });
  const h = await m.fit(x, y, { batchSize: 10, epochs: 2, validationSplit: 0.25 });
  t.equal(h.valLoss!.length, 2);
  t.ok(h.valLoss!.every(Number.isFinite));
  t.same(m.getStates()[0]!.h, new Float32Array(m.getStates()[0]!.h.length), 'state reset after validation');
  m.dispose();
});

t.test('validation options: clear errors', async (t) => {
  const { x, y } = data(3, 20);
  const m = model();
  await t.rejects(m.fit(x, y, { validationSplit: 0.2, validationData: [x, y] }), { name: 'InvalidArgumentError', message: /either options.validationData or options.validationSplit/ });
  for (const bad of [0, 1, -0.1, NaN, '0.2']) {
    await t.rejects(m.fit(x, y, { validationSplit: bad as number }), { name: 'InvalidArgumentError', message: /options.validationSplit/ });
  }
  await t.rejects(m.fit(x, y, { validationSplit: 0.99 }), { name: 'InvalidArgumentError', message: /at least one training and one validation sample of 20/ });
  await t.rejects(m.fit(x, y, { validationData: [x] as unknown as [Tensor, Tensor] }), { name: 'InvalidArgumentError', message: /options.validationData/ });
  const wrong = { data: new Float32Array(30), shape: [3, 10, 1] };
  await t.rejects(m.fit(x, y, { validationData: [wrong, slice(y, 0, 3)] }), { name: 'InvalidArgumentError', message: /options.validationData\[0\].shape/ });
  await t.rejects(m.fit(x, y, { callbacks: [earlyStopping()] }), { name: 'StateError', message: /monitors 'valLoss' but fit\(\) has no validation data/ });
  t.notOk(m.busy, 'usable after a failed fit');
  m.dispose();
});

t.test('earlyStopping: patience, minDelta and restoring the best weights (scripted epochs)', async (t) => {
  // Oracle: Keras EarlyStopping's rule on a scripted loss curve.
  const weightsAt: number[] = [];
  let restored: unknown = null;
  const fake = {
    stopTraining: false,
    current: -1,
    getWeights() {
      weightsAt.push(this.current);
      return { epoch: new Float32Array([this.current]) };
    },
    setWeights(w: { epoch: Float32Array }) {
      restored = w.epoch[0];
    },
  };
  const es = earlyStopping({ monitor: 'loss', patience: 2, minDelta: 0.01, restoreBestWeights: true });
  es.onTrainBegin!({ model: fake as unknown as Sequential, epochs: 10, initialEpoch: 0, samples: 1, validationSamples: 0, batchSize: 1, batchesPerEpoch: 1 });
  const curve = [1.0, 0.5, 0.495, 0.6, 0.3];
  let stopped = -1;
  for (const [epoch, loss] of curve.entries()) {
    fake.current = epoch;
    es.onEpochEnd!(epoch, { loss, seconds: 1, samplesPerSecond: 1, learningRate: 0.001 });
    if (fake.stopTraining) {
      stopped = epoch;
      break;
    }
  }
  t.equal(stopped, 3, '0.495 is not better than 0.5 by more than 0.01; two such epochs stop training');
  t.equal(es.stoppedEpoch, 3);
  t.equal(es.best, 0.5);
  t.equal(es.bestEpoch, 1);
  t.same(weightsAt, [0, 1], 'weights captured at each improvement');
  es.onTrainEnd!({ loss: [] });
  t.equal(restored, 1, 'the best epoch\'s weights are put back');
  t.throws(() => earlyStopping({ patience: -1 }), { name: 'InvalidArgumentError', message: /options.patience/ });
  t.throws(() => earlyStopping({ monitor: 'accuracy' as 'loss' }), { name: 'InvalidArgumentError', message: /options.monitor/ });
  t.throws(() => earlyStopping({ minDelta: -1 }), { name: 'InvalidArgumentError', message: /options.minDelta/ });
});

t.test('earlyStopping in fit(): stops early, resolves, and restores the best epoch', async (t) => {
  const { x, y } = data(4, 40);
  const m = model();
  let afterFirst: Record<string, Float32Array> = {};
  const capture = { onEpochEnd: (epoch: number) => { if (epoch === 0) afterFirst = m.getWeights(); } };
  // minDelta larger than any loss: only the first epoch counts as an improvement.
  const es = earlyStopping({ monitor: 'valLoss', patience: 1, minDelta: 1e9, restoreBestWeights: true });
  const h = await m.fit(x, y, { batchSize: 8, epochs: 10, validationSplit: 0.25, callbacks: [capture, es] });
  t.equal(h.epochs, 2, 'stopped after epoch 2 of 10');
  t.equal(h.loss.length, 2);
  t.equal(es.stoppedEpoch, 1);
  t.same(m.getWeights(), afterFirst, 'weights are those after epoch 1 (the best)');
  t.equal(m.busy, false, 'not busy after the stopped fit');
  const later = await m.fit(x, y, { batchSize: 8, epochs: 2 });
  t.equal(later.epochs, 2, 'a later fit runs all its epochs (stopTraining cleared)');
  m.dispose();
});

t.test('modelCheckpoint: every N epochs with {epoch} in the path, and best only', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flowcast-ckpt-'));
  const { x, y } = data(5, 30);
  const m = model();
  const every = modelCheckpoint({ path: join(dir, 'epoch-{epoch}.safetensors'), everyEpochs: 2 });
  const best = modelCheckpoint({ path: join(dir, 'best.safetensors'), saveBestOnly: true, monitor: 'loss' });
  const h = await m.fit(x, y, { batchSize: 10, epochs: 4, callbacks: [every, best] });
  t.same(every.saved, [join(dir, 'epoch-2.safetensors'), join(dir, 'epoch-4.safetensors')]);
  const last = await loadModel(join(dir, 'epoch-4.safetensors'));
  t.same(last.getWeights(), m.getWeights(), 'the epoch-4 checkpoint holds the final weights');
  const improvements = h.loss.filter((l, i) => h.loss.slice(0, i).every((p) => l < p)).length;
  t.equal(best.saved.length, improvements, `saved once per improvement of the loss (${improvements})`);
  t.ok(existsSync(join(dir, 'best.safetensors')));
  t.throws(() => modelCheckpoint({ path: '' }), { name: 'InvalidArgumentError', message: /options.path/ });
  t.throws(() => modelCheckpoint({ path: 'x', everyEpochs: 0 }), { name: 'InvalidArgumentError', message: /options.everyEpochs/ });
  last.dispose();
  m.dispose();
});

t.test('callbacks may use the model between epochs but not start another fit or dispose it', async (t) => {
  const { x, y } = data(6, 20);
  const m = model();
  const seen: string[] = [];
  await m.fit(x, y, {
    batchSize: 10,
    epochs: 1,
    callbacks: [
      {
        async onEpochEnd() {
          await m.predict(x);
          seen.push('predict');
          await m.fit(x, y).catch((e: Error) => seen.push(e.name));
          try {
            m.dispose();
          } catch (e) {
            seen.push((e as Error).name);
          }
        },
      },
    ],
  });
  t.same(seen, ['predict', 'BusyError', 'BusyError']);
  m.dispose();
});

t.test('trainingLog: one JSON object per line, every epoch', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flowcast-log-'));
  const path = join(dir, 'run.jsonl');
  const { x, y } = data(7, 30);
  const m = model();
  const h = await m.fit(x, y, { batchSize: 10, epochs: 3, validationSplit: 0.2, callbacks: [trainingLog({ path })] });
  const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  t.same(lines.map((l) => l.event), ['trainBegin', 'epoch', 'epoch', 'epoch', 'trainEnd']);
  t.same(lines.slice(1, 4).map((l) => l.loss), h.loss);
  t.same(lines.slice(1, 4).map((l) => l.valLoss), h.valLoss);
  t.same(lines.slice(1, 4).map((l) => l.epoch), [1, 2, 3]);
  t.equal(lines[0].samples, 24);
  t.equal(lines[0].validationSamples, 6);
  t.ok(lines.every((l) => !Number.isNaN(Date.parse(l.time))));
  m.dispose();
});

/** CRC-32C straight from the definition, bit by bit (the test's own oracle). */
function crc32cBitwise(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (c & 1 ? 0x82f63b78 : 0);
  }
  return (c ^ 0xffffffff) >>> 0;
}
const mask = (c: number) => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;

/** Reads TFRecords, checking both CRCs of each. */
function readRecords(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < file.length) {
    const len = Number(view.getBigUint64(o, true));
    if (view.getUint32(o + 8, true) !== mask(crc32cBitwise(file.subarray(o, o + 8)))) throw new Error(`bad length CRC at ${o}`);
    const data = file.subarray(o + 12, o + 12 + len);
    if (view.getUint32(o + 12 + len, true) !== mask(crc32cBitwise(data))) throw new Error(`bad data CRC at ${o}`);
    out.push(data);
    o += 12 + len + 4;
  }
  if (o !== file.length) throw new Error('trailing bytes');
  return out;
}

const EventType = protobuf
  .parse(
    `syntax = "proto3";
     message Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
     message Summary { repeated Value value = 1; }
     message Value { string tag = 1; float simple_value = 2; }`,
    { keepCase: true },
  )
  .root.lookupType('Event');

t.test('tensorBoard: event files with valid framing, CRCs and scalar summaries', async (t) => {
  const enc = new TextEncoder();
  t.equal(crc32c(enc.encode('123456789')), 0xe3069283, 'CRC-32C check value');
  t.equal(crc32cBitwise(enc.encode('123456789')), 0xe3069283, 'the oracle agrees');
  t.equal(maskedCrc32c(enc.encode('flowcast')), mask(crc32cBitwise(enc.encode('flowcast'))));

  const dir = mkdtempSync(join(tmpdir(), 'flowcast-tb-'));
  const { x, y } = data(8, 30);
  const m = model();
  const tb = tensorBoard({ logDir: dir });
  const h = await m.fit(x, y, { batchSize: 10, epochs: 3, validationSplit: 0.2, callbacks: [tb] });
  t.same(readdirSync(dir).sort(), ['train', 'validation']);
  t.equal(tb.files.length, 2);
  const parse = (file: string) =>
    readRecords(readFileSync(file)).map((r) => EventType.toObject(EventType.decode(r), { longs: Number, defaults: false }) as {
      wall_time: number;
      step?: number;
      file_version?: string;
      summary?: { value: { tag: string; simple_value: number }[] };
    });
  for (const [split, file] of [['train', tb.files[0]!], ['validation', tb.files[1]!]] as const) {
    t.match(file, new RegExp(`${split}/events\\.out\\.tfevents\\.\\d+\\.`), `${split} file name`);
    const events = parse(file);
    t.equal(events[0]!.file_version, 'brain.Event:2', `${split}: version header first`);
    t.same(events.slice(1).map((e) => e.step ?? 0), [0, 1, 2], `${split}: one event per epoch`);
    const scalar = (e: (typeof events)[number], tag: string) => e.summary!.value.find((v) => v.tag === tag)!.simple_value;
    const expected = split === 'train' ? h.loss : h.valLoss!;
    t.same(events.slice(1).map((e) => scalar(e, 'epoch_loss')), expected.map(Math.fround), `${split}: epoch_loss`);
    if (split === 'train') t.same(events.slice(1).map((e) => scalar(e, 'epoch_learning_rate')), [0.01, 0.01, 0.01].map(Math.fround));
    else t.same(events.slice(1).map((e) => scalar(e, 'epoch_rmse')), h.valRmse!.map(Math.fround));
    t.ok(events.every((e) => Math.abs(e.wall_time - Date.now() / 1000) < 600), `${split}: wall times are now`);
  }
  t.throws(() => tensorBoard({ logDir: '' }), { name: 'InvalidArgumentError', message: /options.logDir/ });
  m.dispose();
});
