/**
 * `flowcast train`'s model options, end to end as a user runs them
 * (`node dist/cli/main.js train ...`, lib/cli/train-command.ts): --cell,
 * --dropout, --loss, --optimizer, --validation-split, --early-stopping,
 * --threads, each on one day of the committed bitcoin slice with tiny layers.
 *
 * Oracles: the saved model itself (its layer configs and compile config, read
 * back with loadModel); torch.nn's parameter counts for GRU and RNN
 * (3H(I + H + 2) and H(I + H + 2), plus the Dense head H + 1); each reported
 * validation loss recomputed here from the saved model's predictions on the
 * last fraction of the training windows (Sequential.fit's split, floor(n (1 - f))
 * training samples), to 1e-6 relative (float32 predictions); the early-stopping
 * rule (Keras's) replayed on the reported losses. Bad values: the exact CLI
 * message, exit code 1.
 */
import t from 'tap';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv } from '../lib/data/csv.js';
import { Series } from '../lib/data/series.js';
import { ForecastPipeline } from '../lib/data/pipeline.js';
import { loadModel } from '../lib/model/load.js';
import { cli, flowcast, root } from './helpers/cli.js';

const fixture = join(root, 'test', 'fixtures', 'btc_2017-01-01_03.csv');
const tmp = mkdtempSync(join(tmpdir(), 'flowcast-cli-train-options-'));
t.before(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run 'npm run build:ts' (npm test does it first)`);
});
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

let runs = 0;
/** Train on 2017-01-01 (958 windows of 10 lags) with 4 units, 1 epoch unless given; the JSON report and the model path. */
async function train(extra: string[]) {
  const out = join(tmp, `m${runs++}.safetensors`);
  const r = await flowcast(['train', '--data', fixture, '--out', out, '--train', '2017-01-01,2017-01-02', '--units', '4', '--epochs', '1', '--quiet', '--json', ...extra]);
  if (r.code !== 0) throw new Error(`flowcast train ${extra.join(' ')}: exit ${r.code}\n${r.stderr}`);
  return { report: JSON.parse(r.stdout), out };
}

/** The loss of the saved model on the validation windows that fit() held out (the last fraction f). */
async function validationLoss(modelPath: string, f: number, loss: 'mse' | 'mae' | 'huber'): Promise<number> {
  const model = await loadModel(modelPath);
  try {
    const series = Series.fromTable(await readCsv(fixture), { time: 'Timestamp', timeUnit: 's', values: ['Close'] });
    const levels = series.slice('2017-01-01', '2017-01-02').values('Close');
    const { x, y } = ForecastPipeline.fromJSON(model.pipeline).windows(levels);
    const n = x.shape[0]!;
    const nTrain = Math.floor(n * (1 - f));
    const per = x.data.length / n;
    const xv = { data: x.data.subarray(nTrain * per), shape: [n - nTrain, ...x.shape.slice(1)] };
    const pred = (await model.predict(xv)).data;
    const target = y.data.subarray(nTrain);
    let sum = 0;
    for (let i = 0; i < target.length; i++) {
      const e = Math.abs(pred[i]! - target[i]!);
      sum += loss === 'mse' ? e * e : loss === 'mae' ? e : e < 1 ? (e * e) / 2 : e - 0.5;
    }
    return sum / target.length;
  } finally {
    model.dispose();
  }
}

t.test('--cell gru and --cell rnn build those cells (torch.nn parameter counts)', async (t) => {
  for (const [cell, params] of [['gru', 3 * 4 * (1 + 4 + 2) + 5], ['rnn', 4 * (1 + 4 + 2) + 5]] as const) {
    const { report, out } = await train(['--cell', cell]);
    t.same(report.model.layers, [`${cell}(4)`, 'dense(1, tanh)'], `${cell}: layers`);
    t.equal(report.model.cell, cell);
    t.equal(report.model.parameters, params, `${cell}: ${params} parameters`);
    const model = await loadModel(out);
    t.same(model.config.layers.map((l) => l.type), [cell, 'dense'], `${cell}: the saved model's layers`);
    model.dispose();
  }
  const { report } = await train([]);
  t.same(report.model.layers, ['lstm(4)', 'dense(1, tanh)'], 'lstm is the default');
});

t.test('--dropout puts a dropout layer after each recurrent layer', async (t) => {
  const { report, out } = await train(['--units', '4,3', '--dropout', '0.25']);
  t.same(report.model.layers, ['lstm(4)', 'dropout(0.25)', 'lstm(3)', 'dropout(0.25)', 'dense(1, tanh)']);
  const model = await loadModel(out);
  t.same(model.config.layers.filter((l) => l.type === 'dropout'), [{ type: 'dropout', rate: 0.25 }, { type: 'dropout', rate: 0.25 }], 'saved with the model');
  model.dispose();
});

t.test('--loss and --validation-split: the reported validation loss is that loss on the held-out windows', async (t) => {
  for (const loss of ['mae', 'huber', 'mse'] as const) {
    const { report, out } = await train(['--loss', loss, '--validation-split', '0.25']);
    t.equal(report.training.loss_function, loss);
    t.equal(report.training.validation_split, 0.25);
    t.equal(report.training.val_loss.length, 1, 'one validation loss per epoch');
    const model = await loadModel(out);
    t.equal(model.compileConfig!.loss, loss, `${loss}: the saved model's compiled loss`);
    model.dispose();
    const expected = await validationLoss(out, 0.25, loss);
    const got = report.training.val_loss[0];
    t.ok(Math.abs(got - expected) <= 1e-6 * expected, `${loss}: val_loss ${got} vs ${expected} recomputed on the last 240 of 958 windows`);
  }
});

