/**
 * The CLI's pictures: the demo's test forecasts against the price, and the
 * baseline table's forecasts against the held-out values. Both write a
 * standalone SVG (lib/plot/chart.ts).
 */
import { writeFile } from 'node:fs/promises';
import { lineChart } from '../plot/chart.js';
import type { BaselineForecast } from '../classical/simple.js';
import type { ForecastEvaluation } from '../model/evaluate-forecast.js';

const ACTUAL = '#222222';
const METHOD_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759'];

/**
 * The first `points` one-step forecasts of the test range in price units:
 * actual, model and naive, against time.
 */
export async function writeTestPlot(
  path: string,
  ev: ForecastEvaluation,
  levels: ArrayLike<number>,
  times: ArrayLike<number>,
  points: number,
  column: string,
  modelName = 'LSTM',
): Promise<void> {
  const { targetIndex, levels: predicted, naiveLevels } = ev.predictions;
  const n = Math.min(points, targetIndex.length);
  const x = Float64Array.from({ length: n }, (_, i) => times[targetIndex[i]!]!);
  const svg = lineChart({
    title: `Test: the first ${n} one-step forecasts of ${column}`,
    x,
    xAxis: 'time',
    yLabel: column,
    lines: [
      { name: 'actual', y: Float64Array.from({ length: n }, (_, i) => levels[targetIndex[i]!]!), color: ACTUAL },
      { name: modelName, y: predicted.subarray(0, n), color: METHOD_COLORS[0]! },
      { name: 'naive', y: naiveLevels.subarray(0, n), color: METHOD_COLORS[3]!, dashed: true },
    ],
  });
  await writeFile(path, svg);
}

/**
 * The last values before the holdout, the holdout, and the forecasts of
 * naive and of the three methods with the lowest RMSE, with the best one's
 * 80% interval; x is the index in the series (history starts at firstIndex).
 */
export async function writeBaselinePlot(path: string, history: ArrayLike<number>, firstIndex: number, actual: ArrayLike<number>, rows: Array<{ method: string; rmse: number; forecast: BaselineForecast }>): Promise<void> {
  const h = actual.length;
  const shown = Math.min(history.length, 3 * h);
  const start = history.length - shown;
  const span = shown + h;
  const padded = (values: ArrayLike<number>, offset: number) => Float64Array.from({ length: span }, (_, i) => (i >= offset && i - offset < values.length ? values[i - offset]! : NaN));
  const observed = padded([...Array.from(history).slice(start), ...Array.from(actual)], 0);
  const ranked = [...rows].sort((a, b) => a.rmse - b.rmse);
  const picked = [...ranked.slice(0, 3), ...rows.filter((r) => r.method === 'naive' && !ranked.slice(0, 3).includes(r))];
  const best = ranked[0]!;
  const interval = best.forecast.level.indexOf(80);
  const x = Float64Array.from({ length: span }, (_, i) => firstIndex + start + i);
  const svg = lineChart({
    title: `Forecasts of the last ${h} values (lowest RMSE first)`,
    x,
    xLabel: 'index in the series',
    marker: { x: firstIndex + history.length - 0.5, label: 'holdout' },
    lines: [
      { name: 'actual', y: observed, color: ACTUAL },
      ...picked.map((r, k) => ({ name: `${r.method} (RMSE ${r.rmse.toPrecision(4)})`, y: padded(r.forecast.mean, shown), color: METHOD_COLORS[k]!, dashed: r.method === 'naive' })),
    ],
    bands: interval >= 0 ? [{ name: `${best.method} 80% interval`, lower: padded(best.forecast.lower[interval]!, shown), upper: padded(best.forecast.upper[interval]!, shown), color: METHOD_COLORS[0]! }] : [],
  });
  await writeFile(path, svg);
}
