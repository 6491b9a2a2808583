/**
 * The CLI as a user runs it: `node dist/cli/main.js ...` (built by `npm test`'s
 * pretest step). Oracles: the JSON contract of `flowcast demo --json`, and
 * the naive baseline recomputed here from the raw CSV prices (to 1e-9).
 */
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from '../lib/data/csv.js';
import { writeArrow } from '../lib/data/arrow-io.js';
import { Series } from '../lib/data/series.js';
import { cli, flowcast, root } from './helpers/cli.js';

const fixture = join(root, 'test', 'fixtures', 'btc_2017-01-01_03.csv');

t.before(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run 'npm run build:ts' (npm test does it first)`);
});

t.test('demo smoke test: a small slice of the real data, 1 epoch, --json', async (t) => {
  const r = await flowcast(['demo', '--data', fixture, '--train', '2017-01-01,2017-01-02', '--test', '2017-01-02,2017-01-03', '--epochs', '1', '--json']);
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.equal(out.data.train.samples, 958, 'train samples (the pandas fixture has 958 rows)');
  t.equal(out.data.test.samples, 1218, 'test samples');
  t.equal(out.training.epochs, 1);
  t.equal(out.training.loss.length, 1);
  t.ok(out.training.loss[0] > 0 && out.training.seconds > 0 && out.training.samples_per_second > 0);
  for (const k of ['rmse', 'rmse_level']) {
    t.ok(Number.isFinite(out.test.model[k]) && Number.isFinite(out.test.naive[k]) && Number.isFinite(out.test.drift[k]), `test.model.${k}, test.naive.${k} and test.drift.${k}`);
  }
  const s = Series.fromTable(parseCsv(readFileSync(fixture)), { time: 'Timestamp', timeUnit: 's', values: ['Close'] });
  const p = s.slice('2017-01-02', '2017-01-03', { bounds: '(]' }).values('Close');
  let se = 0;
  for (let i = 1; i < p.length; i++) se += (p[i]! - p[i - 1]!) ** 2;
  t.ok(Math.abs(out.test.naive.rmse_level - Math.sqrt(se / (p.length - 1))) < 1e-9, `naive RMSE in the data's units (Close) ${out.test.naive.rmse_level}`);
  t.equal(out.test.level_samples, out.test.samples - 1, 'level_samples: the samples with a previous value');
  t.notMatch(r.stdout, /usd/i, 'no dollar names in the JSON');
  t.match(r.stderr, /Epoch 1\/1 loss/, 'progress goes to stderr');
});

t.test('demo prints a results table by default', async (t) => {
  const plot = join(mkdtempSync(join(tmpdir(), 'flowcast-plot-')), 'test.svg');
  const r = await flowcast(['demo', '--data', fixture, '--train', '2017-01-01,2017-01-02', '--test', '2017-01-02,2017-01-03', '--epochs', '1', '--quiet', '--plot', plot]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /Train\s+2017-01-01 < t <= 2017-01-02: 958 rows/);
  t.match(r.stdout, /LSTM\s+[\d.]+\s+[\d.]+\s+[\d.]+/);
  t.match(r.stdout, /RMSE scaled   MAE scaled  RMSE Close  MAE Close\n/, "errors in the data's units are headed by the column's name");
  t.match(r.stdout, /Test \(1218 samples; in Close over 1217 with a previous value\)/);
  t.notMatch(r.stdout, /USD/, 'no dollars');
  t.match(r.stdout, /naive \(p_t = p_t-1\)/);
  t.match(r.stdout, /drift \(mean change\)\s+[\d.]+/);
  t.match(r.stdout, /skill vs drift/);
  t.equal(r.stderr, '', 'quiet: nothing on stderr');
  t.match(r.stdout, `Plot      ${plot}`);
  const svg = readFileSync(plot, 'utf8');
  t.match(svg, /^<svg[\s\S]*first 300 one-step forecasts of Close[\s\S]*<\/svg>\n$/, '--plot writes the test forecasts as SVG');
  t.equal((svg.match(/<path class="line"/g) ?? []).length, 3, 'actual, LSTM and naive');
  const noTest = await flowcast(['train', '--data', fixture, '--out', join(tmpdir(), 'never.safetensors'), '--plot', plot]);
  t.equal(noTest.code, 1);
  t.match(noTest.stderr, /Expected --test with --plot/);
});

