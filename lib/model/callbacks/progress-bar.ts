/**
 * A progress display for fit(): on a TTY, one line per epoch redrawn in place
 * with a bar, batch count, running loss, throughput and ETA. Elsewhere (CI,
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
  let epochs = 0;
  let epochStart = 0;
  let lastDraw = 0;
  const width = 24;

  const line = (epoch: number, b: BatchLogs): string => {
    const frac = b.batch / b.batches;
    const filled = Math.round(frac * width);
    const elapsed = (performance.now() - epochStart) / 1000;
    const rate = b.samples / Math.max(elapsed, 1e-9);
    const eta = (elapsed / frac) * (1 - frac);
    return (
      `Epoch ${epoch + 1}/${epochs} [${'='.repeat(filled)}${' '.repeat(width - filled)}] ` +
      `${b.batch}/${b.batches} loss ${b.loss.toPrecision(5)} ${Math.round(rate)} samples/s ETA ${formatSeconds(eta)}`
    );
  };

  return {
    onTrainBegin(logs: TrainBeginLogs) {
      epochs = logs.epochs;
    },
    onEpochBegin() {
      epochStart = performance.now();
      lastDraw = 0;
    },
    onBatchEnd(epoch: number, b: BatchLogs) {
      if (!tty) return;
      const now = performance.now();
      if (now - lastDraw < interval && b.batch !== b.batches) return;
      lastDraw = now;
      stream.write(`\r\x1b[2K${line(epoch, b)}`);
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
