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
  t.match(text, /\r\x1b\[2KEpoch 1\/2 \[=+ *\] \d+\/5 loss [\d.e-]+ \d+ samples\/s ETA \d+s/, 'a redrawn progress line');
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
