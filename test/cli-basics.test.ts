/**
 * The CLI's version flag and its messages for bad options (lib/cli/options.ts
 * and the range checks in lib/cli/args.ts), run as `node dist/cli/main.js`.
 * Oracles: package.json's version; the exact message each misuse must print
 * (the option, what was expected, what was received), on stderr with exit
 * code 1, and never Node's own parseArgs wording.
 */
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, flowcast, root } from './helpers/cli.js';

const fixture = join(root, 'test', 'fixtures', 'btc_2017-01-01_03.csv');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const tmp = mkdtempSync(join(tmpdir(), 'flowcast-cli-basics-'));
const model = join(tmp, 'm.safetensors');

t.before(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run 'npm run build:ts' (npm test does it first)`);
});
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

t.test('--version and -v print the package version', async (t) => {
  for (const flag of ['--version', '-v']) {
    const r = await flowcast([flag]);
    t.same(r, { code: 0, stdout: `${version}\n`, stderr: '' }, flag);
  }
  t.match((await flowcast(['--help'])).stdout, /'flowcast --version' for the version/, 'the help names it');
});

t.test('flowcast datasets lists the shipped data sets and prints a path for --data', async (t) => {
  const list = await flowcast(['datasets', '--json']);
  t.equal(list.code, 0, list.stderr);
  const entries = JSON.parse(list.stdout) as { name: string; path: string; rows: number }[];
  t.same(entries.map((d) => d.name), ['btc-2017h1', 'taylor'], 'the catalogue, in order');
  const taylor = entries.find((d) => d.name === 'taylor')!;
  t.equal(taylor.path, join(root, 'data', 'taylor_electricity_halfhourly.csv.gz'), 'absolute path into data/');
  t.same(await flowcast(['datasets', '--path', 'taylor']), { code: 0, stdout: `${taylor.path}\n`, stderr: '' }, '--path prints only the path');
  const table = await flowcast(['datasets']);
  t.match(table.stdout, /^taylor\n.*\n  4032 rows; time time; values demand_MW\n  file: .*taylor_electricity_halfhourly\.csv\.gz\n  from: R package forecast/m, 'the table names rows, columns, file and origin');
  const bad = await flowcast(['datasets', '--path', 'btc']);
  t.same(bad, { code: 1, stdout: '', stderr: `flowcast datasets: Expected one of 'btc-2017h1', 'taylor' for --path but received "btc" of type string\n` }, 'an unknown name');
  const baseline = await flowcast(['baseline', '--data', taylor.path, '--time', 'time', '--column', 'demand_MW', '--period', '48', '--holdout', '48', '--fit-last', '672', '--json']);
  t.equal(baseline.code, 0, `the path works as --data: ${baseline.stderr}`);
});

// Parseargs's own wording for these cases, which must never reach the user.
const NODE_WORDING = /ambiguous|Unknown option|argument missing|does not take an argument|Unexpected argument|To specify/;

const train = ['train', '--data', fixture, '--out', model];
const cases: [string, string[], string][] = [
  ['negative --epochs', [...train, '--epochs', '-3'], 'flowcast train: Expected positive integer for --epochs but received "-3"'],
  ['--epochs=-3', [...train, '--epochs=-3'], 'flowcast train: Expected positive integer for --epochs but received "-3"'],
  ['zero --batch-size', [...train, '--batch-size', '0'], 'flowcast train: Expected positive integer for --batch-size but received "0"'],
  ['fractional --lags', [...train, '--lags', '1.5'], 'flowcast train: Expected positive integer for --lags but received "1.5"'],
  ['negative --learning-rate', [...train, '--learning-rate', '-1e-3'], 'flowcast train: Expected positive number for --learning-rate but received "-1e-3"'],
  ['infinite --learning-rate', [...train, '--learning-rate', '-Infinity'], 'flowcast train: Expected positive number for --learning-rate but received "-Infinity"'],
  ['negative --seed', [...train, '--seed', '-1'], 'flowcast train: Expected non-negative integer for --seed but received "-1"'],
  ['text --epochs', [...train, '--epochs', 'ten'], 'flowcast train: Expected positive integer for --epochs but received "ten"'],
  ['negative unit', [...train, '--units', '32,-16'], 'flowcast train: Expected positive integer for --units but received "-16"'],
  ['demo: negative --epochs', ['demo', '--epochs', '-1'], 'flowcast demo: Expected positive integer for --epochs but received "-1"'],
  ['baseline: negative --holdout', ['baseline', '--data', fixture, '--holdout', '-5'], 'flowcast baseline: Expected positive integer for --holdout but received "-5"'],
  ['backtest: negative --horizon', ['backtest', '--horizon', '-2'], 'flowcast backtest: Expected positive integer for --horizon but received "-2"'],
  ['a value missing at the end', [...train, '--epochs'], 'flowcast train: Expected a value after --epochs but received nothing'],
  ['a value missing before an option', ['train', '--epochs', '--json'], 'flowcast train: Expected a value after --epochs but received the option "--json"'],
  ['a value given to a flag', ['train', '--json=yes'], 'flowcast train: Expected no value for --json (a flag) but received "yes"'],
  ['an unknown option', ['evaluate', '--epoch', '3'], 'flowcast evaluate: Expected one of --model, --data, --range, --duplicates, --json, --help but received unknown option "--epoch"'],
  ['a stray argument', ['evaluate', 'model.safetensors'], 'flowcast evaluate: Expected an option (--model, --data, --range, --duplicates, --json, --help) but received "model.safetensors"'],
];

// Each run is a Node start-up (about 1 s here); run them side by side.
const results = Promise.all(cases.map(([, args]) => flowcast(args)));
cases.forEach(([name, , message], i) => {
  t.test(name, async (t) => {
    const r = (await results)[i]!;
    t.equal(r.code, 1, 'exit code 1');
    t.equal(r.stderr, `${message}\n`, 'the CLI\'s own message');
    t.notMatch(r.stderr, NODE_WORDING, 'not parseArgs\'s');
    t.equal(r.stdout, '', 'nothing on stdout');
    t.notOk(existsSync(model), 'no model written');
  });
});
