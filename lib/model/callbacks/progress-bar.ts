/**
 * A progress display for fit(): on a TTY, one line per epoch redrawn in place
 * with a bar, batch count, running loss, throughput, and two ETAs: the
 * epoch's and the whole run's (all remaining epochs). Elsewhere (CI,
 * logs, pipes) it is quiet, or with whenNotTty: 'epochs' writes one plain
 * line per finished epoch.
 */
import type { Callback, BatchLogs, EpochLogs, TrainBeginLogs } from './types.js';

export interface ProgressBarOptions {
  /** Where to draw. Default process.stderr (stdout stays clean for --json). */
  stream?: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Minimum milliseconds between redraws. Default 100. */
  intervalMs?: number;
  /** When the stream is not a TTY: 'silent' (default) or 'epochs' (one line per epoch). */
  whenNotTty?: 'silent' | 'epochs';
  /** Milliseconds from any origin, for the rates and ETAs. Default performance.now (tests inject a fake). */
  clock?: () => number;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * @example await model.fit(x, y, { epochs: 10, callbacks: [progressBar()] })
 */
export function progressBar(options: ProgressBarOptions = {}): Callback {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean((stream as NodeJS.WriteStream).isTTY);
  const interval = options.intervalMs ?? 100;
  const epochLines = options.whenNotTty === 'epochs';
  const clock = options.clock ?? (() => performance.now());
  let epochs = 0;
  let epochStart = 0;
  let lastDraw = 0;
  // The whole run: its start, the batches of the epochs before this one, and this one's so far.
  let runStart = 0;
  let batchesBefore = 0;
  let batchesNow = 0;
  const width = 24;

  const line = (epoch: number, b: BatchLogs, now: number): string => {
    const frac = b.batch / b.batches;
    const filled = Math.round(frac * width);
    const elapsed = (now - epochStart) / 1000;
    const rate = b.samples / Math.max(elapsed, 1e-9);
    const eta = (elapsed / frac) * (1 - frac);
    // The run's ETA: its mean seconds per batch so far (validation and
    // callbacks between epochs included) times the batches left in this
    // epoch and in the epochs after it.
    const done = batchesBefore + batchesNow;
    const left = b.batches - b.batch + (epochs - epoch - 1) * b.batches;
    const runEta = ((now - runStart) / 1000 / done) * left;
    return (
      `Epoch ${epoch + 1}/${epochs} [${'='.repeat(filled)}${' '.repeat(width - filled)}] ` +
      `${b.batch}/${b.batches} loss ${b.loss.toPrecision(5)} ${Math.round(rate)} samples/s ` +
      `ETA ${formatSeconds(eta)} (run ${formatSeconds(runEta)})`
    );
  };

  return {
    onTrainBegin(logs: TrainBeginLogs) {
      epochs = logs.epochs;
      runStart = clock();
      batchesBefore = 0;
      batchesNow = 0;
    },
    onEpochBegin() {
      epochStart = clock();
      lastDraw = -Infinity;
      batchesBefore += batchesNow;
      batchesNow = 0;
    },
    onBatchEnd(epoch: number, b: BatchLogs) {
      batchesNow = b.batch;
      if (!tty) return;
      const now = clock();
      if (now - lastDraw < interval && b.batch !== b.batches) return;
      lastDraw = now;
      stream.write(`\r\x1b[2K${line(epoch, b, now)}`);
    },
    onEpochEnd(epoch: number, logs: EpochLogs) {
      if (!tty && !epochLines) return;
      const val = logs.valLoss === undefined ? '' : `val_loss ${logs.valLoss.toPrecision(5)} `;
      const done =
        `Epoch ${epoch + 1}/${epochs} loss ${logs.loss.toPrecision(5)} ${val}` +
        `${logs.seconds.toFixed(1)}s ${Math.round(logs.samplesPerSecond)} samples/s`;
      stream.write(tty ? `\r\x1b[2K${done}\n` : `${done}\n`);
    },
  };
}
