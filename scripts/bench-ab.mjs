#!/usr/bin/env node
// A/B speed check of a native change: W1 and W2 training and S1 streaming
// steps (the workloads of scripts/bench.mjs) on this checkout's addon and on
// another built checkout's addon, loaded into one process and run
// alternately, so drift in a shared machine's speed hits both sides alike.
// Prints the medians and the ratio (this / other: > 1 is faster for rates,
// slower for S1's microseconds) per workload and thread count.
// Usage: node scripts/bench-ab.mjs <other checkout with build/Release/flowcast.node> [--repeats N] [--threads 1,2]
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuInfo, describeCpu } from '../dist/native/cpu.js';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { repeats: { type: 'string' }, threads: { type: 'string' } },
});
if (positionals.length !== 1) {
  console.error('usage: node scripts/bench-ab.mjs <other checkout> [--repeats N] [--threads 1,2]');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const load = (root) => require(resolve(root, 'build/Release/flowcast.node'));
const sides = { this: load(new URL('..', import.meta.url).pathname), other: load(positionals[0]) };
const repeats = Number(opts.repeats ?? 7);
const threadCounts = (opts.threads ?? '1,2').split(',').map(Number);
const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

const lstmSpec = (steps, features, units, tanh, stateful = false) => ({
  steps,
  features,
  layers: [
    { kind: 0, units, returnSequences: true, stateful, activation: 0 },
    { kind: 0, units, returnSequences: false, stateful, activation: 0 },
    { kind: 1, units: 1, returnSequences: false, stateful: false, activation: tanh ? 1 : 0 },
  ],
});
const workloads = {
  W1: { spec: lstmSpec(10, 1, 100, true), batch: 100, samples: 5000 },
  W2: { spec: lstmSpec(60, 8, 256, false), batch: 64, samples: 320 },
};
function data(n, seed, scale = 1) {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

async function epochRate(b, w, x, y) {
  const m = new b.NativeModel(w.spec, 0);
  m.compileAdam(1e-3, 0.9, 0.999, 1e-7);
  const per = w.spec.steps * w.spec.features;
  await m.fitEpoch(x.subarray(0, 2 * w.batch * per), y.subarray(0, 2 * w.batch), 2 * w.batch, w.batch, false);
  const t0 = performance.now();
  await m.fitEpoch(x, y, w.samples, w.batch, false);
  const rate = w.samples / ((performance.now() - t0) / 1000);
  m.dispose();
  return rate;
}

// S1: microseconds per streaming step of the W1 network (batch 1, one step,
// state carried), as scripts/bench.mjs measures it, over `steps` steps.
function streamUs(b, steps) {
  const m = new b.NativeModel(lstmSpec(1, 1, 100, true, true), 0);
  const xs = data(steps, 3);
  const one = new Float32Array(1);
  m.predictSync(one, 1, 1);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    one[0] = xs[i];
    m.predictSync(one, 1, 1);
  }
  const us = ((performance.now() - t0) * 1000) / steps;
  m.dispose();
  return us;
}

console.log(`${new Date().toISOString()}  ${describeCpu(cpuInfo())}, kernels ${sides.this.isa()} (other: ${sides.other.isa()})`);
for (const th of threadCounts) {
  for (const b of Object.values(sides)) b.setThreads(th);
  for (const [name, w] of Object.entries(workloads)) {
    const x = data(w.samples * w.spec.steps * w.spec.features, 1);
    const y = data(w.samples, 2, 0.5);
    const rates = { this: [], other: [] };
    for (let r = 0; r < repeats; r++) {
      // Alternate which side goes first, so neither always runs warm.
      const order = r % 2 ? ['other', 'this'] : ['this', 'other'];
      for (const side of order) rates[side].push(await epochRate(sides[side], w, x, y));
    }
    const a = median(rates.this), o = median(rates.other);
    const pairs = rates.this.map((v, i) => v / rates.other[i]);
    console.log(`${name} training, ${th} thread${th > 1 ? 's' : ''}: this ${Math.round(a)} samples/s, other ${Math.round(o)}; ` +
      `ratio of medians ${(a / o).toFixed(3)}, median of paired ratios ${median(pairs).toFixed(3)} (${repeats} pairs)`);
  }
  const us = { this: [], other: [] };
  for (let r = 0; r < repeats; r++) {
    const order = r % 2 ? ['other', 'this'] : ['this', 'other'];
    for (const side of order) us[side].push(streamUs(sides[side], 5000));
  }
  const a = median(us.this), o = median(us.other);
  console.log(`S1 streaming step, ${th} thread${th > 1 ? 's' : ''}: this ${a.toFixed(1)} us/step, other ${o.toFixed(1)}; ` +
    `ratio of medians ${(a / o).toFixed(3)}, median of paired ratios ${median(us.this.map((v, i) => v / us.other[i])).toFixed(3)} (${repeats} pairs)`);
}
