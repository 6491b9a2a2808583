/**
 * The book's workflow, end to end, as one function the CLI's `demo` and
 * `train` commands share: load, slice, difference, scale, lag, train the
 * stacked LSTM, and score it on a test range against the naive forecast in
 * scaled units and in price units.
 */
import { Series, type SliceBounds } from '../data/series.js';
import { evaluateForecast } from '../forecast/evaluate.js';
import { ForecastPipeline } from '../forecast/pipeline.js';
import { dense, lstm, type DenseActivation } from '../model/layers.js';
import { adam } from '../model/optimizers.js';
import { progressBar } from '../model/callbacks/progress-bar.js';
import { sequential } from '../model/sequential.js';
import { binding } from '../native.js';
import { InvalidArgumentError } from '../errors.js';
import { isoMinute, readTable } from './args.js';
import { writeTestPlot } from './plots.js';

/** Test forecasts drawn by --plot: enough to see single steps. */
const PLOT_POINTS = 300;

export interface WorkflowOptions {
  data: string;
  time: string;
  timeUnit: 's' | 'ms';
  column: string;
  train: [string, string];
  test?: [string, string];
  bounds: SliceBounds;
  lags: number;
  units: number[];
  stateful: boolean;
  activation: DenseActivation;
  epochs: number;
  batchSize: number;
  learningRate: number;
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

export interface WorkflowReport {
  data: { file: string; rows: number; column: string; bounds: SliceBounds; train: RangeReport; test?: RangeReport };
  model: { layers: string[]; parameters: number; isa: string; seed: number; saved?: string };
  plot?: string;
  training: {
    epochs: number;
    batch_size: number;
    learning_rate: number;
    loss: number[];
    epoch_seconds: number[];
    seconds: number;
    samples_per_second: number;
  };
  test?: {
    samples: number;
    usd_samples: number;
    lstm: { rmse: number; mae: number; rmse_usd: number; mae_usd: number };
    naive: { rmse: number; mae: number; rmse_usd: number; mae_usd: number };
    drift: { rmse: number; mae: number; rmse_usd: number; mae_usd: number };
    skill_vs_naive: number;
    skill_vs_drift: number;
  };
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
  const series = Series.fromTable(table, { time: o.time, timeUnit: o.timeUnit, values: [o.column] });
  const train = series.slice(o.train[0], o.train[1], { bounds: o.bounds });
  if (train.length <= o.lags) {
    throw new InvalidArgumentError('--train', `Expected more than ${o.lags} rows in the training range ${o.train.join(' .. ')} but found ${train.length}`);
  }
  const pipeline = new ForecastPipeline({ lags: o.lags });
  const trainLevels = train.values(o.column);
  pipeline.fit(trainLevels);
  pipeline.source = { column: o.column, time: o.time, timeUnit: o.timeUnit, train: o.train, bounds: o.bounds };
  const trainWin = pipeline.windows(trainLevels);

  const layers = [
    ...o.units.map((u, i) => lstm(u, { returnSequences: i < o.units.length - 1, stateful: o.stateful })),
    dense(1, { activation: o.activation }),
  ];
  const model = sequential({ inputShape: [o.lags, 1], layers, seed: o.seed });
  try {
    model.compile({ optimizer: adam({ learningRate: o.learningRate }), loss: 'mse' });
    model.pipeline = pipeline.toJSON();
    const history = await model.fit(trainWin.x, trainWin.y, {
      batchSize: o.batchSize,
      epochs: o.epochs,
      shuffle: false,
      callbacks: o.progress ? [progressBar({ whenNotTty: 'epochs' })] : [],
    });
    const report: WorkflowReport = {
      data: {
        file: o.data,
        rows: series.length,
        column: o.column,
        bounds: o.bounds,
        train: sliceReport(train, o.train, trainWin.x.shape[0]!),
      },
      model: {
        layers: layers.map((l) => (l.type === 'lstm' ? `lstm(${l.units}${l.stateful ? ', stateful' : ''})` : `dense(${l.units}, ${l.activation})`)),
        parameters: model.paramCount,
        isa: binding().isa(),
        seed: o.seed,
      },
      training: {
        epochs: o.epochs,
        batch_size: o.batchSize,
        learning_rate: o.learningRate,
        loss: history.loss,
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
        await writeTestPlot(o.plot, ev, testLevels, test.time, PLOT_POINTS, o.column);
        report.plot = o.plot;
      }
      report.data.test = sliceReport(test, o.test, ev.samples);
      const scores = (s: typeof ev.model) => ({ rmse: s.rmse, mae: s.mae, rmse_usd: s.rmseLevel, mae_usd: s.maeLevel });
      report.test = {
        samples: ev.samples,
        usd_samples: ev.levelSamples,
        lstm: scores(ev.model),
        naive: scores(ev.naive),
        drift: scores(ev.drift),
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
  }
}

/** The report as a human-readable table. */
export function formatReport(r: WorkflowReport): string {
  const lines: string[] = [];
  const f = (v: number, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : String(v));
  lines.push(`Data      ${r.data.file} (${r.data.rows} rows, column ${r.data.column})`);
  const range = (name: string, s: RangeReport) =>
    `${name.padEnd(9)} ${s.start} < t <= ${s.end}: ${s.rows} rows (${s.first} .. ${s.last}), ${s.samples} samples`;
  lines.push(range('Train', r.data.train));
  if (r.data.test) lines.push(range('Test', r.data.test));
  lines.push(`Model     ${r.model.layers.join(' -> ')}, ${r.model.parameters} parameters, kernels: ${r.model.isa}`);
  lines.push(`Training  ${r.training.epochs} epochs, batch ${r.training.batch_size}, Adam lr ${r.training.learning_rate}, MSE`);
  r.training.loss.forEach((l, i) => lines.push(`  epoch ${String(i + 1).padStart(2)}  loss ${l.toExponential(4)}  ${r.training.epoch_seconds[i]!.toFixed(1)} s`));
  lines.push(`  total ${r.training.seconds.toFixed(1)} s, ${Math.round(r.training.samples_per_second)} samples/s`);
  if (r.test) {
    lines.push('');
    lines.push(`Test (${r.test.samples} samples; USD over ${r.test.usd_samples} with a previous price)`);
    lines.push('                      RMSE scaled   MAE scaled    RMSE USD    MAE USD');
    const row = (name: string, s: { rmse: number; mae: number; rmse_usd: number; mae_usd: number }) =>
      `  ${name.padEnd(20)}${f(s.rmse, 5).padStart(11)}${f(s.mae, 5).padStart(13)}${f(s.rmse_usd, 3).padStart(12)}${f(s.mae_usd, 3).padStart(11)}`;
    lines.push(row('LSTM', r.test.lstm));
    lines.push(row('naive (p_t = p_t-1)', r.test.naive));
    lines.push(row('drift (mean change)', r.test.drift));
    const skill = r.test.skill_vs_naive;
    lines.push(`  skill vs naive (1 - RMSE_lstm/RMSE_naive, USD): ${f(skill, 4)} ${skill > 0 ? '(LSTM beats naive)' : '(naive wins)'}`);
    const skillDrift = r.test.skill_vs_drift;
    lines.push(`  skill vs drift (1 - RMSE_lstm/RMSE_drift, USD): ${f(skillDrift, 4)} ${skillDrift > 0 ? '(LSTM beats drift)' : '(drift wins)'}`);
  }
  if (r.model.saved) lines.push(`Saved     ${r.model.saved}`);
  if (r.plot) lines.push(`Plot      ${r.plot}`);
  return lines.join('\n');
}
