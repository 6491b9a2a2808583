/**
 * Saves one model to argv[2] over and over, printing "saved N" after each,
 * until it is killed (test/model-files.test.ts kills it with SIGKILL).
 */
import { dense, lstm } from '../../lib/model/layers.js';
import { sequential } from '../../lib/model/sequential.js';

const model = sequential({ inputShape: [8, 4], layers: [lstm(160, { returnSequences: true }), lstm(64), dense(1)], seed: 8 });
model.compile();
for (let n = 1; ; n++) {
  await model.save(process.argv[2]!);
  process.stdout.write(`saved ${n}\n`);
}
