/** CLI commands for baselines and stationarity: `flowcast baseline` and `flowcast adf`. */
import { parseOptions } from './options.js';
import { autoArimaBaseline } from '../classical/auto-arima.js';
import { etsBaseline } from '../classical/ets.js';
import { stlfBaseline } from '../classical/stlf.js';
import { thetaBaseline } from '../classical/theta.js';
import { writeBaselinePlot } from './plots.js';
import { backtest } from '../forecast/backtest.js';
import { drift, historicalMean, movingAverage, naive, seasonalNaive, type Baseline } from '../classical/simple.js';
import { Series } from '../data/series.js';
import { InvalidArgumentError } from '../core/errors.js';
import { mae, mape, mase, rmse } from '../stats/metrics.js';
import { adf, kpss } from '../stats/unit-root.js';
import { oneOf } from '../core/validate.js';
import { parseIntOption, readTable } from './args.js';
import { DUPLICATES_HELP, DUPLICATES_OPTION, parseDuplicates } from './duplicates-option.js';

const SERIES_OPTIONS = `  --data FILE         CSV (optionally .gz) or Arrow IPC file
  --column NAME       value column (default Close)
  --time NAME         time column (default Timestamp; epoch numbers or ISO dates)
  --time-unit s|ms    unit of a numeric time column (default s)
${DUPLICATES_HELP}`;

export const BASELINE_HELP = `Usage: flowcast baseline --data FILE [--column NAME] [--period M[,M2..]] [--holdout H] [--fit-last N]
                         [--origins K] [--step S] [--plot FILE.svg] [--json]

Fits every simple baseline (naive, seasonal naive, drift, mean, moving
average), exponential smoothing (ETS, form chosen by AICc), ARIMA (chosen
by autoArima, R's auto.arima search), for seasonal data STL + ETS (an STL
decomposition, ETS on the seasonally adjusted values and the last season
added back), and the Theta method (SES with drift) on the values before
the last H, and scores their H-step forecasts on those H values: RMSE, MAE,
MAPE and MASE (scaled by the in-sample naive error). The formulas are R
forecast's (naive, snaive, rwf, meanf, ets, auto.arima, stlf, thetaf).

Options:
${SERIES_OPTIONS}
  --period M          season length (default 12; 1 for none). For seasons
                      longer than 24 (minute or half-hourly data) the ETS
                      row is non-seasonal (as R's ets) and the ARIMA row
                      searches non-seasonal models (a seasonal ARIMA's
                      state grows with the season and its fits get slow);
                      STL + ETS models the season at any length. Several
                      periods (48,336: daily and weekly in half-hourly
                      data) are all decomposed by STL + ETS; the other
                      rows use the longest
  --holdout H         values held out for scoring (default 2 x period)
  --fit-last N        fit on only the last N values before the holdout
                      (default 5000: ETS and ARIMA fits grow with the data)
  --origins K         score over K rolling origins S apart instead of one
                      holdout (walk-forward): every method is refitted at
                      each origin on the values before it and forecasts H
                      steps; the last origin is the holdout's (default 1)
  --step S            values between origins (default H)
  --plot FILE.svg     also draw the holdout with the forecasts of naive and
                      of the three lowest-RMSE methods, and the best one's
                      80% interval
  --json              print the table as JSON`;

export const ADF_HELP = `Usage: flowcast adf --data FILE [--column NAME] [--difference] [--json]

Stationarity tests on a series (statsmodels' formulas): the Augmented
Dickey-Fuller test (null: a unit root; lag order by AIC) with a constant and
with a constant and trend, and the KPSS test (null: stationarity) around a
level and around a trend.

Options:
${SERIES_OPTIONS}
  --difference        test the first differences instead of the levels
  --json              print the results as JSON`;

