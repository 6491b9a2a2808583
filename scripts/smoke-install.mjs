// The program scripts/test-install.mjs runs inside a fresh project that has
// flowcast installed from the release tarball: load the addon, train a tiny
// LSTM on a noisy sine wave with a fixed seed, predict, and print one JSON
// line. Plain ESM with no dependencies beyond flowcast, so the same file runs
// on any Node and under qemu or wine.
import { adam, dense, doctor, kernelIsa, lstm, sequential } from 'flowcast';

const steps = 8;
const n = 96;
const x = new Float32Array(n * steps);
const y = new Float32Array(n);
for (let i = 0; i < n; i++) {
  for (let t = 0; t < steps; t++) x[i * steps + t] = Math.sin((i + t) / 5) + 0.1 * Math.cos((i + t) * 1.7);
  y[i] = Math.sin((i + steps) / 5);
}
const model = sequential({ inputShape: [steps, 1], layers: [lstm(8), dense(1)], seed: 7 });
model.compile({ optimizer: adam({ learningRate: 1e-2 }), loss: 'mse' });
const history = await model.fit({ data: x, shape: [n, steps, 1] }, { data: y, shape: [n, 1] }, { batchSize: 16, epochs: 3, shuffle: false });
const predictions = await model.predict({ data: x.subarray(0, 16 * steps), shape: [16, steps, 1] });
const { binary } = await doctor();
console.log(JSON.stringify({
  origin: binary.origin,
  platform: binary.platform,
  node: process.version,
  arch: process.arch,
  isa: kernelIsa(),
  loss: history.loss.at(-1),
  predictions: Array.from(predictions.data),
}));
model.dispose();
