/**
 * `flowcast backtest`: a saved LSTM walked forward over a range (its state
 * carried from origin to origin, multi-step forecasts recursive), scored
 * beside naive, drift, ETS and Theta on the same origins and targets.
 */
import { parseOptions } from './options.js';
import { etsBaseline } from '../classical/ets.js';
import { drift, naive, type Baseline } from '../classical/simple.js';
import { thetaBaseline } from '../classical/theta.js';
import { InvalidArgumentError } from '../core/errors.js';
import { backtest, lstmBacktest, type BacktestResult } from '../forecast/backtest.js';
import { modelAndLevels, parseIntOption } from './args.js';
import { DUPLICATES_MODEL_HELP, DUPLICATES_OPTION } from './duplicates-option.js';

export const BACKTEST_HELP = `Usage: flowcast backtest --model MODEL --data FILE [--range START,END] [--horizon H] [--step S] [--initial N] [--json]

Walk-forward evaluation in the data's units. At origins N, N + S, N + 2S,
... of the range, every method sees the values before the origin and
forecasts the next H:
  the model     its stream state carried forward (each value stepped once),
                steps beyond its horizon forecast recursively
  naive, drift  from the values before each origin
  ETS, Theta    fitted once on the first N values, their parameters then
                applied to the longer history at each origin
RMSE and MAE over all origins and steps, the model's skill against naive,
and RMSE by step ahead.

Options:
  --model MODEL       a model saved by 'flowcast train --out' or model.save()
  --data FILE         CSV or Arrow file with the model's time and value columns
  --range START,END   only this time range (bounds as saved with the model)
  --horizon H         steps forecast at each origin (default 10)
  --step S            values between origins (default H)
  --initial N         values before the first origin (default 1000, at most
                      half the range)
${DUPLICATES_MODEL_HELP}
  --json              print the results as JSON`;

export async function backtestCommand(argv: string[]): Promise<void> {
  const { values } = parseOptions({
    args: argv,
    options: {
      model: { type: 'string' },
      data: { type: 'string' },
      range: { type: 'string' },
      horizon: { type: 'string' },
      step: { type: 'string' },
      initial: { type: 'string' },
      ...DUPLICATES_OPTION,
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return void console.log(BACKTEST_HELP);
  const horizon = parseIntOption('--horizon', values.horizon, 10);
  const step = parseIntOption('--step', values.step, horizon);
  const { model, pipeline, levels } = await modelAndLevels(values);
  try {
    const initial = parseIntOption('--initial', values.initial, Math.max(pipeline.lags + 1, Math.min(1000, Math.floor(levels.length / 2))));
    if (initial <= pipeline.lags) throw new InvalidArgumentError('--initial', `Expected --initial above the model's ${pipeline.lags} lags but received ${initial}`);
    if (initial + horizon > levels.length) {
      throw new InvalidArgumentError('--initial', `Expected --initial + --horizon <= ${levels.length} (the values in range) but received ${initial} + ${horizon}`);
    }
    const options = { initial, horizon, step };
    const baselines: Baseline[] = [naive(), drift(), etsBaseline(), thetaBaseline()];
    const results: BacktestResult[] = [
      lstmBacktest(model, pipeline, levels, { ...options, refit: 'never' }),
      ...baselines.map((b) => backtest(b, levels, { ...options, refit: 'never' })),
    ];
    const naiveRmse = results[1]!.rmse;
    // Baselines by their fitted names (the chosen ETS form).
    const rows = results.map((r, i) => ({ method: i === 0 ? 'model' : r.model, rmse: r.rmse, mae: r.mae, skill_vs_naive: 1 - r.rmse / naiveRmse, rmse_by_step: Array.from(r.rmseByStep) }));
    const summary = { values: levels.length, initial, horizon, step, origins: results[0]!.origins.length, methods: rows };
    if (values.json) return void console.log(JSON.stringify(summary, null, 2));
    console.log(`${levels.length} values: ${summary.origins} origins from ${initial}, ${step} apart, ${horizon} steps ahead each`);
    console.log(`  ${'method'.padEnd(24)}        RMSE          MAE   skill vs naive`);
    for (const r of rows) console.log(`  ${r.method.padEnd(24)}${r.rmse.toPrecision(6).padStart(12)}${r.mae.toPrecision(6).padStart(13)}${r.skill_vs_naive.toFixed(4).padStart(17)}`);
    const steps = (r: (typeof rows)[number]) => r.rmse_by_step.map((v) => v.toPrecision(4)).join(' ');
    console.log(`  RMSE by step ahead, model: ${steps(rows[0]!)}`);
    console.log(`                      naive: ${steps(rows[1]!)}`);
  } finally {
    model.dispose();
  }
}
