/**
 * The book's whole data pipeline against pandas 1.5.3 / scikit-learn 1.2.1.
 *
 * Oracle: test/fixtures/pipeline_btc.json, written by
 *   /usr/bin/python3 scripts/gen-pipeline-fixture.py
 * from test/fixtures/btc_2017-01-01_03.csv (a byte-exact slice of the Bitfinex
 * file). It runs the chapter's read_data, select_dates (train 2017-01-01 ..
 * 2017-01-02, test 2017-01-02 .. 2017-01-03, mask `start < t <= end`),
 * diff_data (`diff().fillna(0)`), scale_data (MinMaxScaler(-1, 1) fitted on
 * train, test transformed with it) and lag_dataframe(lags=10).
 *
 * Tolerances: row counts and shapes exact; scaler constants 1e-12 relative;
 * X and y 1e-6 absolute (flowcast's tensors are float32, pandas' float64:
 * values in [-1, 1] round by at most 2^-25 ~ 3e-8).
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsv, Series, difference, MinMaxScaler, lagWindows } from '../lib/data/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(here, 'fixtures', 'btc_2017-01-01_03.csv');
const ORACLE = JSON.parse(readFileSync(join(here, 'fixtures', 'pipeline_btc.json'), 'utf8')) as {
  fixture_rows: number;
  train_range: [string, string];
  test_range: [string, string];
  lags: number;
  train_rows: number;
  test_rows: number;
  scaler: { feature_range: [number, number]; data_min_: number[]; data_max_: number[]; scale_: number[]; min_: number[] };
  X_train_shape: number[];
  X_test_shape: number[];
  X_train: number[];
  y_train: number[];
  X_test: number[];
  y_test: number[];
};

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const e = Math.abs(a[i]! - b[i]!);
    if (!(e <= worst)) worst = e;
  }
  return worst;
}

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

t.test('readCsv -> Series -> slice (] -> difference -> MinMaxScaler(-1, 1) -> lagWindows(10) = pandas', async (t) => {
  const table = await readCsv(FIXTURE);
  t.equal(table.numRows, ORACLE.fixture_rows, `fixture rows = ${ORACLE.fixture_rows} (exact)`);
  const series = Series.fromTable(table, { time: 'Timestamp', timeUnit: 's', values: ['Close'] });

  // select_dates: (df.index > start) & (df.index <= end)
  const train = series.slice(ORACLE.train_range[0], ORACLE.train_range[1], { bounds: '(]' });
  const test = series.slice(ORACLE.test_range[0], ORACLE.test_range[1], { bounds: '(]' });
  t.equal(train.length, ORACLE.train_rows, `train rows = pandas ${ORACLE.train_rows} (exact)`);
  t.equal(test.length, ORACLE.test_rows, `test rows = pandas ${ORACLE.test_rows} (exact)`);

  // diff_data: df.diff().fillna(0)
  const dTrain = difference(train.values('Close'), { fill: 'zero' });
  const dTest = difference(test.values('Close'), { fill: 'zero' });

  // scale_data: fit on train only, transform test with the training scaler
  const scaler = new MinMaxScaler({ range: ORACLE.scaler.feature_range });
  const sTrain = scaler.fitTransform(dTrain);
  const sTest = scaler.transform(dTest);
  const o = ORACLE.scaler;
  t.ok(rel(scaler.dataMin[0]!, o.data_min_[0]!) <= 1e-12, `data_min_ ${scaler.dataMin[0]} vs sklearn ${o.data_min_[0]} (1e-12 rel)`);
  t.ok(rel(scaler.dataMax[0]!, o.data_max_[0]!) <= 1e-12, `data_max_ ${scaler.dataMax[0]} vs sklearn ${o.data_max_[0]} (1e-12 rel)`);
  t.ok(rel(scaler.scale[0]!, o.scale_[0]!) <= 1e-12, `scale_ ${scaler.scale[0]} vs sklearn ${o.scale_[0]} (1e-12 rel)`);
  t.ok(rel(scaler.offset[0]!, o.min_[0]!) <= 1e-12, `min_ ${scaler.offset[0]} vs sklearn ${o.min_[0]} (1e-12 rel)`);

  // lag_dataframe(lags=10): zero padding, one sample per row
  const wTrain = lagWindows(sTrain, { lags: ORACLE.lags, padding: 'zero' });
  const wTest = lagWindows(sTest, { lags: ORACLE.lags, padding: 'zero' });
  t.same(wTrain.x.shape, ORACLE.X_train_shape, `X_train shape ${ORACLE.X_train_shape} (exact)`);
  t.same(wTest.x.shape, ORACLE.X_test_shape, `X_test shape ${ORACLE.X_test_shape} (exact)`);
  t.same(wTrain.y.shape, [ORACLE.y_train.length, 1], 'y_train shape');
  t.same(wTest.y.shape, [ORACLE.y_test.length, 1], 'y_test shape');

  const e1 = maxAbs(wTrain.x.data, ORACLE.X_train);
  const e2 = maxAbs(wTrain.y.data, ORACLE.y_train);
  const e3 = maxAbs(wTest.x.data, ORACLE.X_test);
  const e4 = maxAbs(wTest.y.data, ORACLE.y_test);
  t.ok(e1 <= 1e-6, `X_train max abs error ${e1} <= 1e-6 (pandas)`);
  t.ok(e2 <= 1e-6, `y_train max abs error ${e2} <= 1e-6 (pandas)`);
  t.ok(e3 <= 1e-6, `X_test max abs error ${e3} <= 1e-6 (pandas)`);
  t.ok(e4 <= 1e-6, `y_test max abs error ${e4} <= 1e-6 (pandas)`);
  t.equal(maxAbs(sTest, ORACLE.y_test), 0, 'scaled test diffs (float64) equal sklearn exactly');
  const outside = ORACLE.y_test.filter((v) => v < -1 || v > 1).length;
  t.equal(sTest.filter((v) => v < -1 || v > 1).length, outside, `test values outside [-1, 1]: ${outside}, as pandas (training scaler)`);
});
