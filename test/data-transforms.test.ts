/**
 * Differencing, scalers and lag windows (lib/data/difference.ts, scalers.ts, windows.ts).
 *
 * Oracles and tolerances:
 * - difference: pandas `df.diff().fillna(0)` on the committed bitcoin slice
 *   (test/fixtures/pipeline_btc.json, from scripts/gen-pipeline-fixture.py),
 *   exact (one IEEE subtraction per element);
 * - integrate: the original levels; exact for integer data, 1e-9 relative for real data;
 * - MinMaxScaler / StandardScaler: scikit-learn 1.2.1 constants and transformed
 *   rows for 5 differenced OHLCV features from the same fixture, 1e-12 relative
 *   (constants) and 1e-12 absolute (scaled values);
 * - lagWindows: a direct transcription of the book's `lag_dataframe`
 *   (shift(i) for i = lags..1, fillna(0)), exact in float32.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  readCsv,
  Series,
  difference,
  integrate,
  undifferenceOneStep,
  MinMaxScaler,
  StandardScaler,
  scalerFromJSON,
  lagWindows,
} from '../lib/data/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(here, 'fixtures', 'btc_2017-01-01_03.csv');
interface Oracle {
  diff_close_train: number[];
  multi_features: string[];
  multi_minmax: { data_min_: number[]; data_max_: number[]; scale_: number[]; min_: number[]; test_transformed_first_rows: number[] };
  multi_standard: { mean_: number[]; var_: number[]; scale_: number[]; test_transformed_first_rows: number[] };
}
const ORACLE = JSON.parse(readFileSync(join(here, 'fixtures', 'pipeline_btc.json'), 'utf8')) as Oracle;

/** The two assertions the tolerance helpers need (any tap Test has them). */
interface Checker {
  equal(found: unknown, wanted: unknown, message: string): unknown;
  ok(value: unknown, message: string): unknown;
}

function closeRel(t: Checker, got: ArrayLike<number>, want: ArrayLike<number>, rel: number, what: string): void {
  t.equal(got.length, want.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!) / Math.max(Math.abs(want[i]!), Number.MIN_VALUE);
    if (!(err <= worst)) worst = err;
  }
  t.ok(worst <= rel, `${what}: max relative error ${worst} <= ${rel}`);
}

function closeAbs(t: Checker, got: ArrayLike<number>, want: ArrayLike<number>, abs: number, what: string): void {
  t.equal(got.length, want.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!);
    if (!(err <= worst)) worst = err;
  }
  t.ok(worst <= abs, `${what}: max absolute error ${worst} <= ${abs}`);
}

/** Differenced OHLCV of the book's train/test windows, row-major [n, 5]. */
async function differencedFeatures(): Promise<{ train: Float64Array; test: Float64Array; closeTrain: Float64Array }> {
  const series = Series.fromTable(await readCsv(FIXTURE), {
    time: 'Timestamp',
    timeUnit: 's',
    values: ORACLE.multi_features,
  });
  const rowMajor = (s: Series) => {
    const cols = s.columns.map((c) => difference(s.values(c), { fill: 'zero' }));
    const out = new Float64Array(s.length * cols.length);
    for (let i = 0; i < s.length; i++) for (let j = 0; j < cols.length; j++) out[i * cols.length + j] = cols[j]![i]!;
    return out;
  };
  const train = series.slice('2017-01-01', '2017-01-02', { bounds: '(]' });
  const test = series.slice('2017-01-02', '2017-01-03', { bounds: '(]' });
  return { train: rowMajor(train), test: rowMajor(test), closeTrain: train.values('Close') };
}

