/**
 * `--duplicates` on every command that reads a data file, run as a user
 * would (`node dist/cli/main.js ...`), on test/fixtures/metro_traffic_2012-11-04_dst.csv:
 * eight rows of ../shared/data/metro_interstate_traffic_volume_hourly.csv (UCI
 * "Metro Interstate Traffic Volume", CC BY 4.0) around the end of daylight
 * saving time, whose local hour 2012-11-04 01:00 appears twice (rows 3 and 4).
 *
 * Oracles: the refusal message (the option, the first repeated time in ISO,
 * its rows), exit code 1, for each command by default; with --duplicates, the
 * values the commands report, against the fixture's cells (7 distinct hours;
 * traffic 730 at 01:00 in both copies); a model trained with --duplicates
 * reads new data the same way unless told otherwise.
 */
import t from 'tap';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, flowcast, root } from './helpers/cli.js';

const metro = join(root, 'test', 'fixtures', 'metro_traffic_2012-11-04_dst.csv');
const tmp = mkdtempSync(join(tmpdir(), 'flowcast-cli-duplicates-'));
const model = join(tmp, 'traffic.safetensors');
t.before(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run 'npm run build:ts' (npm test does it first)`);
});
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

const series = ['--data', metro, '--time', 'time', '--column', 'traffic_volume'];
const refusal =
  'Expected unique timestamps for column "time" but rows 3 and 4 have the same timestamp 2012-11-04T01:00:00.000Z ' +
  "(the first duplicate timestamp; 1 timestamp repeats in all); pass options.duplicates: 'first', 'last' or 'mean' " +
  'to keep one row per time (flowcast CLI: --duplicates)\n';

t.test('train, baseline, adf and demo refuse a repeated hour by default, naming the option and the rows', async (t) => {
  const commands: [string, string[]][] = [
    ['train', ['train', ...series, '--out', join(tmp, 'never.safetensors'), '--lags', '2', '--units', '2', '--epochs', '1']],
    ['baseline', ['baseline', ...series, '--period', '1', '--holdout', '2']],
    ['adf', ['adf', ...series]],
  ];
  for (const [name, args] of commands) {
    const r = await flowcast(args);
    t.same([r.code, r.stdout, r.stderr], [1, '', `flowcast ${name}: ${refusal}`], name);
  }
  // The demo reads Timestamp/Close; a file with a repeated Timestamp gets the same refusal.
  const dup = join(tmp, 'dup.csv');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(dup, 'Timestamp,Close\n60,1\n120,2\n120,3\n180,4\n');
  const demo = await flowcast(['demo', '--data', dup, '--epochs', '1', '--quiet']);
  t.equal(demo.code, 1);
  t.match(demo.stderr, /^flowcast demo: Expected unique timestamps for column "Timestamp" but rows 1 and 2 have the same timestamp 1970-01-01T00:02:00.000Z .*--duplicates/);
});

t.test('train --duplicates mean: one row per hour; predict, evaluate and backtest follow the saved choice', async (t) => {
  const tr = await flowcast(['train', ...series, '--out', model, '--duplicates', 'mean', '--lags', '2', '--units', '2', '--epochs', '1', '--batch-size', '2', '--quiet', '--json', '--test', '2012-11-03,2012-11-05']);
  t.equal(tr.code, 0, tr.stderr);
  const report = JSON.parse(tr.stdout);
  t.equal(report.data.rows, 7, '8 rows, 7 distinct hours');
  t.equal(report.data.duplicates, 'mean');
  t.equal(report.data.test.samples, 7, '7 hours: 7 windows (zero-padded at the start)');
  const table = await flowcast(['train', ...series, '--out', join(tmp, 't2.safetensors'), '--duplicates', 'first', '--lags', '2', '--units', '2', '--epochs', '1', '--quiet', '--test', '2012-11-03,2012-11-05']);
  t.equal(table.code, 0, table.stderr);
  t.match(table.stdout, /RMSE traffic_volume  MAE traffic_volume\n/, "the table's unit is the column's name");
  t.match(table.stdout, /column traffic_volume, duplicates: first/);

  const predicted = await flowcast(['predict', '--model', model, '--data', metro]);
  t.equal(predicted.code, 0, predicted.stderr);
  const rows = predicted.stdout.trim().split('\n');
  t.equal(rows[0], 'time,actual,predicted,naive');
  t.equal(rows.length - 1, 7, 'one forecast per hour');
  t.same(rows.map((r) => r.slice(0, 16)).slice(1), ['2012-11-03 22:00', '2012-11-03 23:00', '2012-11-04 00:00', '2012-11-04 01:00', '2012-11-04 02:00', '2012-11-04 03:00', '2012-11-04 05:00'], '01:00 once');
  t.match(rows[4]!, /^2012-11-04 01:00,730,[-\d.e]+,2125$/, 'its traffic 730; naive = the 00:00 value');
  const evaluated = await flowcast(['evaluate', '--model', model, '--data', metro, '--json']);
  t.equal(evaluated.code, 0, evaluated.stderr);
  t.equal(JSON.parse(evaluated.stdout).samples, 7);
  const backtested = await flowcast(['backtest', '--model', model, '--data', metro, '--initial', '4', '--horizon', '2', '--json']);
  t.equal(backtested.code, 0, backtested.stderr);
  t.equal(JSON.parse(backtested.stdout).values, 7);
  const overridden = await flowcast(['evaluate', '--model', model, '--data', metro, '--duplicates', 'error']);
  t.same([overridden.code, overridden.stderr], [1, `flowcast evaluate: ${refusal}`], '--duplicates overrides the saved choice');
});

t.test('baseline and adf --duplicates last|first read the hourly values', async (t) => {
  const adf = await flowcast(['adf', ...series, '--duplicates', 'last', '--json']);
  t.equal(adf.code, 0, adf.stderr);
  t.equal(JSON.parse(adf.stdout).values, 7);
  const baseline = await flowcast(['baseline', ...series, '--duplicates', 'first', '--period', '1', '--holdout', '2', '--json']);
  t.equal(baseline.code, 0, baseline.stderr);
  const out = JSON.parse(baseline.stdout);
  t.equal(out.values, 7);
  // The holdout is the last 2 hourly values, 223 (03:00) and 488 (05:00); naive forecasts both from 345 (02:00).
  const naive = out.baselines.find((b: { method: string }) => b.method.startsWith('naive'));
  t.equal(naive.rmse, Math.sqrt(((223 - 345) ** 2 + (488 - 345) ** 2) / 2), 'naive from 02:00 (345) on 03:00 (223) and 05:00 (488)');
});

t.test('a bad --duplicates value names the option and the choices', async (t) => {
  for (const args of [['adf', ...series], ['train', ...series, '--out', join(tmp, 'never.safetensors')], ['evaluate', '--model', model, '--data', metro]]) {
    const r = await flowcast([...args, '--duplicates', 'max']);
    t.same([r.code, r.stderr], [1, `flowcast ${args[0]}: Expected one of 'error', 'first', 'last', 'mean' for --duplicates but received "max" of type string\n`], args[0]!);
  }
  for (const command of ['demo', 'train', 'predict', 'evaluate', 'backtest', 'baseline', 'adf']) {
    t.match((await flowcast([command, '--help'])).stdout, /--duplicates D {6}rows that share a timestamp/, `${command} --help`);
  }
});
