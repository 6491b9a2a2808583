/**
 * The book's workflow, end to end, as one function the CLI's `demo` and
 * `train` commands share: load, slice, difference, scale, lag, train the
 * stacked recurrent network (LSTM by default; GRU or RNN cells, dropout,
 * any loss and optimizer of the API), and score it on a test range against
 * the naive forecast in scaled units and in the data's units.
 */
import { Series, type SliceBounds } from '../data/series.js';
import type { DuplicatePolicy } from '../data/duplicates.js';
import { evaluateForecast, type ForecastScores } from '../model/evaluate-forecast.js';
import { ForecastPipeline } from '../data/pipeline.js';
import { dense, dropout, gru, lstm, simpleRnn, type DenseActivation, type LayerConfig } from '../model/layers.js';
import { adam, adamW, rmsprop, sgd, type OptimizerConfig } from '../model/optimizers.js';
import { earlyStopping, type EarlyStopping } from '../model/callbacks/early-stopping.js';
import { progressBar } from '../model/callbacks/progress-bar.js';
import type { Callback } from '../model/callbacks/types.js';
import type { LossName } from '../model/compile.js';
import { sequential } from '../model/sequential.js';
import { binding } from '../native/binding.js';
import { setThreads, threads } from '../native/runtime.js';
import { InvalidArgumentError } from '../core/errors.js';
import { isoMinute, readTable } from './args.js';
import { writeTestPlot } from './plots.js';

/** Test forecasts drawn by --plot: enough to see single steps. */
const PLOT_POINTS = 300;

/** The recurrent cells `--cell` offers. */
export const CELLS = ['lstm', 'gru', 'rnn'] as const;
export type CellName = (typeof CELLS)[number];