t.test('difference: pandas diff().fillna(0), and drop', async (t) => {
  t.same([...difference(new Float64Array([10, 12, 11, 11]))], [0, 2, -1, 0], "'zero' (default): d0 = 0, length n");
  t.same([...difference([10, 12, 11, 11], { fill: 'drop' })], [2, -1, 0], "'drop': length n-1");
  t.same([...difference([], { fill: 'drop' })], [], 'empty input');
  t.same([...difference([1, NaN, 3])], [0, NaN, NaN], 'NaN propagates (no silent fill)');
  const { closeTrain } = await differencedFeatures();
  const d = difference(closeTrain);
  t.same([...d], ORACLE.diff_close_train, 'equals pandas df.Close.diff().fillna(0) exactly (tolerance 0)');
  t.throws(() => difference([1, 2], { fill: 'bfill' as 'zero' }), {
    name: 'InvalidArgumentError',
    message: /Expected one of 'zero', 'drop' for options.fill but received "bfill" of type string/,
  });
  t.throws(() => difference('123' as unknown as number[]), {
    name: 'InvalidArgumentError',
    message: /Expected Float64Array or array of numbers for values but received "123" of type string/,
  });
});

t.test('integrate inverts difference', async (t) => {
  // Integer-valued random walk: every operation is exact, so equality must be exact.
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const ints = new Float64Array(5000);
  for (let i = 1; i < ints.length; i++) ints[i] = ints[i - 1]! + Math.round((rand() - 0.5) * 1000);
  t.same([...integrate(difference(ints), ints[0]!)], [...ints], "integer data, 'zero': exact");
  t.same([...integrate(difference(ints, { fill: 'drop' }), ints[0]!, { fill: 'drop' })], [...ints], "integer data, 'drop': exact");

  const { closeTrain } = await differencedFeatures();
  closeRel(t, integrate(difference(closeTrain), closeTrain[0]!), closeTrain, 1e-9, "bitcoin Close, 'zero'");
  closeRel(t, integrate(difference(closeTrain, { fill: 'drop' }), closeTrain[0]!, { fill: 'drop' }), closeTrain, 1e-9, "bitcoin Close, 'drop'");
  const real = new Float64Array(20000);
  real[0] = 1000;
  for (let i = 1; i < real.length; i++) real[i] = real[i - 1]! * (1 + (rand() - 0.5) * 0.01);
  closeRel(t, integrate(difference(real), real[0]!), real, 1e-9, '20,000-step multiplicative walk');

  t.same([...integrate([0, 2, -1], 10)], [10, 12, 11], "'zero': d0 ignored, level0 = initialLevel");
  t.same([...integrate([2, -1], 10, { fill: 'drop' })], [10, 12, 11], "'drop': initialLevel precedes the first diff");
  t.same([...integrate([], 10, { fill: 'drop' })], [10], "'drop' of nothing is the initial level");
  t.throws(() => integrate([1], NaN), {
    name: 'InvalidArgumentError',
    message: /Expected finite number for initialLevel but received NaN of type number/,
  });
});

t.test('undifferenceOneStep anchors on the actual previous level', async (t) => {
  t.same([...undifferenceOneStep(new Float32Array([0.5, -1]), new Float64Array([100, 101]))], [100.5, 100]);
  t.throws(() => undifferenceOneStep([1, 2], [1]), {
    name: 'InvalidArgumentError',
    message: /Expected length 2 \(the length of predictedDiffs\) for previousLevels but received length 1/,
  });
});

t.test('MinMaxScaler matches scikit-learn (5 features, range [-1, 1])', async (t) => {
  const { train, test } = await differencedFeatures();
  const scaler = new MinMaxScaler({ range: [-1, 1] }).fit(train, 5);
  const o = ORACLE.multi_minmax;
  closeRel(t, scaler.dataMin, o.data_min_, 1e-12, 'data_min_ (sklearn)');
  closeRel(t, scaler.dataMax, o.data_max_, 1e-12, 'data_max_ (sklearn)');
  closeRel(t, scaler.scale, o.scale_, 1e-12, 'scale_ (sklearn)');
  closeRel(t, scaler.offset, o.min_, 1e-12, 'min_ (sklearn)');
  const scaled = scaler.transform(test, 5);
  closeAbs(t, scaled.subarray(0, o.test_transformed_first_rows.length), o.test_transformed_first_rows, 1e-12, 'transform(test) first 20 rows (sklearn)');
  closeAbs(t, scaler.inverseTransform(scaled), test, 1e-9, 'inverseTransform(transform(x)) = x');
  const trainScaled = scaler.transform(train);
  // x * scale_ + min_ may land one ulp off the range ends, in sklearn too.
  t.ok(Math.abs(Math.min(...trainScaled) + 1) <= 2.3e-16, 'train minimum maps to -1 (within 1 ulp)');
  t.ok(Math.abs(Math.max(...trainScaled) - 1) <= 2.3e-16, 'train maximum maps to 1 (within 1 ulp)');
});

