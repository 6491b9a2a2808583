/**
 * Training is bitwise identical at any thread count.
 *
 * Oracle: the same seeded fit at 1 thread. Tolerance: none (every weight and
 * every prediction bit for bit). Native GEMMs are split across threads by
 * blocks of C; each element must be summed in an order fixed by the shapes of
 * the whole product, never by the block a thread gets (the kernel contract in
 * native/kernels/kernels.h). The grid covers LSTM, GRU and RNN; units 1 to 100
 * (4H = 128 rows for LSTM(32), where the blocked AVX-512 / AVX2 path used to
 * start); batches with ragged tails; 1 to 8 features; shuffled and stateful
 * fits; 1, 2, 3 and 4 threads. Cases are spread over the grid (each value of
 * every axis occurs; not the full product, which would take minutes).
 * On every compute backend (test/helpers/backends.ts).
 */
import t from 'tap';
import { sequential } from '../lib/model/sequential.js';
import { dense, gru, lstm, simpleRnn, type LayerConfig } from '../lib/model/layers.js';
import { adam } from '../lib/model/optimizers.js';
import { setThreads, threads } from '../lib/native/runtime.js';
import type { Tensor } from '../lib/core/tensor.js';
import { rng, uniform } from './helpers/random.js';
import { testEachBackend } from './helpers/backends.js';

type Cell = 'lstm' | 'gru' | 'rnn';
interface Case {
  cell: Cell;
  units: number[];
  batch: number;
  features: number;
  samples: number;
  shuffle: boolean;
  stateful: boolean;
}

const emulated = process.env.FLOWCAST_EMULATED === '1';
const THREADS = [1, 2, 3, 4];
const STEPS = 6;

function layer(cell: Cell, units: number, o: { returnSequences: boolean; stateful: boolean }): LayerConfig {
  if (cell === 'lstm') return lstm(units, o);
  if (cell === 'gru') return gru(units, o);
  return simpleRnn(units, o);
}

function data(seed: number, n: number, features: number): { x: Tensor; y: Tensor } {
  const rand = rng(seed);
  return {
    x: { data: new Float32Array(uniform(rand, n * STEPS * features, -1, 1)), shape: [n, STEPS, features] },
    y: { data: new Float32Array(uniform(rand, n, -0.5, 0.5)), shape: [n, 1] },
  };
}

async function train(c: Case, count: number): Promise<{ weights: Record<string, Float32Array>; pred: Float32Array }> {
  setThreads(count);
  const layers = c.units.map((u, i) => layer(c.cell, u, { returnSequences: i < c.units.length - 1, stateful: c.stateful }));
  const model = sequential({ inputShape: [STEPS, c.features], layers: [...layers, dense(1)], seed: 7 });
  model.compile({ optimizer: adam({ learningRate: 1e-2 }), loss: 'mse' });
  const { x, y } = data(c.units[0]! * 31 + c.batch, c.samples, c.features);
  await model.fit(x, y, { batchSize: c.batch, epochs: 2, shuffle: c.shuffle && !c.stateful });
  if (c.stateful) model.resetStates();
  const pred = (await model.predict(x, { batchSize: c.stateful ? c.batch : 64 })).data as Float32Array;
  const weights = model.getWeights();
  model.dispose();
  return { weights, pred };
}

// Every value of every axis appears; batches get a ragged tail (samples not a
// multiple of the batch), stateful fits a whole number of batches (Keras).
const cases: Case[] = [];
const cells: Cell[] = ['lstm', 'gru', 'rnn'];
const unitList = [1, 7, 16, 32, 64, 100];
const batches = [1, 7, 13, 50, 257];
let k = 0;
for (const cell of cells)
  for (const u of unitList) {
    const batch = batches[k % batches.length]!;
    const features = 1 + (k % 8);
    const stateful = k % 3 === 2;
    const samples = stateful ? batch * 2 : Math.min(600, batch * 2 + Math.max(1, Math.floor(batch / 3)));
    cases.push({ cell, units: u >= 32 && k % 2 === 0 ? [u, 16] : [u], batch, features, samples, shuffle: k % 2 === 1, stateful });
    k++;
  }
// The shapes the defect was found on.
for (const features of [1, 2])
  for (const shuffle of [false, true])
    cases.push({ cell: 'lstm', units: [32, 16], batch: 50, features, samples: 500, shuffle, stateful: false });
cases.push({ cell: 'lstm', units: [64], batch: 257, features: 8, samples: 600, shuffle: true, stateful: false });

testEachBackend('weights and predictions do not depend on the thread count', { skip: emulated ? 'under qemu-user emulation (checked natively)' : false }, async (t) => {
  const initial = threads();
  t.teardown(() => setThreads(initial));
  for (const c of cases) {
    const name = `${c.cell}(${c.units.join(',')}) F=${c.features} batch=${c.batch} n=${c.samples}${c.shuffle ? ' shuffled' : ''}${c.stateful ? ' stateful' : ''}`;
    const one = await train(c, 1);
    for (const count of THREADS.slice(1)) {
      const got = await train(c, count);
      let bad: string | null = null;
      for (const [key, w] of Object.entries(one.weights)) {
        const g = got.weights[key]!;
        const i = w.findIndex((v, j) => !Object.is(v, g[j]));
        if (i >= 0) {
          bad = `${key}[${i}]: ${g[i]} vs ${w[i]}`;
          break;
        }
      }
      t.equal(bad, null, `${name}: weights at ${count} threads == 1 thread, bit for bit`);
      const pi = one.pred.findIndex((v, j) => !Object.is(v, got.pred[j]));
      t.equal(pi, -1, `${name}: predictions at ${count} threads == 1 thread`);
    }
  }
});