t.test('train, evaluate, predict round trip', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flowcast-cli-'));
  const model = join(dir, 'm.safetensors');
  const trained = await flowcast([
    'train', '--data', fixture, '--out', model, '--train', '2017-01-01,2017-01-02', '--units', '8,8', '--stateful', '--epochs', '1', '--json', '--quiet',
  ]);
  t.equal(trained.code, 0, trained.stderr);
  t.equal(JSON.parse(trained.stdout).model.saved, model);
  const ev = await flowcast(['evaluate', '--model', model, '--data', fixture, '--range', '2017-01-02,2017-01-03', '--json']);
  t.equal(ev.code, 0, ev.stderr);
  const e = JSON.parse(ev.stdout);
  t.ok(e.samples > 1000 && Number.isFinite(e.model.rmse_level) && Number.isFinite(e.naive.rmse_level) && Number.isFinite(e.drift.mae_level));
  t.equal(e.level_samples, e.samples - 1);
  t.notMatch(ev.stdout, /usd/i, 'no dollar names in the JSON');
  const csv = join(dir, 'p.csv');
  const pr = await flowcast(['predict', '--model', model, '--data', fixture, '--range', '2017-01-02,2017-01-03', '--out', csv]);
  t.equal(pr.code, 0, pr.stderr);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  t.equal(lines[0], 'time,actual,predicted,naive');
  t.equal(lines.length - 1, e.samples, 'one forecast per sample');
  const [, a1] = lines[1]!.split(',');
  const [, , p2, n2] = lines[2]!.split(',');
  t.equal(Number(n2), Number(a1), 'naive forecast = the previous actual price');
  t.ok(Math.abs(Number(p2) - Number(a1)) < 50, 'predicted price is near the previous price (one-minute step)');

  // Walk-forward: naive recomputed from the range's prices (train's default bounds '[)').
  const bt = await flowcast(['backtest', '--model', model, '--data', fixture, '--range', '2017-01-02,2017-01-03', '--horizon', '3', '--initial', '500', '--json']);
  t.equal(bt.code, 0, bt.stderr);
  const walk = JSON.parse(bt.stdout);
  const prices = Series.fromTable(parseCsv(readFileSync(fixture)), { time: 'Timestamp', timeUnit: 's', values: ['Close'] }).slice('2017-01-02', '2017-01-03', { bounds: '[)' }).values('Close');
  let se = 0;
  let count = 0;
  for (let o = 500; o + 3 <= prices.length; o += 3) for (let j = 0; j < 3; j++) (se += (prices[o + j]! - prices[o - 1]!) ** 2), count++;
  t.equal(walk.origins, count / 3, 'origins 500, 503, ...');
  t.same(walk.methods.map((m: { method: string }) => m.method.replace(/ETS\(.*\)/, 'ETS')), ['model', 'naive', 'drift', 'ETS', 'Theta']);
  t.ok(Math.abs(walk.methods[1].rmse - Math.sqrt(se / count)) < 1e-9, `naive RMSE ${walk.methods[1].rmse}`);
  t.ok(Number.isFinite(walk.methods[0].rmse) && walk.methods[0].rmse_by_step.length === 3, 'model RMSE, by step');
  t.ok(Math.abs(walk.methods[0].skill_vs_naive - (1 - walk.methods[0].rmse / walk.methods[1].rmse)) < 1e-12, 'skill vs naive');
  const early = await flowcast(['backtest', '--model', model, '--data', fixture, '--initial', '5']);
  t.match(early.stderr, /--initial above the model's 10 lags/);

  // The same data as an Arrow IPC file gives the same evaluation.
  const arrowFile = join(dir, 'btc.arrow');
  await writeArrow(parseCsv(readFileSync(fixture)), arrowFile);
  const evArrow = await flowcast(['evaluate', '--model', model, '--data', arrowFile, '--range', '2017-01-02,2017-01-03', '--json']);
  t.equal(evArrow.code, 0, evArrow.stderr);
  t.same(JSON.parse(evArrow.stdout), e, 'Arrow input == CSV input');

  // Export with the pipeline and state in the graph; onnxruntime reproduces the
  // native forecasts of this stateful model in dollars, row for row (same
  // windows, same state carried across batches). Oracle: the native `predict`
  // CSV above (1e-4 USD: float32 network rounding differences times the
  // unscaling factor; the pipeline runs in float64).
  const onnx = join(dir, 'm.onnx');
  const ex = await flowcast(['export', '--model', model, '--onnx', onnx, '--pipeline', '--state', '--json']);
  t.equal(ex.code, 0, ex.stderr);
  const sig = JSON.parse(ex.stdout);
  t.same(sig.inputs.map((i: { name: string }) => i.name), ['levels', 'h_in.0', 'c_in.0', 'h_in.1', 'c_in.1']);
  const onnxCsv = join(dir, 'onnx.csv');
  const po = await flowcast(['predict', '--onnx', onnx, '--data', fixture, '--range', '2017-01-02,2017-01-03', '--out', onnxCsv]);
  t.equal(po.code, 0, po.stderr);
  const native = new Map(lines.slice(1).map((l) => [l.split(',')[0], l.split(',')]));
  const onnxLines = readFileSync(onnxCsv, 'utf8').trim().split('\n').slice(1);
  t.equal(onnxLines.length, lines.length - 1, 'one forecast per row, as native');
  let worst = 0;
  for (const l of onnxLines) {
    const [time, actual, predicted, naive] = l.split(',');
    const ref = native.get(time)!;
    t.equal(actual, ref[1]);
    if (naive !== ref[3]) t.fail(`naive differs at ${time}`);
    if (ref[2] === 'NaN') t.equal(predicted, 'NaN', 'first row: no previous price');
    else worst = Math.max(worst, Math.abs(Number(predicted) - Number(ref[2])));
  }
  t.ok(worst <= 1e-4, `onnxruntime vs native forecasts: max diff ${worst.toExponential(2)} USD over ${onnxLines.length} rows`);
  const both = await flowcast(['predict', '--onnx', onnx, '--model', model, '--data', fixture]);
  t.match(both.stderr, /either --model or --onnx/);
  const notPipeline = join(dir, 'plain.onnx');
  t.equal((await flowcast(['export', '--model', model, '--onnx', notPipeline])).code, 0);
  const np = await flowcast(['predict', '--onnx', notPipeline, '--data', fixture]);
  t.match(np.stderr, /exported with --pipeline/);
});

