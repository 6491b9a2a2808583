/** Loads a PyTorch golden fixture (test/fixtures/golden/<case>.json + .f64). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
