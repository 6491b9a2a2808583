/**
 * `flowcast train`: the workflow of lib/cli/workflow.ts on any CSV or Arrow
 * file, with the model choices of the TypeScript API: the recurrent cell,
 * dropout, the loss, the optimizer, a validation split, early stopping and
 * the thread count.
 */
import { LIMITS } from '../core/limits.js';
import { InvalidArgumentError } from '../core/errors.js';
import type { DenseActivation } from '../model/layers.js';
import { oneOf } from '../core/validate.js';
import { parseCountOption, parseFractionOption, parseIntOption, parseNumberOption, parseRange, parseSeedOption } from './args.js';
import { DUPLICATES_HELP, DUPLICATES_OPTION, parseDuplicates } from './duplicates-option.js';
import { parseOptions } from './options.js';
import { CELLS, LOSSES, OPTIMIZERS, formatReport, runWorkflow, type WorkflowOptions } from './workflow.js';

export const TRAIN_HELP = `Usage: flowcast train --data FILE --out MODEL [options]

Options:
  --data FILE         CSV (optionally .gz) or Arrow IPC file
  --out MODEL         where to save the model (.safetensors)
  --time NAME         time column (default Timestamp)
  --time-unit s|ms    unit of a numeric time column (default s)
  --column NAME       value column to forecast (default Close)
${DUPLICATES_HELP}
  --train START,END   training range (default: all rows)
  --test START,END    also score on this range against the naive forecast
  --bounds B          slice bounds: '[)' half-open (default) or '(]' (the book's start < t <= end)
  --lags N            window length (default 10)
  --cell C            recurrent cell: lstm|gru|rnn (default lstm)
  --units A,B,...     recurrent layer sizes (default 100,100)
  --stateful          stateful recurrent layers (Keras semantics)
  --dropout RATE      dropout after each recurrent layer, in [0, 1) (default 0: none)
  --activation A      Dense head activation: linear|tanh|sigmoid|relu (default tanh)
  --loss L            mse|mae|huber (default mse)
  --optimizer O       adam|adamw|sgd|rmsprop (default adam)
  --learning-rate X   the optimizer's learning rate (default 0.001 for adam
                      and adamw, 0.01 for sgd and rmsprop)
  --epochs N          (default 10)   --batch-size N (default 100)
  --validation-split F  hold out the last fraction F of the training samples,
                      in (0, 1), and report their loss per epoch (default: none)
  --early-stopping PATIENCE  stop after PATIENCE epochs without a lower loss
                      (the validation loss with --validation-split, else the
                      training loss) and keep the best epoch's weights
                      (default: off; run every epoch)
  --threads N         native threads (default: FLOWCAST_THREADS, else every
                      core; results are the same at any count)
  --seed N            (default 0)
  --plot FILE.svg     draw the first 300 test forecasts (needs --test)
  --json              print the report as JSON
  --quiet             no progress bar`;

export async function trainCommand(argv: string[]): Promise<void> {
  const { values } = parseOptions({
    args: argv,
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      time: { type: 'string' },
      'time-unit': { type: 'string' },
      column: { type: 'string' },
      ...DUPLICATES_OPTION,
      train: { type: 'string' },
      test: { type: 'string' },
      bounds: { type: 'string' },
      lags: { type: 'string' },
      cell: { type: 'string' },
      units: { type: 'string' },
      stateful: { type: 'boolean' },
      dropout: { type: 'string' },
      activation: { type: 'string' },
      loss: { type: 'string' },
      optimizer: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      'learning-rate': { type: 'string' },
      'validation-split': { type: 'string' },
      'early-stopping': { type: 'string' },
      threads: { type: 'string' },
      seed: { type: 'string' },
      plot: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void console.log(TRAIN_HELP);
  if (!values.data) throw new InvalidArgumentError('--data', 'Expected a file for --data but received nothing');
  if (!values.out) throw new InvalidArgumentError('--out', 'Expected a model path for --out but received nothing');
  const units = (values.units ?? '100,100').split(',').map((u) => parseIntOption('--units', u, 0, LIMITS.units));
  const optimizer = oneOf('--optimizer', values.optimizer ?? 'adam', OPTIMIZERS);
  const options: WorkflowOptions = {
    data: values.data,
    time: values.time ?? 'Timestamp',
    timeUnit: oneOf('--time-unit', values['time-unit'] ?? 's', ['s', 'ms'] as const),
    column: values.column ?? 'Close',
    duplicates: parseDuplicates(values.duplicates),
    train: values.train === undefined ? ['0000-01-01', '9999-12-31'] : parseRange('--train', values.train),
    test: values.test === undefined ? undefined : parseRange('--test', values.test),
    bounds: oneOf('--bounds', values.bounds ?? '[)', ['[)', '(]', '[]', '()'] as const),
    lags: parseIntOption('--lags', values.lags, 10),
    cell: oneOf('--cell', values.cell ?? 'lstm', CELLS),
    units,
    stateful: Boolean(values.stateful),
    dropout: parseFractionOption('--dropout', values.dropout, true) ?? 0,
    activation: oneOf('--activation', values.activation ?? 'tanh', ['linear', 'tanh', 'sigmoid', 'relu'] as const) as DenseActivation,
    loss: oneOf('--loss', values.loss ?? 'mse', LOSSES),
    optimizer,
    epochs: parseIntOption('--epochs', values.epochs, 10),
    batchSize: parseIntOption('--batch-size', values['batch-size'], 100),
    learningRate: values['learning-rate'] === undefined ? undefined : parseNumberOption('--learning-rate', values['learning-rate'], 0),
    validationSplit: parseFractionOption('--validation-split', values['validation-split'], false),
    earlyStopping: parseCountOption('--early-stopping', values['early-stopping']),
    threads: values.threads === undefined ? undefined : parseIntOption('--threads', values.threads, 0, LIMITS.threads),
    seed: parseSeedOption('--seed', values.seed),
    progress: !values.quiet,
    save: values.out,
    plot: values.plot,
  };
  if (options.plot && !options.test) throw new InvalidArgumentError('--plot', 'Expected --test with --plot (the plot shows the test forecasts)');
  const report = await runWorkflow(options);
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
}
