/** The stored (h, c) of each recurrent layer, read from and written to the native model. */
import { allFinite, invalid, positiveInteger } from '../core/validate.js';
import type { NativeModel } from '../native/binding.js';
import { isRecurrent, type LayerConfig } from './layers.js';

export interface LayerState {
  /** Layer index k. */
  layer: number;
  /** [rows, units] hidden and cell state. */
  h: Float32Array;
  c: Float32Array;
  rows: number;
}

/** Each recurrent layer's state; rows is 0 (and h, c empty) before any stateful batch. */
export function readStates(native: NativeModel, layers: readonly LayerConfig[]): LayerState[] {
  const rows = native.stateRows();
  const out: LayerState[] = [];
  layers.forEach((l, k) => {
    if (!isRecurrent(l)) return;
    const s = rows > 0 ? native.getState(k, rows) : { h: new Float32Array(0), c: new Float32Array(0) };
    out.push({ layer: k, h: s.h, c: s.c, rows });
  });
  return out;
}

/** Sets the given layers' states, each checked first. */
export function writeStates(native: NativeModel, layers: readonly LayerConfig[], states: unknown): void {
  if (!Array.isArray(states)) throw invalid('states', 'array of layer states', states);
  (states as LayerState[]).forEach((s, i) => {
    const layer = layers[s?.layer];
    if (!layer || !isRecurrent(layer)) throw invalid(`states[${i}].layer`, 'index of a recurrent layer', s?.layer);
    const rows = positiveInteger(`states[${i}].rows`, s.rows);
    for (const key of ['h', 'c'] as const) {
      if (!(s[key] instanceof Float32Array) || s[key].length !== rows * layer.units) {
        throw invalid(`states[${i}].${key}`, `Float32Array of ${rows * layer.units} elements`, s[key]);
      }
      allFinite(`states[${i}].${key}`, s[key]);
    }
    native.setState(s.layer, s.h, s.c, rows);
  });
}