t.test('MinMaxScaler: default range, constant feature, JSON', async (t) => {
  const s = new MinMaxScaler();
  t.same(s.range, [0, 1], 'default range [0, 1]');
  t.same([...s.fitTransform([2, 4, 6])], [0, 0.5, 1]);
  // A constant feature: sklearn uses divisor 1, so x maps to a + (x - min) * (b - a) = a.
  const c = new MinMaxScaler({ range: [-1, 1] }).fit([5, 1, 5, 2, 5, 3], 2);
  t.same([...c.scale], [2, 1], 'constant feature: scale_ = (b - a) / 1');
  t.same([...c.transform([5, 1, 7, 3])], [-1, -1, 3, 1], 'constant feature maps to a; other values shift');
  const json = JSON.parse(JSON.stringify(c)) as unknown;
  t.same(json, { type: 'minMax', range: [-1, 1], min: [5, 1], max: [5, 3] }, 'toJSON shape');
  const back = scalerFromJSON(json);
  t.ok(back instanceof MinMaxScaler, 'scalerFromJSON dispatches on type');
  t.same([...back.transform([4.5, 2.5])], [...c.transform([4.5, 2.5])], 'restored scaler gives identical output');
  t.same([...MinMaxScaler.fromJSON(JSON.stringify(c)).scale], [2, 1], 'fromJSON accepts JSON text');
});

t.test('StandardScaler matches scikit-learn (population std)', async (t) => {
  const { train, test } = await differencedFeatures();
  const scaler = new StandardScaler().fit(train, 5);
  const o = ORACLE.multi_standard;
  closeRel(t, scaler.mean, o.mean_, 1e-12, 'mean_ (sklearn)');
  closeRel(t, scaler.std, o.scale_, 1e-12, 'scale_ = sqrt(var_) (sklearn, ddof=0)');
  closeAbs(t, scaler.transform(test).subarray(0, o.test_transformed_first_rows.length), o.test_transformed_first_rows, 1e-12, 'transform(test) first 20 rows (sklearn)');
  t.same([...new StandardScaler().fit([1, 2, 3, 4]).std], [Math.sqrt(1.25)], 'ddof = 0: var([1,2,3,4]) = 1.25');
  const constant = new StandardScaler().fit([3, 3, 3]);
  t.same([...constant.std], [1], 'constant feature: divisor 1 (sklearn)');
  t.same([...constant.transform([3, 4])], [0, 1]);
  const back = scalerFromJSON(JSON.parse(JSON.stringify(scaler)));
  t.ok(back instanceof StandardScaler);
  t.same([...back.transform(test)], [...scaler.transform(test)], 'JSON round trip gives identical output');
  closeAbs(t, scaler.inverseTransform(scaler.transform(test)), test, 1e-9, 'inverseTransform(transform(x)) = x');
});

