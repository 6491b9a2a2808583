/** model.summary(): a Keras-like table of layers, output shapes and parameter counts. */
import { toNativeSpec, type SequentialConfig } from './config.js';
import { isRecurrent } from './layers.js';
import type { ParameterEntry } from './parameters.js';

export function summaryTable(
  config: Readonly<Required<SequentialConfig>>,
  entries: readonly ParameterEntry[],
  backend: { name: string; kernels: string },
): string {
  const rows: string[] = ['Layer                     Output shape        Params'];
  let total = 0;
  const spec = toNativeSpec(config.inputShape, config.layers);
  let seq = true;
  config.layers.forEach((l, k) => {
    const n = entries.filter((e) => e.name.startsWith(`layers.${k}.`)).reduce((a, e) => a + e.length, 0);
    total += n;
    const units = spec.layers[k]!.units;
    if (isRecurrent(l)) seq = l.returnSequences;
    const shape = seq ? `[b, ${config.inputShape[0]}, ${units}]` : `[b, ${units}]`;
    const name =
      l.type === 'dense'
        ? `dense(${l.units}, ${l.activation})`
        : l.type === 'dropout'
          ? `dropout(${l.rate})`
          : `${l.type === 'rnn' ? 'simpleRnn' : l.type}(${l.units}${l.stateful ? ', stateful' : ''})`;
    rows.push(`${`${k}: ${name}`.padEnd(26)}${shape.padEnd(20)}${n}`);
  });
  rows.push(`Total parameters: ${total}`);
  rows.push(`Backend: ${backend.name} (${backend.kernels} kernels)`);
  return rows.join('\n');
}