/** The optimizers `--optimizer` offers, with their learning-rate defaults (the API's). */
export const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** The losses `--loss` offers (Sequential.compile's). */
export const LOSSES: readonly LossName[] = ['mse', 'mae', 'huber'];

export interface WorkflowOptions {
  data: string;
  time: string;
  timeUnit: 's' | 'ms';
  column: string;
  /** Rows that share a timestamp (Series.fromTable's duplicates). */
  duplicates: DuplicatePolicy;
  train: [string, string];
  test?: [string, string];
  bounds: SliceBounds;
  lags: number;
  cell: CellName;
  units: number[];
  stateful: boolean;
  /** Dropout rate after each recurrent layer; 0 for none. */
  dropout: number;
  activation: DenseActivation;
  loss: LossName;
  optimizer: OptimizerName;
  epochs: number;
  batchSize: number;
  /** Undefined: the optimizer factory's default (lib/model/optimizers.ts). */
  learningRate?: number;
  /** Hold out this last fraction of the training samples for validation. */
  validationSplit?: number;
  /** Stop after this many epochs without improvement (validation loss, else training loss) and keep the best weights. */
  earlyStopping?: number;
  /** Native threads for this run (setThreads); undefined keeps the current count. */
  threads?: number;
  seed: number;
  /** Draw a progress bar on stderr. */
  progress: boolean;
  /** Save the trained model (with its pipeline) here. */
  save?: string;
  /** Draw the first test forecasts here (SVG). */
  plot?: string;
}

export interface RangeReport {
  start: string;
  end: string;
  /** Rows of the sliced series. */
  rows: number;
  /** First/last timestamps actually present. */
  first: string;
  last: string;
  /** Model samples (lag windows). */
  samples: number;
}

/** RMSE and MAE in scaled units and in the data's units (the value column's). */
export interface LevelScores {
  rmse: number;
  mae: number;
  rmse_level: number;
  mae_level: number;
}

export interface WorkflowReport {
  data: { file: string; rows: number; column: string; bounds: SliceBounds; duplicates: DuplicatePolicy; train: RangeReport; test?: RangeReport };
  model: { cell: CellName; layers: string[]; parameters: number; isa: string; seed: number; saved?: string };
  plot?: string;
  training: {
    epochs: number;
    /** Epochs actually run (fewer than `epochs` when early stopping ended the run). */
    epochs_run: number;
    batch_size: number;
    optimizer: OptimizerName;
    learning_rate: number;
    loss_function: LossName;
    threads: number;
    validation_split?: number;
    early_stopping?: { patience: number; monitor: 'val_loss' | 'loss'; best_epoch: number; stopped_epoch: number | null };
    loss: number[];
    val_loss?: number[];
    epoch_seconds: number[];
    seconds: number;
    samples_per_second: number;
  };
  test?: {
    samples: number;
    level_samples: number;
    /** The trained network's scores (whichever --cell). */
    model: LevelScores;
    naive: LevelScores;
    drift: LevelScores;
    skill_vs_naive: number;
    skill_vs_drift: number;
  };
}

/** A ForecastScores as the CLI's JSON names it (snake case; `_level` in the data's units). */
export function levelScores(s: ForecastScores): LevelScores {
  return { rmse: s.rmse, mae: s.mae, rmse_level: s.rmseLevel, mae_level: s.maeLevel };
}

function recurrent(cell: CellName, units: number, options: { returnSequences: boolean; stateful: boolean }): LayerConfig {
  return cell === 'lstm' ? lstm(units, options) : cell === 'gru' ? gru(units, options) : simpleRnn(units, options);
}

function optimizerConfig(name: OptimizerName, learningRate: number | undefined): OptimizerConfig {
  const options = learningRate === undefined ? {} : { learningRate };
  return name === 'adam' ? adam(options) : name === 'adamw' ? adamW(options) : name === 'sgd' ? sgd(options) : rmsprop(options);
}

/** A layer as the report shows it: `lstm(100, stateful)`, `dropout(0.2)`, `dense(1, tanh)`. */
function describeLayer(l: LayerConfig): string {
  if (l.type === 'dropout') return `dropout(${l.rate})`;
  if (l.type === 'dense') return `dense(${l.units}, ${l.activation})`;
  return `${l.type}(${l.units}${l.stateful ? ', stateful' : ''})`;
}

function sliceReport(series: Series, range: [string, string], samples: number): RangeReport {
  return {
    start: range[0],
    end: range[1],
    rows: series.length,
    first: series.length ? isoMinute(series.time[0]!) : '',
    last: series.length ? isoMinute(series.time[series.length - 1]!) : '',
    samples,
  };
}

export async function runWorkflow(o: WorkflowOptions): Promise<WorkflowReport> {
  const table = await readTable(o.data);
  const series = Series.fromTable(table, { time: o.time, timeUnit: o.timeUnit, values: [o.column], duplicates: o.duplicates });
  const train = series.slice(o.train[0], o.train[1], { bounds: o.bounds });
  if (train.length <= o.lags) {
    throw new InvalidArgumentError('--train', `Expected more than ${o.lags} rows in the training range ${o.train.join(' .. ')} but found ${train.length}`);
  }
  const pipeline = new ForecastPipeline({ lags: o.lags });
  const trainLevels = train.values(o.column);
  pipeline.fit(trainLevels);
  pipeline.source = { column: o.column, time: o.time, timeUnit: o.timeUnit, train: o.train, bounds: o.bounds };
  // Predict, evaluate and backtest read new data the same way unless told otherwise.
  if (o.duplicates !== 'error') pipeline.source.duplicates = o.duplicates;
  const trainWin = pipeline.windows(trainLevels);

  const layers: LayerConfig[] = [
    ...o.units.flatMap((u, i) => {
      const cell = recurrent(o.cell, u, { returnSequences: i < o.units.length - 1, stateful: o.stateful });
      return o.dropout > 0 ? [cell, dropout(o.dropout)] : [cell];
    }),
    dense(1, { activation: o.activation }),
  ];
  const optimizer = optimizerConfig(o.optimizer, o.learningRate);
  const previousThreads = threads();
  if (o.threads !== undefined) setThreads(o.threads);
  let model: ReturnType<typeof sequential>;
  try {
    model = sequential({ inputShape: [o.lags, 1], layers, seed: o.seed });
  } catch (err) {
    if (o.threads !== undefined) setThreads(previousThreads);
    throw err;
  }
  try {
    model.compile({ optimizer, loss: o.loss });
    model.pipeline = pipeline.toJSON();
    const monitor = o.validationSplit === undefined ? 'loss' : 'valLoss';
    const stopper: EarlyStopping | undefined =
      o.earlyStopping === undefined ? undefined : earlyStopping({ monitor, patience: o.earlyStopping, restoreBestWeights: true });
    const callbacks: Callback[] = [];
    if (o.progress) callbacks.push(progressBar({ whenNotTty: 'epochs' }));
    if (stopper) callbacks.push(stopper);
    const history = await model.fit(trainWin.x, trainWin.y, {
      batchSize: o.batchSize,
      epochs: o.epochs,
      shuffle: false,
      callbacks,
      ...(o.validationSplit === undefined ? {} : { validationSplit: o.validationSplit }),
    });
    const report: WorkflowReport = {
      data: {
        file: o.data,
        rows: series.length,
        column: o.column,
        bounds: o.bounds,
        duplicates: o.duplicates,
        train: sliceReport(train, o.train, trainWin.x.shape[0]!),
      },
      model: {
        cell: o.cell,
        layers: layers.map(describeLayer),
        parameters: model.paramCount,
        isa: binding().isa(),
        seed: o.seed,
      },
      training: {
        epochs: o.epochs,
        epochs_run: history.epochs,
        batch_size: o.batchSize,
        optimizer: o.optimizer,
        learning_rate: optimizer.learningRate,
        loss_function: o.loss,
        threads: threads(),
        ...(o.validationSplit === undefined ? {} : { validation_split: o.validationSplit }),
        ...(stopper === undefined
          ? {}
          : {
              early_stopping: {
                patience: o.earlyStopping!,
                monitor: monitor === 'valLoss' ? ('val_loss' as const) : ('loss' as const),
                best_epoch: stopper.bestEpoch + 1,
                stopped_epoch: stopper.stoppedEpoch < 0 ? null : stopper.stoppedEpoch + 1,
              },
            }),
        loss: history.loss,
        ...(history.valLoss === undefined ? {} : { val_loss: history.valLoss }),
        epoch_seconds: history.epochSeconds,
        seconds: history.seconds,
        samples_per_second: history.samplesPerSecond,
      },
    };
    if (o.test) {
      const test = series.slice(o.test[0], o.test[1], { bounds: o.bounds });
      if (test.length === 0) throw new InvalidArgumentError('--test', `Expected rows in the test range ${o.test.join(' .. ')} but found none`);
      // Stateful layers start the test period from a clean state, as after each training epoch.
      model.resetStates();
      const testLevels = test.values(o.column);
      const ev = await evaluateForecast(model, pipeline, testLevels, { batchSize: o.batchSize });
      if (o.plot) {
        await writeTestPlot(o.plot, ev, testLevels, test.time, PLOT_POINTS, o.column, o.cell.toUpperCase());
        report.plot = o.plot;
      }
      report.data.test = sliceReport(test, o.test, ev.samples);
      report.test = {
        samples: ev.samples,
        level_samples: ev.levelSamples,
        model: levelScores(ev.model),
        naive: levelScores(ev.naive),
        drift: levelScores(ev.drift),
        skill_vs_naive: ev.skillVsNaive,
        skill_vs_drift: ev.skillVsDrift,
      };
    }
    if (o.save) {
      model.resetStates();
      await model.save(o.save);
      report.model.saved = o.save;
    }
    return report;
  } finally {
    model.dispose();
    if (o.threads !== undefined) setThreads(previousThreads);
  }
}

const OPTIMIZER_NAMES: Record<OptimizerName, string> = { adam: 'Adam', adamw: 'AdamW', sgd: 'SGD', rmsprop: 'RMSprop' };

/** The report as a human-readable table; errors in the data's units are headed by the value column's name. */
export function formatReport(r: WorkflowReport): string {
  const lines: string[] = [];
  const f = (v: number, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : String(v));
  const t = r.training;
  lines.push(`Data      ${r.data.file} (${r.data.rows} rows, column ${r.data.column}${r.data.duplicates === 'error' ? '' : `, duplicates: ${r.data.duplicates}`})`);
  const range = (name: string, s: RangeReport) =>
    `${name.padEnd(9)} ${s.start} < t <= ${s.end}: ${s.rows} rows (${s.first} .. ${s.last}), ${s.samples} samples`;
  lines.push(range('Train', r.data.train));
  if (r.data.test) lines.push(range('Test', r.data.test));
  lines.push(`Model     ${r.model.layers.join(' -> ')}, ${r.model.parameters} parameters, kernels: ${r.model.isa}`);
  const run = t.epochs_run < t.epochs ? ` (early stopping after ${t.epochs_run})` : '';
  const validation = t.validation_split === undefined ? '' : `, validation ${t.validation_split}`;
  lines.push(
    `Training  ${t.epochs} epochs${run}, batch ${t.batch_size}, ${OPTIMIZER_NAMES[t.optimizer]} lr ${t.learning_rate}, ` +
      `${t.loss_function.toUpperCase()}${validation}, ${t.threads} thread${t.threads === 1 ? '' : 's'}`,
  );
  t.loss.forEach((l, i) => {
    const val = t.val_loss === undefined ? '' : `  val_loss ${t.val_loss[i]!.toExponential(4)}`;
    lines.push(`  epoch ${String(i + 1).padStart(2)}  loss ${l.toExponential(4)}${val}  ${t.epoch_seconds[i]!.toFixed(1)} s`);
  });
  if (t.early_stopping) lines.push(`  best epoch ${t.early_stopping.best_epoch} by ${t.early_stopping.monitor} (its weights kept)`);
  lines.push(`  total ${t.seconds.toFixed(1)} s, ${Math.round(t.samples_per_second)} samples/s`);
  if (r.test) {
    const unit = r.data.column;
    const name = r.model.cell.toUpperCase();
    const width = Math.max(12, unit.length + 7);
    lines.push('');
    lines.push(`Test (${r.test.samples} samples; in ${unit} over ${r.test.level_samples} with a previous value)`);
    lines.push(`${' '.repeat(22)}RMSE scaled   MAE scaled${`RMSE ${unit}`.padStart(width)}${`MAE ${unit}`.padStart(width - 1)}`);
    const row = (label: string, s: LevelScores) =>
      `  ${label.padEnd(20)}${f(s.rmse, 5).padStart(11)}${f(s.mae, 5).padStart(13)}${f(s.rmse_level, 3).padStart(width)}${f(s.mae_level, 3).padStart(width - 1)}`;
    lines.push(row(name, r.test.model));
    lines.push(row('naive (p_t = p_t-1)', r.test.naive));
    lines.push(row('drift (mean change)', r.test.drift));
    const skill = r.test.skill_vs_naive;
    const lower = name.toLowerCase();
    lines.push(`  skill vs naive (1 - RMSE_${lower}/RMSE_naive, ${unit}): ${f(skill, 4)} ${skill > 0 ? `(${name} beats naive)` : '(naive wins)'}`);
    const skillDrift = r.test.skill_vs_drift;
    lines.push(`  skill vs drift (1 - RMSE_${lower}/RMSE_drift, ${unit}): ${f(skillDrift, 4)} ${skillDrift > 0 ? `(${name} beats drift)` : '(drift wins)'}`);
  }
  if (r.model.saved) lines.push(`Saved     ${r.model.saved}`);
  if (r.plot) lines.push(`Plot      ${r.plot}`);
  return lines.join('\n');
}
