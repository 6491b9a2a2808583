#!/usr/bin/env node
/**
 * The flowcast command line: demo, train, predict, evaluate.
 * Progress goes to stderr; results (tables or --json) to stdout.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseOptions } from './options.js';
import { FlowcastError, InvalidArgumentError } from '../core/errors.js';
import { evaluateForecast } from '../model/evaluate-forecast.js';
import { datasets } from '../data/datasets.js';
import { VERSION } from '../core/version.js';
import { modelAndLevels, parseIntOption, parseRange, parseSeedOption, writeForecasts } from './args.js';
import { BACKTEST_HELP, backtestCommand } from './backtest-command.js';
import { DATASETS_HELP, datasetsCommand } from './datasets-command.js';
import { BUILD_HELP, buildCommand } from './build-command.js';
import { DOCTOR_HELP, doctorCommand } from './doctor-command.js';
import { EXPORT_HELP, exportCommand, predictOnnx } from './onnx-commands.js';
import { DUPLICATES_HELP, DUPLICATES_MODEL_HELP, DUPLICATES_OPTION, parseDuplicates } from './duplicates-option.js';
import { ADF_HELP, BASELINE_HELP, adfCommand, baselineCommand } from './stats-commands.js';
import { TRAIN_HELP, trainCommand } from './train-command.js';
import { formatReport, levelScores, runWorkflow, type WorkflowOptions } from './workflow.js';

export const BOOK_DATA = datasets.path('btc-2017h1');

const HELP: Record<string, string> = {
  main: `Usage: flowcast <command> [options]

Commands:
  demo       the textbook workflow on the shipped bitcoin minute data
  train      train an LSTM forecaster on a CSV or Arrow file
  predict    one-step forecasts in the data's units from a saved model
  evaluate   score a saved model against the naive forecast
  backtest   walk a saved model forward beside naive, drift, ETS and Theta
  export     write a saved model as ONNX for onnxruntime
  baseline   score the simple baselines (naive, seasonal naive, drift, ...) on a series
  adf        stationarity tests (ADF, KPSS) on a series
  datasets   the data sets shipped with flowcast, and their paths
  doctor     which native binary, kernels and threads run, and why; problems and fixes
  build-from-source  compile the native addon for this machine (installs never compile)

Run 'flowcast <command> --help' for its options, 'flowcast --version' for the version.`,
  demo: `Usage: flowcast demo [--epochs N] [--data FILE] [--json] [options]

Reproduces the textbook chapter: bitcoin 1-minute Close prices, first
differences, min-max scaling to [-1, 1] fitted on training data, 10 lags,
LSTM(100, stateful, returnSequences) -> LSTM(100, stateful) -> Dense(1, tanh),
Adam (lr 0.001), MSE, batch 100; train 2017-01-01 < t <= 2017-05-31, test
2017-06-01 < t <= 2017-06-30. Reports RMSE of the LSTM and of the naive
forecast, in scaled differences and in US dollars.

Options:
  --epochs N          training epochs (default 10)
  --data FILE         CSV/Arrow file with Timestamp (epoch s) and Close
                      (default: the shipped Bitfinex 2017H1 data)
${DUPLICATES_HELP}
  --train START,END   training range (default 2017-01-01,2017-05-31)
  --test START,END    test range (default 2017-06-01,2017-06-30)
  --seed N            weight initialization seed (default 0)
  --save FILE         save the trained model and its pipeline (.safetensors)
  --plot FILE.svg     draw the first 300 test forecasts (LSTM, naive) and the price
  --json              print one JSON object on stdout instead of a table
  --quiet             no progress bar`,
  train: TRAIN_HELP,
  predict: `Usage: flowcast predict (--model MODEL | --onnx FILE) --data FILE [--range START,END] [--out FILE]

One-step-ahead forecasts in the data's own units (the value column's: USD
for prices, MW for load), made by the saved model and its saved pipeline, or
by an ONNX model exported with --pipeline, run in onnxruntime-node (rows with
a full window of past levels).

Options:
  --model MODEL       a model saved by 'flowcast train --out' or model.save()
  --onnx FILE         an ONNX model from 'flowcast export --pipeline'
  --data FILE         CSV or Arrow file with the model's time and value columns
  --range START,END   only this time range (bounds as saved with the model)
  --out FILE          write time,actual,predicted,naive as CSV (default: stdout)
${DUPLICATES_MODEL_HELP}`,
  evaluate: `Usage: flowcast evaluate --model MODEL --data FILE [--range START,END] [--json]

RMSE and MAE of the model and of the naive and drift forecasts on the same
targets, in scaled units and in the data's units (rmse_level, mae_level).

Options:
  --model MODEL       a model saved by 'flowcast train --out' or model.save()
  --data FILE         CSV or Arrow file with the model's time and value columns
  --range START,END   only this time range (bounds as saved with the model)
${DUPLICATES_MODEL_HELP}
  --json              print the scores as JSON`,
  export: EXPORT_HELP,
  baseline: BASELINE_HELP,
  adf: ADF_HELP,
  backtest: BACKTEST_HELP,
  datasets: DATASETS_HELP,
  doctor: DOCTOR_HELP,
  'build-from-source': BUILD_HELP,
};

function range(value: string | undefined, name: string, fallback?: [string, string]): [string, string] | undefined {
  return value === undefined ? fallback : parseRange(name, value);
}

async function demo(argv: string[]): Promise<void> {
  const { values } = parseOptions({
    args: argv,
    options: {
      epochs: { type: 'string' },
      data: { type: 'string' },
      ...DUPLICATES_OPTION,
      train: { type: 'string' },
      test: { type: 'string' },
      seed: { type: 'string' },
      save: { type: 'string' },
      plot: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void console.log(HELP.demo);
  const options: WorkflowOptions = {
    data: values.data ?? BOOK_DATA,
    time: 'Timestamp',
    timeUnit: 's',
    column: 'Close',
    duplicates: parseDuplicates(values.duplicates),
    train: range(values.train, '--train', ['2017-01-01', '2017-05-31'])!,
    test: range(values.test, '--test', ['2017-06-01', '2017-06-30']),
    bounds: '(]',
    lags: 10,
    cell: 'lstm',
    units: [100, 100],
    stateful: true,
    dropout: 0,
    activation: 'tanh',
    loss: 'mse',
    optimizer: 'adam',
    epochs: parseIntOption('--epochs', values.epochs, 10),
    batchSize: 100,
    learningRate: 0.001,
    seed: parseSeedOption('--seed', values.seed),
    progress: !values.quiet,
    save: values.save,
    plot: values.plot,
  };
  report(await runWorkflow(options), Boolean(values.json));
}

async function predict(argv: string[]): Promise<void> {
  const { values } = parseOptions({
    args: argv,
    options: {
      model: { type: 'string' },
      onnx: { type: 'string' },
      data: { type: 'string' },
      range: { type: 'string' },
      out: { type: 'string' },
      ...DUPLICATES_OPTION,
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void console.log(HELP.predict);
  if (values.onnx !== undefined) {
    if (values.model !== undefined) throw new InvalidArgumentError('--onnx', 'Expected either --model or --onnx but received both');
    return predictOnnx(values);
  }
  const { model, pipeline, series, levels } = await modelAndLevels(values);
  try {
    const ev = await evaluateForecast(model, pipeline, levels);
    const { levels: predicted, naiveLevels, targetIndex } = ev.predictions;
    await writeForecasts(values.out, series, levels, targetIndex, predicted, naiveLevels);
  } finally {
    model.dispose();
  }
}

async function evaluate(argv: string[]): Promise<void> {
  const { values } = parseOptions({
    args: argv,
    options: { model: { type: 'string' }, data: { type: 'string' }, range: { type: 'string' }, ...DUPLICATES_OPTION, json: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) return void console.log(HELP.evaluate);
  const { model, pipeline, levels } = await modelAndLevels(values);
  try {
    const ev = await evaluateForecast(model, pipeline, levels);
    const out = {
      samples: ev.samples,
      level_samples: ev.levelSamples,
      model: levelScores(ev.model),
      naive: levelScores(ev.naive),
      drift: levelScores(ev.drift),
      skill_vs_naive: ev.skillVsNaive,
      skill_vs_drift: ev.skillVsDrift,
    };
    if (values.json) return void console.log(JSON.stringify(out, null, 2));
    // The data's unit is its column's name (Close, demand_MW, traffic_volume).
    const unit = String(pipeline.source.column ?? 'Close');
    const width = Math.max(13, unit.length + 7);
    console.log(`Samples ${ev.samples} (${ev.levelSamples} in ${unit})`);
    console.log(`              RMSE scaled   MAE scaled${`RMSE ${unit}`.padStart(width)}${`MAE ${unit}`.padStart(width - 1)}`);
    for (const [name, s] of [['model', ev.model], ['naive', ev.naive], ['drift', ev.drift]] as const) {
      console.log(`  ${name.padEnd(10)}${s.rmse.toFixed(5).padStart(12)}${s.mae.toFixed(5).padStart(13)}${s.rmseLevel.toFixed(4).padStart(width)}${s.maeLevel.toFixed(4).padStart(width - 1)}`);
    }
    console.log(`  skill vs naive: ${ev.skillVsNaive.toFixed(4)}, vs drift: ${ev.skillVsDrift.toFixed(4)}`);
  } finally {
    model.dispose();
  }
}

function report(r: Awaited<ReturnType<typeof runWorkflow>>, json: boolean): void {
  if (json) console.log(JSON.stringify(r, null, 2));
  else console.log(formatReport(r));
}

// A command's exit status: 0 when it returns nothing (doctor --strict returns its own).
const COMMANDS: Record<string, (argv: string[]) => Promise<void | number>> = {
  demo,
  train: trainCommand,
  predict,
  evaluate,
  export: exportCommand,
  baseline: baselineCommand,
  adf: adfCommand,
  backtest: backtestCommand,
  datasets: datasetsCommand,
  doctor: doctorCommand,
  'build-from-source': buildCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP.main);
    return command === undefined ? 1 : 0;
  }
  if (command === '--version' || command === '-v') {
    console.log(VERSION);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    console.error(`flowcast: unknown command '${command}'\n\n${HELP.main}`);
    return 1;
  }
  try {
    return (await run(rest)) ?? 0;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (err instanceof FlowcastError || e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      console.error(`flowcast ${command}: ${e.message}`);
    } else {
      console.error(`flowcast ${command}: ${e.stack ?? e.message}`);
    }
    return 1;
  }
}

// Run when executed directly (bin or `node dist/cli/main.js`), not when imported by tests.
function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
if (invokedDirectly()) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