t.test('scalers: bad input', async (t) => {
  t.throws(() => new MinMaxScaler().transform([1]), {
    name: 'StateError',
    message: /MinMaxScaler is not fitted: call fit\(\) before transform\(\)/,
  });
  t.throws(() => new StandardScaler().inverseTransform([1]), { name: 'StateError', message: /StandardScaler is not fitted/ });
  t.throws(() => new MinMaxScaler().toJSON(), { name: 'StateError' });
  t.throws(() => new MinMaxScaler().dataMin, { name: 'StateError' });
  t.throws(() => new MinMaxScaler().fit([1, NaN, 3]), {
    name: 'InvalidArgumentError',
    message: /Expected finite values for data but received NaN at index 1/,
  });
  t.throws(() => new StandardScaler().fit([1, Infinity]), {
    name: 'InvalidArgumentError',
    message: /Expected finite values for data but received Infinity at index 1/,
  });
  t.throws(() => new MinMaxScaler().fit(new Float64Array(0)), {
    name: 'InvalidArgumentError',
    message: /Expected non-empty array of numbers for data but received Float64Array\(0\) of type Float64Array/,
  });
  t.throws(() => new MinMaxScaler().fit([1, 2, 3], 2), {
    name: 'InvalidArgumentError',
    message: /Expected a length that is a multiple of features \(2\) for data but received length 3/,
  });
  t.throws(() => new MinMaxScaler().fit([1, 2], 0), {
    name: 'InvalidArgumentError',
    message: /Expected positive integer for features but received 0 of type number/,
  });
  const fitted = new MinMaxScaler().fit([1, 2, 3, 4], 2);
  t.throws(() => fitted.transform([1, 2, 3], 3), {
    name: 'InvalidArgumentError',
    message: /Expected 2 \(the feature count the scaler was fitted with\) for features but received 3 of type number/,
  });
  t.throws(() => fitted.transform([1, 2, 3]), {
    name: 'InvalidArgumentError',
    message: /Expected a length that is a multiple of features \(2\) for data but received length 3/,
  });
  t.throws(() => new MinMaxScaler({ range: [1, -1] }), {
    name: 'InvalidArgumentError',
    message: /Expected \[min, max\] with finite min < max for options.range but received Array\(2\) of type array/,
  });
  t.throws(() => scalerFromJSON({ type: 'robust' }), {
    name: 'FormatError',
    message: /Invalid scaler JSON: expected type "minMax" or "standard" but found "robust"/,
  });
  t.throws(() => scalerFromJSON('{not json'), { name: 'FormatError', message: /Invalid scaler JSON/ });
  t.throws(() => MinMaxScaler.fromJSON({ type: 'minMax', range: [0, 1], min: [0, 'x'], max: [1, 2] }), {
    name: 'FormatError',
    message: /Invalid MinMaxScaler JSON: expected a finite number at min\[1\] but found "x"/,
  });
  t.throws(() => MinMaxScaler.fromJSON({ type: 'minMax', range: [0, 1], min: [3], max: [1] }), {
    name: 'FormatError',
    message: /min\[0\] = 3 is greater than max\[0\] = 1/,
  });
  t.throws(() => StandardScaler.fromJSON({ type: 'standard', mean: [0], std: [0] }), {
    name: 'FormatError',
    message: /Invalid StandardScaler JSON: std\[0\] = 0 is not positive/,
  });
});

/** The book's lag_dataframe, transcribed: row t = [x_{t-lags}, ..., x_{t-1}], y = x_t, NaN -> 0. */
function bookLagDataframe(x: number[], lags: number): { X: number[][]; y: number[] } {
  const X: number[][] = [];
  for (let t = 0; t < x.length; t++) {
    const row: number[] = [];
    for (let i = lags; i >= 1; i--) row.push(t - i >= 0 ? x[t - i]! : 0); // df.shift(i) ... fillna(0)
    X.push(row);
  }
  return { X, y: [...x] };
}

t.test("lagWindows 'zero' equals the book's lag_dataframe", async (t) => {
  const x = [0.5, -0.25, 1, 0.75, -1, 0.125, 0.3, -0.6];
  const { X, y } = bookLagDataframe(x, 3);
  const w = lagWindows(x, { lags: 3 });
  t.same(w.x.shape, [8, 3, 1], 'one sample per row: [n, lags, 1]');
  t.same(w.y.shape, [8, 1]);
  t.same([...w.x.data], X.flat().map(Math.fround), 'inputs oldest first, zero padded (float32, exact)');
  t.same([...w.y.data], y.map(Math.fround), 'targets x_t');
  t.same([...w.targetIndex], [0, 1, 2, 3, 4, 5, 6, 7]);
  t.ok(w.x.data instanceof Float32Array && w.y.data instanceof Float32Array, 'float32 tensors');
});