async function readValues(values: { data?: string; column?: string; time?: string; 'time-unit'?: string; duplicates?: string }): Promise<Float64Array> {
  if (!values.data) throw new InvalidArgumentError('--data', 'Expected a file for --data but received nothing');
  const duplicates = parseDuplicates(values.duplicates);
  const table = await readTable(values.data);
  const column = values.column ?? 'Close';
  const series = Series.fromTable(table, {
    time: values.time ?? 'Timestamp',
    timeUnit: oneOf('--time-unit', values['time-unit'] ?? 's', ['s', 'ms'] as const),
    values: [column],
    duplicates,
  });
  return Float64Array.from(series.values(column));
}

const seriesArgs = {
  data: { type: 'string' },
  column: { type: 'string' },
  time: { type: 'string' },
  'time-unit': { type: 'string' },
  ...DUPLICATES_OPTION,
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

export async function baselineCommand(argv: string[]): Promise<void> {
  const { values } = parseOptions({ args: argv, options: { ...seriesArgs, period: { type: 'string' }, holdout: { type: 'string' }, 'fit-last': { type: 'string' }, plot: { type: 'string' }, origins: { type: 'string' }, step: { type: 'string' } } });
  if (values.help) return void console.log(BASELINE_HELP);
  const y = await readValues(values);
  // Several periods (e.g. 48,336): STL + ETS decomposes them all; the other
  // rows use the longest, as R's msts gives frequency = the longest period.
  const periods = (values.period ?? '12').split(',').map((p) => parseIntOption('--period', p.trim(), 12));
  if (new Set(periods).size !== periods.length) throw new InvalidArgumentError('--period', `Expected distinct season lengths for --period but received "${values.period}"`);
  const period = Math.max(...periods);
  const holdout = parseIntOption('--holdout', values.holdout, 2 * Math.max(period, 1));
  const fitLast = parseIntOption('--fit-last', values['fit-last'], 5000);
  const origins = parseIntOption('--origins', values.origins, 1);
  const step = parseIntOption('--step', values.step, holdout);
  if (y.length <= holdout + period + 1) {
    throw new InvalidArgumentError(
      '--holdout',
      `Expected --holdout below ${y.length - period - 1} (${y.length} values, period ${period}) but received ${holdout}`,
    );
  }
  const firstIndex = Math.max(0, y.length - holdout - fitLast);
  const train = y.subarray(firstIndex, y.length - holdout);
  const test = y.subarray(y.length - holdout);
  const seasonal: Baseline[] = period > 1 ? [seasonalNaive(period)] : [];
  const stlPeriods = periods.filter((p) => p > 1);
  const stl: Baseline[] = stlPeriods.length > 0 && train.length > 2 * period ? [stlfBaseline({ periods: stlPeriods })] : [];
  const baselines: Baseline[] = [naive(), ...seasonal, drift(), historicalMean(), movingAverage(Math.max(period, 2)), etsBaseline({ period }), autoArimaBaseline({ period, seasonal: period <= 24 }), ...stl, thetaBaseline({ period })];
  const score = (actual: ArrayLike<number>, f: ArrayLike<number>, history: ArrayLike<number>) => ({ rmse: rmse(actual, f), mae: mae(actual, f), mape: mape(actual, f), mase: mase(actual, f, history, 1) });
  const holdoutFits = () =>
    baselines.map((b) => {
      const fitted = b.fit(train);
      return { method: fitted.name, forecast: fitted.forecast(holdout) };
    });
  let rows: Array<{ method: string; rmse: number; mae: number; mape: number; mase: number }>;
  let scored: string;
  if (origins === 1) {
    const forecasts = holdoutFits();
    rows = forecasts.map(({ method, forecast: { mean: f } }) => ({ method, ...score(test, f, train) }));
    if (values.plot) await writeBaselinePlot(values.plot, train, firstIndex, test, forecasts.map((f, i) => ({ ...f, rmse: rows[i]!.rmse })));
    scored = `scored on the last ${holdout} (${holdout}-step forecasts)`;
  } else {
    // Rolling origins: the last one is the holdout's; each refits on all values before it.
    const start = y.length - holdout - (origins - 1) * step - train.length;
    if (start < 0) throw new InvalidArgumentError('--origins', `Expected --origins at most ${Math.floor((y.length - holdout - period - 1) / step) + 1} (${y.length} values, step ${step}) but received ${origins}`);
    const window = y.subarray(start);
    rows = baselines.map((b) => {
      const bt = backtest(b, window, { initial: train.length, horizon: holdout, step, refit: 'always' });
      // Named by the model fitted at the last origin (the chosen ETS form, ARIMA orders).
      return { method: bt.model, ...score(bt.actual, bt.forecasts, window.subarray(0, train.length)) };
    });
    if (values.plot) {
      const forecasts = holdoutFits();
      await writeBaselinePlot(values.plot, train, firstIndex, test, forecasts.map((f) => ({ ...f, rmse: rmse(test, f.forecast.mean) })));
    }
    scored = `scored over ${origins} origins ${step} apart (${holdout}-step forecasts each, refitted at each origin; the last origin is the holdout's)`;
  }
  if (values.json) return void console.log(JSON.stringify({ values: y.length, train: train.length, holdout, period, periods, origins, step, baselines: rows }, null, 2));
  const fitted =
    origins > 1
      ? `the ${train.length} values before the first origin, then on the growing history`
      : train.length === y.length - holdout
        ? `the first ${train.length}`
        : `the ${train.length} before them (--fit-last)`;
  console.log(`${y.length} values: ${scored}, fitted on ${fitted}`);
  console.log(`  ${'method'.padEnd(40)}        RMSE          MAE       MAPE %     MASE`);
  for (const r of rows) {
    console.log(`  ${r.method.padEnd(40)}${r.rmse.toPrecision(6).padStart(12)}${r.mae.toPrecision(6).padStart(13)}${r.mape.toFixed(3).padStart(11)}${r.mase.toFixed(3).padStart(9)}`);
  }
}

export async function adfCommand(argv: string[]): Promise<void> {
  const { values } = parseOptions({ args: argv, options: { ...seriesArgs, difference: { type: 'boolean' } } });
  if (values.help) return void console.log(ADF_HELP);
  let y = await readValues(values);
  if (values.difference) y = y.subarray(1).map((v, i) => v - y[i]!);
  const result = {
    values: y.length,
    differenced: Boolean(values.difference),
    adf: { constant: adf(y, { regression: 'c' }), trend: adf(y, { regression: 'ct' }) },
    kpss: { level: kpss(y, { regression: 'c' }), trend: kpss(y, { regression: 'ct' }) },
  };
  if (values.json) return void console.log(JSON.stringify(result, null, 2));
  console.log(`${y.length} values${values.difference ? ' (first differences)' : ''}`);
  for (const [name, r] of [['constant', result.adf.constant], ['constant + trend', result.adf.trend]] as const) {
    const verdict = r.pValue < 0.05 ? 'reject a unit root at 5%' : 'cannot reject a unit root at 5%';
    console.log(`  ADF (${name}): statistic ${r.statistic.toFixed(4)}, p-value ${r.pValue.toFixed(4)}, lag ${r.usedLag}, 5% critical ${r.criticalValues['5%'].toFixed(3)}: ${verdict}`);
  }
  for (const [name, r] of [['level', result.kpss.level], ['trend', result.kpss.trend]] as const) {
    const bound = r.pValue <= 0.01 ? '<= ' : r.pValue >= 0.1 ? '>= ' : '';
    const verdict = r.pValue < 0.05 ? `reject ${name} stationarity at 5%` : `cannot reject ${name} stationarity at 5%`;
    console.log(`  KPSS (${name}): statistic ${r.statistic.toFixed(4)}, p-value ${bound}${r.pValue.toFixed(3)}, lags ${r.lags}: ${verdict}`);
  }
}