t.test('baseline and adf commands', async (t) => {
  // Oracles: the library functions on the same closes, and the naive forecast scored by hand.
  const { adf, kpss } = await import('../lib/stats/unit-root.js');
  const closes = Series.fromTable(parseCsv(readFileSync(fixture)), { time: 'Timestamp', timeUnit: 's', values: ['Close'] }).values('Close');
  const a = await flowcast(['adf', '--data', fixture, '--json']);
  t.equal(a.code, 0, a.stderr);
  const r = JSON.parse(a.stdout);
  t.equal(r.adf.constant.statistic, adf(closes, { regression: 'c' }).statistic);
  t.equal(r.kpss.trend.statistic, kpss(closes, { regression: 'ct' }).statistic);
  const text = await flowcast(['adf', '--data', fixture, '--difference']);
  t.match(text.stdout, /first differences[\s\S]*ADF \(constant\): statistic -?[\d.]+, p-value [\d.]+/);
  const b = await flowcast(['baseline', '--data', fixture, '--period', '60', '--holdout', '30', '--fit-last', '600', '--json']);
  t.equal(b.code, 0, b.stderr);
  const table = JSON.parse(b.stdout);
  t.equal(table.train, 600, '--fit-last: the 600 values before the holdout');
  const methods = table.baselines.map((row: { method: string }) => row.method);
  t.same(methods.slice(0, 5), ['naive', 'seasonal naive (m=60)', 'drift', 'mean', 'moving average (k=60)']);
  t.match(methods[5], /^ETS\(A,(N|A|Ad),(N|A)\)$/, 'and the ETS form chosen by AICc');
  t.match(methods[6], /^ARIMA\(\d,\d,\d\)/, 'and the ARIMA chosen by autoArima');
  const { autoArima } = await import('../lib/classical/auto-arima.js');
  const train = closes.subarray(closes.length - 630, closes.length - 30);
  const held = Array.from(closes.subarray(closes.length - 30));
  const arimaRmse = Math.sqrt(autoArima(train, { period: 60, seasonal: false }).forecast(30).mean.reduce((s, v, i) => s + (v - held[i]!) ** 2, 0) / 30);
  t.ok(Math.abs(table.baselines[6].rmse - arimaRmse) < 1e-9, `ARIMA RMSE ${table.baselines[6].rmse} = autoArima on the same 600 values`);
  const { stlf } = await import('../lib/classical/stlf.js');
  const stlFit = stlf(train, { periods: 60 });
  t.equal(methods[7], stlFit.name, 'and STL + ETS for the season');
  const stlRmse = Math.sqrt(stlFit.forecast(30).mean.reduce((s, v, i) => s + (v - held[i]!) ** 2, 0) / 30);
  t.ok(Math.abs(table.baselines[7].rmse - stlRmse) < 1e-9, `STL + ETS RMSE ${table.baselines[7].rmse} = stlf on the same 600 values`);
  const { thetaf } = await import('../lib/classical/theta.js');
  const thetaRmse = Math.sqrt(thetaf(train, { period: 60 }).forecast(30).mean.reduce((s, v, i) => s + (v - held[i]!) ** 2, 0) / 30);
  t.ok(table.baselines[8].method === 'Theta' && Math.abs(table.baselines[8].rmse - thetaRmse) < 1e-9, `Theta RMSE ${table.baselines[8].rmse} = thetaf on the same 600 values`);
  const last = closes[closes.length - 31]!;
  const naiveRmse = Math.sqrt(held.reduce((s, v) => s + (v - last) ** 2, 0) / 30);
  t.ok(Math.abs(table.baselines[0].rmse - naiveRmse) < 1e-9, `naive RMSE ${table.baselines[0].rmse}`);
  const multi = JSON.parse((await flowcast(['baseline', '--data', fixture, '--period', '15,60', '--holdout', '30', '--fit-last', '600', '--json'])).stdout);
  t.same([multi.period, multi.periods], [60, [15, 60]], '--period 15,60: the others use the longest');
  const stlTwo = stlf(train, { periods: [15, 60] });
  const stlTwoRmse = Math.sqrt(stlTwo.forecast(30).mean.reduce((s, v, i) => s + (v - held[i]!) ** 2, 0) / 30);
  t.ok(multi.baselines[7].method === stlTwo.name && Math.abs(multi.baselines[7].rmse - stlTwoRmse) < 1e-9, `STL + ETS over both periods: RMSE ${multi.baselines[7].rmse}`);
  const plot = join(mkdtempSync(join(tmpdir(), 'flowcast-plot-')), 'baseline.svg');
  const drawn = await flowcast(['baseline', '--data', fixture, '--period', '60', '--holdout', '30', '--fit-last', '600', '--plot', plot]);
  t.equal(drawn.code, 0, drawn.stderr);
  const svg = readFileSync(plot, 'utf8');
  const best = [...table.baselines].sort((a: { rmse: number }, b: { rmse: number }) => a.rmse - b.rmse)[0].method as string;
  t.match(svg, `${best} (RMSE`, 'the best method');
  // Its 80% band when it has intervals (a moving average has none).
  t.equal(svg.includes(`${best} 80% interval`), !best.startsWith('moving average'), 'the best method\'s interval, when it has one');
  t.match(svg, /naive \(RMSE/, 'naive always shown');
  t.ok((svg.match(/<path class="line"/g) ?? []).length >= 4, 'actual and at least three forecasts');
  // --origins 3 --step 30: origins at n - 90, n - 60, n - 30; naive forecasts the value before each.
  const rolled = await flowcast(['baseline', '--data', fixture, '--period', '60', '--holdout', '30', '--fit-last', '600', '--origins', '3', '--step', '30', '--json']);
  t.equal(rolled.code, 0, rolled.stderr);
  const walk = JSON.parse(rolled.stdout);
  let se = 0;
  for (const o of [closes.length - 90, closes.length - 60, closes.length - 30]) for (let j = 0; j < 30; j++) se += (closes[o + j]! - closes[o - 1]!) ** 2;
  t.ok(Math.abs(walk.baselines[0].rmse - Math.sqrt(se / 90)) < 1e-9, `--origins: naive RMSE ${walk.baselines[0].rmse} over 3 origins`);
  t.same([walk.origins, walk.step], [3, 30]);
  t.match(walk.baselines[6].method, /^ARIMA\(\d,\d,\d\)/, 'named by the model fitted at the last origin');
  const tooMany = await flowcast(['baseline', '--data', fixture, '--holdout', '30', '--origins', '1000']);
  t.match(tooMany.stderr, /Expected --origins at most \d+/);
  const twice = await flowcast(['baseline', '--data', fixture, '--period', '60,60']);
  t.match(twice.stderr, /distinct season lengths for --period/);
  const bad = await flowcast(['baseline', '--data', fixture, '--holdout', '100000']);
  t.match(bad.stderr, /--holdout/);
});

t.test('bad CLI input: clear messages, exit code 1', async (t) => {
  const unknown = await flowcast(['frobnicate']);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /unknown command 'frobnicate'/);
  const noData = await flowcast(['train', '--out', 'x.safetensors']);
  t.equal(noData.code, 1);
  t.match(noData.stderr, /Expected a file for --data but received nothing/);
  const badEpochs = await flowcast(['demo', '--epochs', '0', '--data', fixture]);
  t.match(badEpochs.stderr, /Expected positive integer for --epochs but received "0"/);
  const badSeed = await flowcast(['demo', '--seed', '1.5', '--data', fixture]);
  t.match(badSeed.stderr, /Expected non-negative integer for --seed but received "1.5"/);
  const badRange = await flowcast(['demo', '--train', '2017-01-01', '--data', fixture]);
  t.match(badRange.stderr, /Expected START,END .* for --train but received "2017-01-01"/);
  const missingCol = await flowcast(['train', '--data', fixture, '--out', 'x', '--column', 'Price']);
  t.match(missingCol.stderr, /Price/);
  const badModel = await flowcast(['evaluate', '--model', fixture, '--data', fixture]);
  t.equal(badModel.code, 1);
  t.match(badModel.stderr, /Cannot load model file/);
  const noOnnx = await flowcast(['export', '--model', fixture]);
  t.match(noOnnx.stderr, /Expected an output path for --onnx/);
  for (const cmd of ['demo', 'train', 'predict', 'evaluate', 'export', 'baseline', 'adf', 'backtest']) {
    const h = await flowcast([cmd, '--help']);
    t.equal(h.code, 0);
    t.match(h.stdout, new RegExp(`Usage: flowcast ${cmd}`), `${cmd} --help`);
  }
});
