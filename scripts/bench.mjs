#!/usr/bin/env node
// Throughput benchmark for the native core (run `npm run bench`).
// W1 = the book model: input [batch 100, 10 steps, 1 feature] -> LSTM(100,
// return sequences) -> LSTM(100) -> Dense(1, tanh), Adam, MSE.
// Reports the median of several timed repeats per instruction set; each
// repeat is one fitEpoch / predict call over `samples` random samples.
import { binding } from '../dist/native.js';
import { readCsv } from '../dist/data/csv.js';

const samples = Number(process.env.BENCH_SAMPLES ?? 5000);
const repeats = Number(process.env.BENCH_REPEATS ?? 5);
const b = binding();

const spec = {
  steps: 10,
  features: 1,
  layers: [
    { kind: 0, units: 100, returnSequences: true, stateful: false, activation: 0 },
    { kind: 0, units: 100, returnSequences: false, stateful: false, activation: 0 },
    { kind: 1, units: 1, returnSequences: false, stateful: false, activation: 1 },
  ],
};

function data(n, seed) {
  let s = seed;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296) * 2 - 1;
  return Float32Array.from({ length: n }, rand);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const x = data(samples * 10, 1);
const y = data(samples, 2).map((v) => v * 0.5);
const model = new b.NativeModel(spec, 0);
model.compileAdam(1e-3, 0.9, 0.999, 1e-7);
await model.fitEpoch(x.subarray(0, 5000), y.subarray(0, 500), 500, 100, false); // warm-up

const train = [];
const infer = [];
for (let r = 0; r < repeats; r++) {
  let t0 = performance.now();
  await model.fitEpoch(x, y, samples, 100, false);
  train.push(samples / ((performance.now() - t0) / 1000));
  t0 = performance.now();
  await model.predict(x, samples, 100);
  infer.push(samples / ((performance.now() - t0) / 1000));
}
model.dispose();
const fmt = (v) => Math.round(v).toLocaleString('en-US');

// readCsv on the shipped book data (240,763 rows; gunzip included).
const csvMs = [];
for (let r = 0; r < repeats; r++) {
  const t0 = performance.now();
  const table = await readCsv(new URL('../data/btcusd_bitfinex_1min_2017H1.csv.gz', import.meta.url).pathname);
  csvMs.push(performance.now() - t0);
  if (table.numRows !== 240763) throw new Error(`unexpected row count ${table.numRows}`);
}
console.log(`readCsv book data (240,763 rows, .csv.gz): ${median(csvMs).toFixed(0)} ms median`);
console.log(`kernels: ${b.isa()} (available: ${b.availableIsas().join(', ')}), ${samples} samples x ${repeats} repeats, medians`);
console.log(`W1 training  (batch 100): ${fmt(median(train))} samples/s (range ${fmt(Math.min(...train))}..${fmt(Math.max(...train))})`);
console.log(`W1 inference (batch 100): ${fmt(median(infer))} samples/s (range ${fmt(Math.min(...infer))}..${fmt(Math.max(...infer))})`);
console.log(`W1 training ~ ${(median(train) * 7.2e6 / 1e9).toFixed(2)} GFLOP/s at 7.2 MFLOP per training sample`);