t.test("lagWindows: 'drop', horizon, several features", async (t) => {
  const drop = lagWindows([1, 2, 3, 4, 5], { lags: 2, padding: 'drop' });
  t.same(drop.x.shape, [3, 2, 1]);
  t.same([...drop.x.data], [1, 2, 2, 3, 3, 4], 'only full windows');
  t.same([...drop.y.data], [3, 4, 5]);
  t.same([...drop.targetIndex], [2, 3, 4]);

  const h = lagWindows([1, 2, 3, 4, 5], { lags: 2, horizon: 2, padding: 'drop' });
  t.same(h.y.shape, [2, 2]);
  t.same([...h.y.data], [3, 4, 4, 5], 'targets x_t .. x_{t+h-1}');
  t.same([...h.targetIndex], [2, 3], 'only t with t + h - 1 < n');
  const hz = lagWindows([1, 2, 3], { lags: 2, horizon: 2 });
  t.same([...hz.x.data], [0, 0, 0, 1], "'zero' with horizon 2: t = 0, 1");
  t.same([...hz.y.data], [1, 2, 2, 3]);

  // Two features, row-major [n, 2]: (price, volume) per row; target = feature 1.
  const rows = [10, 100, 11, 110, 12, 120, 13, 130];
  const f = lagWindows(rows, { lags: 2, features: 2, padding: 'drop', targetFeature: 1 });
  t.same(f.x.shape, [2, 2, 2], '[samples, lags, features]');
  t.same([...f.x.data], [10, 100, 11, 110, 11, 110, 12, 120], 'each step holds all features of one row');
  t.same([...f.y.data], [120, 130], 'targets from targetFeature');
});

t.test('lagWindows: bad input', async (t) => {
  t.throws(() => lagWindows([1, 2, 3], { lags: 0 }), {
    name: 'InvalidArgumentError',
    message: /Expected positive integer for options.lags but received 0 of type number/,
  });
  t.throws(() => lagWindows([1, 2, 3], { lags: 1, features: 1.5 }), {
    name: 'InvalidArgumentError',
    message: /Expected positive integer for options.features but received 1.5 of type number/,
  });
  t.throws(() => lagWindows([1, 2, 3], { lags: 1, horizon: -1 }), {
    name: 'InvalidArgumentError',
    message: /Expected positive integer for options.horizon but received -1 of type number/,
  });
  t.throws(() => lagWindows([1, 2, 3], { lags: 1, padding: 'same' as 'zero' }), {
    name: 'InvalidArgumentError',
    message: /Expected one of 'zero', 'drop' for options.padding but received "same" of type string/,
  });
  t.throws(() => lagWindows([1, 2, 3, 4], { lags: 1, features: 2, targetFeature: 2 }), {
    name: 'InvalidArgumentError',
    message: /Expected integer in \[0, 1\] \(features is 2\) for options.targetFeature but received 2 of type number/,
  });
  t.throws(() => lagWindows([1, 2, 3], { lags: 1, features: 2 }), {
    name: 'InvalidArgumentError',
    message: /Expected a length that is a multiple of options.features \(2\) for values but received length 3/,
  });
  t.throws(() => lagWindows([1, 2, NaN, 4], { lags: 1 }), {
    name: 'InvalidArgumentError',
    message: /Expected finite values for values but received NaN at index 2 \(row 2, feature 0\)/,
  });
  t.throws(() => lagWindows([1, 2, 3], { lags: 3, padding: 'drop' }), {
    name: 'InvalidArgumentError',
    message: /Expected at least 4 rows for values \(lags 3, horizon 1, padding 'drop'\) but received 3/,
  });
  t.throws(() => lagWindows([], { lags: 1 }), { name: 'InvalidArgumentError', message: /Expected at least 1 rows for values/ });
  t.throws(() => lagWindows({} as number[], { lags: 1 }), {
    name: 'InvalidArgumentError',
    message: /Expected array of numbers for values but received \[object Object\] of type object/,
  });
});
