/**
 * Save, load, resume: a model saved between epochs (weights, optimizer
 * state, shuffle generator state) and loaded again trains on exactly as the
 * uninterrupted run. Oracle: the uninterrupted run, bit for bit (same
 * kernels, same data, same order of operations); and a load that drops the
 * optimizer state (compile() again) must differ, so the test can fail.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sequential, type Sequential } from '../lib/model/sequential.js';
import { dense, lstm } from '../lib/model/layers.js';
import { adam, rmsprop, sgd, type OptimizerConfig } from '../lib/model/optimizers.js';
import { loadModel } from '../lib/model/load.js';
import { modelCheckpoint } from '../lib/model/callbacks/checkpoint.js';
import { joinModelFile, splitModelFile } from './helpers/model-file.js';
import { rng, uniform } from './helpers/random.js';

const rand = rng(41);
const n = 40;
const x = { data: new Float32Array(uniform(rand, n * 6, -1, 1)), shape: [n, 6, 1] };
const y = { data: new Float32Array(uniform(rand, n, -0.5, 0.5)), shape: [n, 1] };
const dir = mkdtempSync(join(tmpdir(), 'flowcast-resume-'));

function model(optimizer: OptimizerConfig): Sequential {
  const m = sequential({ inputShape: [6, 1], layers: [lstm(8, { returnSequences: true }), lstm(4), dense(1, { activation: 'tanh' })], seed: 5 });
  m.compile({ optimizer });
  return m;
}

const optimizers: [string, OptimizerConfig][] = [
  ['adam', adam({ learningRate: 0.01 })],
  ['sgd with momentum', sgd({ learningRate: 0.05, momentum: 0.9, clipNorm: 1 })],
  ['centered rmsprop with momentum', rmsprop({ learningRate: 0.005, momentum: 0.5, centered: true })],
];

for (const [name, optimizer] of optimizers) {
  t.test(`${name}: checkpoint at epoch 2 of 4 and resume == uninterrupted (shuffled batches)`, async (t) => {
    const straight = model(optimizer);
    const hs = await straight.fit(x, y, { batchSize: 8, epochs: 4, shuffle: true });

    const first = model(optimizer);
    const ckpt = modelCheckpoint({ path: join(dir, `${name.replaceAll(' ', '-')}-{epoch}.safetensors`), everyEpochs: 2 });
    await first.fit(x, y, { batchSize: 8, epochs: 2, shuffle: true, callbacks: [ckpt] });
    const resumed = await loadModel(ckpt.saved[0]!);
    const hr = await resumed.fit(x, y, { batchSize: 8, epochs: 4, initialEpoch: 2, shuffle: true });
    t.same(hr.loss, hs.loss.slice(2), 'epochs 3 and 4 have the same losses');
    t.same(resumed.getWeights(), straight.getWeights(), 'and end with identical weights');

    const fresh = await loadModel(ckpt.saved[0]!);
    fresh.compile({ optimizer }); // drops the optimizer state
    await fresh.fit(x, y, { batchSize: 8, epochs: 4, initialEpoch: 2, shuffle: true });
    t.not(
      Array.from(fresh.getWeights()['layers.0.weight_hh']!).join(),
      Array.from(straight.getWeights()['layers.0.weight_hh']!).join(),
      'without the saved optimizer state the run differs',
    );
    for (const m of [straight, first, resumed, fresh]) m.dispose();
  });
}

t.test('initialEpoch and damaged checkpoints (optimizer record, version, shape): clear errors', async (t) => {
  const m = model(adam());
  await t.rejects(m.fit(x, y, { epochs: 2, initialEpoch: 2 }), { name: 'InvalidArgumentError', message: /options.initialEpoch below options.epochs \(2\)/ });
  await t.rejects(m.fit(x, y, { epochs: 2, initialEpoch: -1 }), { name: 'InvalidArgumentError', message: /options.initialEpoch/ });
  const path = join(dir, 'damaged.safetensors');
  await m.save(path);
  // Edits sealed with a fresh checksum reach the checks behind it; an unsealed edit stops at the checksum.
  const { header, data } = splitModelFile(readFileSync(path));
  const rewrite = (edit: (h: Record<string, any>) => void, body: Uint8Array = data, seal = true) => {
    const h = structuredClone(header);
    edit(h);
    writeFileSync(path, joinModelFile(h, body, seal));
  };
  rewrite((h) => (h.__metadata__.rng_state = '1,2,3'));
  await t.rejects(loadModel(path), { name: 'FormatError', message: /optimizer step or RNG state is invalid/ });
  rewrite((h) => (h.__metadata__.optimizer_step = '1e3'));
  await t.rejects(loadModel(path), { name: 'FormatError', message: /optimizer step or RNG state is invalid/ }, 'counters are plain decimal integers');
  const v = header['optimizer.v'].data_offsets as [number, number];
  t.equal(v[1], data.length, 'optimizer.v is the last tensor');
  rewrite((h) => delete h['optimizer.v'], data.subarray(0, v[0]));
  await t.rejects(loadModel(path), { name: 'FormatError', message: /optimizer tensor 'optimizer.v' is missing, expected \[\d+\]/ });
  rewrite((h) => (h['optimizer.m'].shape = [1, h['optimizer.m'].shape[0]]));
  await t.rejects(loadModel(path), { name: 'FormatError', message: /optimizer tensor 'optimizer.m' is of shape \[1, \d+\], expected \[\d+\]/ });
  rewrite((h) => (h.__metadata__.format_version = '99'));
  await t.rejects(loadModel(path), { name: 'FormatError', message: /format version 99 is not supported/ });
  rewrite((h) => (h['layers.0.weight_ih'].shape = [16, 2]));
  await t.rejects(loadModel(path), { name: 'FormatError', message: /tensor 'layers.0.weight_ih' has shape \[16, 2\], expected \[32, 1\] for its config/ });
  rewrite((h) => (h.__metadata__.optimizer_step = '7'), data, false);
  await t.rejects(loadModel(path), { name: 'FormatError', message: /do not match their checksum/ }, 'an unsealed edit of the optimizer step');
  m.dispose();
});
