/** Small helpers shared by the CLI commands. */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type * as arrow from 'apache-arrow';
import { Series, type SliceBounds } from '../data/series.js';
import { InvalidArgumentError } from '../core/errors.js';
import { ForecastPipeline } from '../data/pipeline.js';
import { loadModel } from '../model/load.js';
import { readArrow } from '../data/arrow-io.js';
import { readCsv } from '../data/csv.js';
import { parseDuplicates } from './duplicates-option.js';

/** "START,END" -> [start, end] (ISO dates or datetimes, UTC). */
export function parseRange(name: string, value: string): [string, string] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new InvalidArgumentError(name, `Expected START,END (e.g. 2017-01-01,2017-05-31) for ${name} but received "${value}"`);
  }
  return [parts[0], parts[1]];
}

/** A positive integer option, at most `max` where the option has a stated limit (LIMITS). */
export function parseIntOption(name: string, value: string | undefined, fallback: number, max?: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(name, `Expected positive integer for ${name} but received "${value}"`);
  if (max !== undefined && n > max) throw new InvalidArgumentError(name, `Expected integer from 1 to ${max} for ${name} but received "${value}"`);
  return n;
}

export function parseSeedOption(name: string, value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(name, `Expected non-negative integer for ${name} but received "${value}"`);
  return n;
}

export function parseNumberOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(name, `Expected positive number for ${name} but received "${value}"`);
  return n;
}

/** A fraction: in [0, 1) when `allowZero` (a dropout rate), else in (0, 1) (a validation split); undefined when absent. */
export function parseFractionOption(name: string, value: string | undefined, allowZero: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() === '' ? NaN : Number(value);
  if (!(n < 1 && (allowZero ? n >= 0 : n > 0))) {
    throw new InvalidArgumentError(name, `Expected a number in ${allowZero ? '[0, 1)' : '(0, 1)'} for ${name} but received "${value}"`);
  }
  return n;
}

/** A count that may be 0 (e.g. a patience in epochs); undefined when absent. */
export function parseCountOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(name, `Expected non-negative integer for ${name} but received "${value}"`);
  return n;
}

/** Reads CSV (optionally .gz) or Arrow IPC (.arrow, .arrows, .feather, .ipc) by extension. */
export async function readTable(path: string): Promise<arrow.Table> {
  const ext = extname(path).toLowerCase();
  return ['.arrow', '.arrows', '.feather', '.ipc'].includes(ext) ? readArrow(path) : readCsv(path);
}

export function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** Where a pipeline's levels come from: saved with the pipeline (ForecastPipeline.source). */
interface LevelSource {
  column?: string;
  time?: string;
  timeUnit?: 's' | 'ms';
  bounds?: SliceBounds;
  duplicates?: string;
}

/**
 * Reads --data and slices --range with the column, time and bounds saved in
 * the pipeline's source; repeated timestamps as --duplicates says, else as
 * the model was trained.
 * @throws InvalidArgumentError for a missing --data, a bad --duplicates or an empty range
 */
export async function readLevels(values: { data?: string; range?: string; duplicates?: string }, pipeline: ForecastPipeline): Promise<{ series: Series; levels: Float64Array }> {
  if (!values.data) throw new InvalidArgumentError('--data', 'Expected a data file for --data but received nothing');
  const src = pipeline.source as LevelSource;
  const column = src.column ?? 'Close';
  const duplicates = parseDuplicates(values.duplicates, src.duplicates);
  const table = await readTable(values.data);
  let series = Series.fromTable(table, { time: src.time ?? 'Timestamp', timeUnit: src.timeUnit ?? 's', values: [column], duplicates });
  if (values.range) {
    const [a, b] = parseRange('--range', values.range);
    series = series.slice(a, b, { bounds: src.bounds ?? '[)' });
  }
  if (series.length === 0) throw new InvalidArgumentError('--range', `Expected rows in ${values.range} but found none`);
  return { series, levels: series.values(column) };
}

/** Writes time,actual,predicted,naive rows to `out` (or stdout). */
export async function writeForecasts(
  out: string | undefined,
  series: Series,
  levels: ArrayLike<number>,
  targetIndex: ArrayLike<number>,
  predicted: ArrayLike<number>,
  naive: ArrayLike<number>,
): Promise<void> {
  const rows = ['time,actual,predicted,naive'];
  for (let i = 0; i < targetIndex.length; i++) {
    const t = targetIndex[i]!;
    rows.push(`${isoMinute(series.time[t]!)},${levels[t]},${predicted[i]},${naive[i]}`);
  }
  const text = rows.join('\n') + '\n';
  if (out) {
    await writeFile(out, text);
    console.error(`wrote ${targetIndex.length} forecasts to ${out}`);
  } else {
    process.stdout.write(text);
  }
}

/** Loads a model, its pipeline and the levels of the requested range. */
export async function modelAndLevels(values: { model?: string; data?: string; range?: string; duplicates?: string }) {
  if (!values.model) throw new InvalidArgumentError('--model', 'Expected a model file for --model but received nothing');
  const model = await loadModel(values.model);
  try {
    if (!model.pipeline) {
      throw new InvalidArgumentError('--model', `Expected a model saved with its pipeline (flowcast train) but ${values.model} has none`);
    }
    const pipeline = ForecastPipeline.fromJSON(model.pipeline);
    return { model, pipeline, ...(await readLevels(values, pipeline)) };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
