/** Loads a PyTorch golden fixture (test/fixtures/golden/<case>.json + .f64). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binding } from '../../lib/native/binding.js';
import { toNativeSpec } from '../../lib/model/config.js';
import { sequential, type Sequential } from '../../lib/model/sequential.js';
import { dense, lstm, type DenseActivation } from '../../lib/model/layers.js';
import { firstMismatch } from './random.js';

/** The meta of the LSTM cases (book, small, stateful) of scripts/gen-golden-lstm.py. */
export interface LstmGoldenMeta {
  case: string;
  config: { B: number; T: number; F: number; layers: { type: string; units: number; returnSequences?: boolean; activation?: string }[] };
  stateful: boolean;
  adam: { learningRate: number; beta1: number; beta2: number; epsilon: number; steps: number; losses: number[] };
  loss: number;
}

export interface GoldenFixture<M = LstmGoldenMeta> {
  meta: M;
  tensor(name: string): Float64Array;
  shape(name: string): number[];
  has(name: string): boolean;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'golden');

export function loadGolden<M = LstmGoldenMeta>(name: string): GoldenFixture<M> {
  const meta = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  const raw = readFileSync(join(dir, `${name}.f64`));
  const all = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const tensors = meta.tensors as Record<string, { shape: number[]; offset: number; length: number }>;
  const entry = (n: string) => {
    const t = tensors[n];
    if (!t) throw new Error(`fixture ${name} has no tensor ${n}`);
    return t;
  };
  return {
    meta,
    has: (n) => n in tensors,
    shape: (n) => entry(n).shape,
    tensor(n) {
      const t = entry(n);
      return all.slice(t.offset, t.offset + t.length);
    },
  };
}

/**
 * The float64 reference BPTT (stateless) at the fixture's parameters
 * (params.<name>) on input x and target y: its loss, and the parameter
 * tensors whose gradients differ from the fixture's grad.<name> beyond
 * atol 1e-12 + rtol 1e-9.
 */
export function float64Reference(model: Sequential, golden: GoldenFixture<unknown>, x: Float64Array, y: Float64Array, batch: number): { loss: number; mismatched: string[] } {
  const params = new Float64Array(model.paramCount);
  for (const e of model._layout()) params.set(golden.tensor(`params.${e.name}`), e.offset);
  const spec = toNativeSpec(model.config.inputShape as [number, number], model.config.layers);
  for (const l of spec.layers) l.stateful = false;
  const ref = binding().referenceLossAndGradients(spec, params, x, y, batch, []);
  const mismatched = model._layout().filter((e) => firstMismatch(ref.gradients.subarray(e.offset, e.offset + e.length), golden.tensor(`grad.${e.name}`), 1e-12, 1e-9) !== null).map((e) => e.name);
  return { loss: ref.loss, mismatched };
}

/** The fixture's model with its initial parameters (params.*). */
export function goldenModel(g: GoldenFixture): Sequential {
  const c = g.meta.config;
  const stateful = g.meta.stateful;
  const layers = c.layers.map((l) =>
    l.type === 'lstm'
      ? lstm(l.units, { returnSequences: Boolean(l.returnSequences), stateful })
      : dense(l.units, { activation: l.activation as DenseActivation }),
  );
  const model = sequential({ inputShape: [c.T, c.F], layers, seed: 1 });
  const weights: Record<string, Float32Array> = {};
  for (const name of Object.keys(model.parameterShapes)) weights[name] = new Float32Array(g.tensor(`params.${name}`));
  model.setWeights(weights);
  return model;
}