t.test("--optimizer chooses the optimizer; --learning-rate defaults to that optimizer's", async (t) => {
  for (const [name, lr] of [['sgd', 0.01], ['rmsprop', 0.01], ['adamw', 0.001], ['adam', 0.001]] as const) {
    const { report, out } = await train(['--optimizer', name]);
    t.equal(report.training.optimizer, name);
    t.equal(report.training.learning_rate, lr, `${name}: default learning rate ${lr}`);
    const model = await loadModel(out);
    t.equal(model.compileConfig!.optimizer.type, name, `${name}: saved`);
    t.equal(model.compileConfig!.optimizer.learningRate, lr);
    model.dispose();
  }
  const { report } = await train(['--optimizer', 'sgd', '--learning-rate', '0.3']);
  t.equal(report.training.learning_rate, 0.3, 'an explicit rate wins');
});

t.test('--early-stopping PATIENCE stops as Keras does and keeps the best weights', async (t) => {
  // Learning rate 0.05 makes the validation loss turn up within 8 epochs (seed 0): the run stops early.
  const { report, out } = await train(['--epochs', '8', '--learning-rate', '0.05', '--validation-split', '0.25', '--early-stopping', '1']);
  const val: number[] = report.training.val_loss;
  const es = report.training.early_stopping;
  t.equal(es.monitor, 'val_loss');
  t.ok(report.training.epochs_run < 8, `stopped after ${report.training.epochs_run} of 8 epochs`);
  // Keras's rule: stop once `patience` epochs in a row fail to lower the best value.
  let best = Infinity;
  let bestEpoch = 0;
  let stop = 0;
  for (let e = 0; e < val.length && stop === 0; e++) {
    if (val[e]! < best) [best, bestEpoch] = [val[e]!, e + 1];
    else if (e + 1 - bestEpoch >= 1) stop = e + 1;
  }
  t.equal(es.best_epoch, bestEpoch, 'best epoch: the lowest validation loss');
  t.equal(report.training.epochs_run, stop, 'stopped at the first epoch the rule says');
  const saved = await validationLoss(out, 0.25, 'mse');
  t.ok(Math.abs(saved - best) <= 1e-6 * best, `the saved weights are the best epoch's: ${saved} vs ${best}`);
  const onLoss = await train(['--epochs', '2', '--early-stopping', '3']);
  t.equal(onLoss.report.training.early_stopping.monitor, 'loss', 'without --validation-split it watches the training loss');
  t.equal(onLoss.report.training.epochs_run, 2, 'patience 3 > epochs: every epoch runs');
});

t.test('--threads sets the native thread count for the run', async (t) => {
  for (const n of [1, 2]) {
    const { report } = await train(['--threads', String(n)]);
    t.equal(report.training.threads, n, `${n} thread(s)`);
  }
});

t.test('bad values get the CLI message, naming the option', async (t) => {
  const base = ['train', '--data', fixture, '--out', join(tmp, 'never.safetensors')];
  const cases: [string[], string][] = [
    [['--cell', 'lstm2'], `Expected one of 'lstm', 'gru', 'rnn' for --cell but received "lstm2" of type string`],
    [['--dropout', '1'], 'Expected a number in [0, 1) for --dropout but received "1"'],
    [['--dropout', '-0.1'], 'Expected a number in [0, 1) for --dropout but received "-0.1"'],
    [['--loss', 'l1'], `Expected one of 'mse', 'mae', 'huber' for --loss but received "l1" of type string`],
    [['--optimizer', 'adagrad'], `Expected one of 'adam', 'adamw', 'sgd', 'rmsprop' for --optimizer but received "adagrad" of type string`],
    [['--validation-split', '0'], 'Expected a number in (0, 1) for --validation-split but received "0"'],
    [['--validation-split', 'half'], 'Expected a number in (0, 1) for --validation-split but received "half"'],
    [['--early-stopping', '-1'], 'Expected non-negative integer for --early-stopping but received "-1"'],
    [['--threads', '5000'], 'Expected integer from 1 to 1024 for --threads but received "5000"'],
    [['--units', '8,100000'], 'Expected integer from 1 to 65536 for --units but received "100000"'],
    [['--early-stopping', '2.5'], 'Expected non-negative integer for --early-stopping but received "2.5"'],
    [['--threads', '0'], 'Expected positive integer for --threads but received "0"'],
  ];
  for (const [args, message] of cases) {
    const r = await flowcast([...base, ...args]);
    t.same([r.code, r.stdout, r.stderr], [1, '', `flowcast train: ${message}\n`], args.join(' '));
  }
});

t.test('--help lists each option with its default', async (t) => {
  const r = await flowcast(['train', '--help']);
  t.equal(r.code, 0);
  for (const line of [
    /--cell C {12}recurrent cell: lstm\|gru\|rnn \(default lstm\)/,
    /--dropout RATE {6}dropout after each recurrent layer, in \[0, 1\) \(default 0: none\)/,
    /--loss L {12}mse\|mae\|huber \(default mse\)/,
    /--optimizer O {7}adam\|adamw\|sgd\|rmsprop \(default adam\)/,
    /--learning-rate X {3}the optimizer's learning rate \(default 0.001 for adam\s+and adamw, 0.01 for sgd and rmsprop\)/,
    /--validation-split F {2}hold out the last fraction F[\s\S]*\(default: none\)/,
    /--early-stopping PATIENCE {2}stop after PATIENCE epochs[\s\S]*\(default: off; run every epoch\)/,
    /--threads N {9}native threads \(default: FLOWCAST_THREADS, else every\s+core/,
    /--duplicates D {6}rows that share a timestamp[\s\S]*error \(refuse; default\)/,
  ]) {
    t.match(r.stdout, line);
  }
});
