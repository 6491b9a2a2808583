/** Loads a PyTorch golden fixture (test/fixtures/golden/<case>.json + .f64). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sequential, type Sequential } from '../../lib/model/sequential.js';
import { dense, lstm, type DenseActivation } from '../../lib/model/layers.js';

export interface GoldenFixture {
  meta: {
    case: string;
    config: { B: number; T: number; F: number; layers: { type: string; units: number; returnSequences?: boolean; activation?: string }[] };
    stateful: boolean;
    adam: { learningRate: number; beta1: number; beta2: number; epsilon: number; steps: number; losses: number[] };
    loss: number;
  };
  tensor(name: string): Float64Array;
  has(name: string): boolean;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'golden');

export function loadGolden(name: string): GoldenFixture {
  const meta = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  const raw = readFileSync(join(dir, `${name}.f64`));
  const all = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const tensors = meta.tensors as Record<string, { offset: number; length: number }>;
  return {
    meta,
    has: (n) => n in tensors,
    tensor(n) {
      const t = tensors[n];
      if (!t) throw new Error(`fixture ${name} has no tensor ${n}`);
      return all.slice(t.offset, t.offset + t.length);
    },
  };
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
