/**
 * The progress bar: redrawn in place with bar, batches, loss, throughput and
 * ETA on a TTY; quiet (or one line per epoch, if asked) elsewhere.
 * Oracle: the text written to a fake stream.
 */
import t from 'tap';
import { sequential } from '../lib/model/sequential.js';
import { dense, lstm } from '../lib/model/layers.js';
import { progressBar } from '../lib/model/callbacks/progress-bar.js';
import { rng, uniform } from './helpers/random.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WriteStream & { chunks: string[] };
}

const rand = rng(5);
const x = { data: new Float32Array(uniform(rand, 60 * 4, -1, 1)), shape: [60, 4, 1] };
const y = { data: new Float32Array(uniform(rand, 60, -0.5, 0.5)), shape: [60, 1] };

t.test('on a TTY: redraws with bar, batches, loss, throughput, ETA; a final line per epoch', async (t) => {
  const m = sequential({ inputShape: [4, 1], layers: [lstm(3), dense(1)], seed: 1 });
  m.compile();
  const out = stream(true);
  await m.fit(x, y, { batchSize: 10, epochs: 2, validationSplit: 0.2, callbacks: [progressBar({ stream: out, intervalMs: 0 })] });
  const text = out.chunks.join('');
  t.match(text, /\r\x1b\[2KEpoch 1\/2 \[=+ *\] \d+\/5 loss [\d.e-]+ \d+ samples\/s ETA \d+s \(run \d+s\)/, 'a redrawn progress line');
  t.match(text, /Epoch 2\/2 loss [\d.e-]+ val_loss [\d.e-]+ [\d.]+s \d+ samples\/s\n/, 'the finished epoch, with validation loss');
  t.equal(text.split('\n').length - 1, 2, 'one finished line per epoch');
  m.dispose();
});

t.test('not a TTY: silent by default, one plain line per epoch on request', async (t) => {
  const m = sequential({ inputShape: [4, 1], layers: [lstm(3), dense(1)], seed: 1 });
  m.compile();
  const quiet = stream(false);
  const lines = stream(false);
  await m.fit(x, y, { batchSize: 10, epochs: 2, callbacks: [progressBar({ stream: quiet }), progressBar({ stream: lines, whenNotTty: 'epochs' })] });
  t.same(quiet.chunks, [], 'nothing written');
  t.equal(lines.chunks.length, 2);
  t.ok(lines.chunks.every((c) => /^Epoch \d\/2 loss [\d.e-]+ [\d.]+s \d+ samples\/s\n$/.test(c) && !c.includes('\r')), 'plain lines, no redraws');
  m.dispose();
});

t.test("the epoch's ETA and the whole run's, on an injected clock", async (t) => {
  // Oracle: hand arithmetic. 3 epochs of 4 batches of 10 samples; every batch takes 2 s, and 10 s
  // pass between epochs (validation), so the run's mean is over all the time since training began.
  let now = 0;
  const out = stream(true);
  const bar = progressBar({ stream: out, intervalMs: 0, clock: () => now * 1000 });
  const begin = { epochs: 3, initialEpoch: 0, samples: 40, validationSamples: 0, batchSize: 10, batchesPerEpoch: 4, model: null as never };
  bar.onTrainBegin!(begin);
  const lines: string[] = [];
  for (let epoch = 0; epoch < 3; epoch++) {
    bar.onEpochBegin!(epoch);
    for (let batch = 1; batch <= 4; batch++) {
      now += 2;
      bar.onBatchEnd!(epoch, { batch, batches: 4, samples: 10 * batch, loss: 0.5 });
      lines.push(out.chunks.at(-1)!);
    }
    now += 10;
  }
  // Epoch 1, batch 1: 2 s elapsed; 3 batches left in the epoch (6 s), 11 in the run (22 s).
  t.equal(lines[0], '\r\x1b[2KEpoch 1/3 [======                  ] 1/4 loss 0.50000 5 samples/s ETA 6s (run 22s)');
  // Epoch 2, batch 2: 8 + 10 + 4 = 22 s since the start over 6 batches, 6 left: 22 s; the epoch's 2 left: 4 s.
  t.equal(lines[5], '\r\x1b[2KEpoch 2/3 [============            ] 2/4 loss 0.50000 5 samples/s ETA 4s (run 22s)');
  // Epoch 3, batch 3: 8 + 10 + 8 + 10 + 6 = 42 s over 11 batches, 1 left: 3.8 s, shown 4s; the epoch's: 2 s.
  t.equal(lines[10], '\r\x1b[2KEpoch 3/3 [==================      ] 3/4 loss 0.50000 5 samples/s ETA 2s (run 4s)');
  t.equal(lines[11], '\r\x1b[2KEpoch 3/3 [========================] 4/4 loss 0.50000 5 samples/s ETA 0s (run 0s)', 'nothing left at the end');
});

t.test('the run ETA counts only the epochs left when resuming (initialEpoch), in minutes past 60 s', async (t) => {
  let now = 0;
  const out = stream(true);
  const bar = progressBar({ stream: out, intervalMs: 0, clock: () => now * 1000 });
  bar.onTrainBegin!({ epochs: 10, initialEpoch: 8, samples: 100, validationSamples: 0, batchSize: 10, batchesPerEpoch: 10, model: null as never });
  bar.onEpochBegin!(8);
  now += 9;
  bar.onBatchEnd!(8, { batch: 1, batches: 10, samples: 10, loss: 1 });
  // 9 s per batch; 9 left in epoch 9 and 10 in epoch 10: 171 s = 2m51s; the epoch's 81 s = 1m21s.
  t.equal(out.chunks.at(-1), '\r\x1b[2KEpoch 9/10 [==                      ] 1/10 loss 1.0000 1 samples/s ETA 1m21s (run 2m51s)');
});
