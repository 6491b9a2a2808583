/**
 * A time-indexed set of numeric columns: the TypeScript counterpart of the
 * book's DataFrame indexed by `pd.to_datetime(df.Timestamp, unit='s')`.
 *
 * Every column is a Float64Array of one common length; `time` holds epoch
 * milliseconds (UTC) and is strictly increasing, checked on construction, so
 * date slicing is two binary searches and a `subarray` (no copy).
 */
import * as arrow from 'apache-arrow';
import { InvalidArgumentError } from '../core/errors.js';
import { invalid, oneOf, optional, plainObject } from '../core/validate.js';
import { checkDuplicatePolicy, combineGroups, groupStarts, type DuplicatePolicy } from './duplicates.js';
import { buildTable } from './table.js';
import { MAX_DATE_MS, parseIsoUtc, showTime, toEpochMs } from './time.js';

/** Which ends of a {@link Series.slice} range are included: `[` closed, `(` open. */
export type SliceBounds = '[)' | '(]' | '[]' | '()';

/** A time given as a Date, an ISO string (UTC; date-only = midnight) or epoch ms. */
export type TimeLike = Date | string | number;

/** Options for {@link Series.fromTable}. */
export interface SeriesFromTableOptions {
  /** Name of the time column. */
  time: string;
  /**
   * Unit of a numeric time column: `'s'` (Unix seconds, as in the bitcoin
   * file's `Timestamp`) or `'ms'` (default). Ignored for Arrow Timestamp and
   * Date columns, which carry their own unit, and for ISO string columns.
   */
  timeUnit?: 's' | 'ms';
  /** Names of the numeric value columns to take, in order. */
  values: string[];
  /**
   * Rows that share a timestamp (the hour repeated when daylight saving
   * time ends, one row per weather report): `'error'` refuses them
   * (default), `'first'` / `'last'` keep the first / last row of each time
   * in table order, `'mean'` averages each value column over them (NaN
   * skipped). See {@link DuplicatePolicy}.
   */
  duplicates?: DuplicatePolicy;
}

/** Input of {@link Series.from}. */
export interface SeriesInit {
  /** Epoch milliseconds, strictly increasing. A Float64Array is kept, not copied. */
  time: Float64Array | ArrayLike<number>;
  /** Value columns by name, each as long as `time`. Float64Arrays are kept, not copied. */
  values: Record<string, Float64Array | ArrayLike<number>>;
  /** Name of the time column in {@link Series.toTable}. Default `'time'`. */
  timeName?: string;
}

/** Options for {@link Series.toTable}. */
export interface SeriesToTableOptions {
  /**
   * Arrow type of the time column: `'timestamp'` (Timestamp[ms, UTC-naive],
   * default; pandas reads it as datetime64) or `'float64'` (epoch ms, no copy).
   */
  timeType?: 'timestamp' | 'float64';
}

function availableList(names: readonly string[]): string {
  return names.map((c) => JSON.stringify(c)).join(', ');
}

function missingColumn(argument: string, name: unknown, available: readonly string[]): InvalidArgumentError {
  const base = invalid(argument, 'a column of the table', name);
  return new InvalidArgumentError(argument, `${base.message}; available columns: ${availableList(available)}`);
}

/**
 * Check that `time` is finite, within the Date range and increasing:
 * strictly, or with runs of equal times when `allowRepeats` (they are
 * combined afterwards). Errors name the first offending row and both
 * timestamps; duplicates get their own message, naming every row of the
 * first repeated time and `duplicatesHint` (how to combine them), because
 * their fix differs from that of disorder (sort).
 */
function checkTime(time: Float64Array, what: string, argument: string, allowRepeats: boolean, duplicatesHint: string): void {
  for (let i = 0; i < time.length; i++) {
    const t = time[i]!;
    if (!Number.isFinite(t)) {
      throw new InvalidArgumentError(argument, `Expected finite timestamps for ${what} but received ${t} at row ${i}`);
    }
    if (Math.abs(t) > MAX_DATE_MS) {
      throw new InvalidArgumentError(
        argument,
        `Expected timestamps within the Date range (at most ${MAX_DATE_MS} ms from 1970) for ${what} but received ${t} ms at row ${i}`,
      );
    }
    if (i === 0) continue;
    const prev = time[i - 1]!;
    if (t === prev && !allowRepeats) throw duplicateTimes(time, i - 1, what, argument, duplicatesHint);
    if (t < prev) {
      throw new InvalidArgumentError(
        argument,
        `Expected timestamps sorted in increasing order for ${what} but row ${i} (${showTime(t)}) ` +
          `is earlier than row ${i - 1} (${showTime(prev)})`,
      );
    }
  }
}

/** The duplicate-timestamp error for the run of equal times that starts at row `first`. */
function duplicateTimes(time: Float64Array, first: number, what: string, argument: string, hint: string): InvalidArgumentError {
  const t = time[first]!;
  let end = first + 1;
  while (end < time.length && time[end] === t) end++;
  const rows = Array.from({ length: end - first }, (_, k) => String(first + k));
  const rowList = `${rows.slice(0, -1).join(', ')} and ${rows.at(-1)}`;
  let repeated = 0;
  for (let i = 1; i < time.length; i++) if (time[i] === time[i - 1] && time[i] !== time[i - 2]) repeated++;
  return new InvalidArgumentError(
    argument,
    `Expected unique timestamps for ${what} but rows ${rowList} have the same timestamp ${showTime(t)} ` +
      `(the first duplicate timestamp; ${repeated} ${repeated === 1 ? 'timestamp repeats' : 'timestamps repeat'} in all); ${hint}`,
  );
}

/** Refuse +-Infinity in a value column (a CSV `inf` or `1e999`); NaN is a missing value and stays. */
function checkNoInfinity(values: Float64Array, name: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === Infinity || v === -Infinity) {
      throw new InvalidArgumentError(
        'options.values',
        `Expected finite numbers or NaN (missing) in column ${JSON.stringify(name)} for options.values but received ${v} at row ${i} ` +
          `(a number too large for a double, such as 1e999, reads as Infinity)`,
      );
    }
  }
}

/** Read an Arrow numeric column as Float64 (nulls -> NaN); zero-copy when possible. */
function numericColumn(vector: arrow.Vector, name: string, argument: string): Float64Array {
  const type = vector.type;
  if (arrow.DataType.isFloat(type) && type.precision === arrow.Precision.DOUBLE && vector.data.length === 1 && vector.nullCount === 0) {
    return vector.toArray() as Float64Array;
  }
  if (!arrow.DataType.isFloat(type) && !arrow.DataType.isInt(type)) {
    throw new InvalidArgumentError(
      argument,
      `Expected numeric (Float or Int) column for ${argument} but received ${JSON.stringify(name)} of type ${type}`,
    );
  }
  const out = new Float64Array(vector.length);
  for (let i = 0; i < out.length; i++) {
    const v = vector.get(i) as number | bigint | null;
    out[i] = v === null ? NaN : Number(v);
  }
  return out;
}

/** Read an Arrow time column as epoch ms: numeric (s or ms), Timestamp, Date or ISO strings. */
function timeColumn(vector: arrow.Vector, name: string, unit: 's' | 'ms'): Float64Array {
  const type = vector.type;
  const n = vector.length;
  if (arrow.DataType.isTimestamp(type) || arrow.DataType.isDate(type)) {
    // get() converts every Timestamp/Date unit to epoch milliseconds.
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = vector.get(i) as number | Date | null;
      out[i] = v === null ? NaN : v instanceof Date ? v.getTime() : Number(v);
    }
    return out;
  }
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isLargeUtf8(type)) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = vector.get(i) as string | null;
      const t = v === null ? NaN : parseIsoUtc(v);
      if (Number.isNaN(t) && v !== null) {
        throw new InvalidArgumentError(
          'options.time',
          `Expected ISO dates (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS) in column ${JSON.stringify(name)} for options.time ` +
            `but received ${JSON.stringify(v)} at row ${i}`,
        );
      }
      out[i] = t;
    }
    return out;
  }
  const values = numericColumn(vector, name, 'options.time');
  // Range-check before converting, so the message shows the value as written.
  const limit = unit === 's' ? MAX_DATE_MS / 1000 : MAX_DATE_MS;
  for (let i = 0; i < n; i++) {
    if (Math.abs(values[i]!) > limit) {
      throw new InvalidArgumentError(
        'options.time',
        `Expected epoch ${unit === 's' ? 'seconds' : 'milliseconds'} within the Date range (at most ${limit} from 1970) ` +
          `in column ${JSON.stringify(name)} for options.time but received ${values[i]} at row ${i}`,
      );
    }
  }
  if (unit === 'ms') return values;
  // Seconds -> ms must copy: the Arrow buffer belongs to the table.
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i]! * 1000;
  return out;
}

/** First index i with time[i] >= x (strict=false) or time[i] > x (strict=true). */
function search(time: Float64Array, x: number, strict: boolean): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const t = time[mid]!;
    if (t < x || (strict && t === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A time-indexed view over numeric columns. Immutable by convention: slices
 * share memory with their parent, so write to `values()` arrays only if you
 * own every view of them.
 *
 * @example
 * const table = await readCsv('data/btcusd_bitfinex_1min_2017H1.csv');
 * const series = Series.fromTable(table, { time: 'Timestamp', timeUnit: 's', values: ['Close'] });
 * const train = series.slice('2017-01-01', '2017-05-31', { bounds: '(]' }); // the book's mask
 * train.values('Close'); // Float64Array, shares the table's memory
 */
export class Series {
  /** Epoch milliseconds (UTC), strictly increasing. */
  readonly time: Float64Array;
  /** Value column names, in order. */
  readonly columns: string[];
  /** Name of the time column (used by {@link Series.toTable}). */
  readonly timeName: string;
  readonly #values: Map<string, Float64Array>;

  private constructor(time: Float64Array, values: Map<string, Float64Array>, timeName: string) {
    this.time = time;
    this.#values = values;
    this.columns = [...values.keys()];
    this.timeName = timeName;
  }

  /** Number of rows. */
  get length(): number {
    return this.time.length;
  }

  /**
   * The values of one column, as a Float64Array (a view, not a copy).
   *
   * @param name column name
   * @throws {InvalidArgumentError} unknown column (the message lists the available ones)
   * @example
   * series.values('Close')[0]; // 966.61
   */
  values(name: string): Float64Array {
    const v = this.#values.get(name);
    if (v === undefined) {
      const base = invalid('name', 'a column of the series', name);
      throw new InvalidArgumentError('name', `${base.message}; available columns: ${availableList(this.columns)}`);
    }
    return v;
  }

  /**
   * Build a series from an Arrow table (for instance from {@link readCsv}).
   *
   * A value column that is a single-chunk Float64 column without nulls is
   * used as is (`toArray()` is a view of the Arrow buffer: no copy). Other
   * numeric columns (Float32, Int*, multi-chunk, with nulls) are copied into
   * a Float64Array with NaN for nulls. The time column may be numeric (epoch
   * seconds or ms per `timeUnit`), an Arrow Timestamp/Date, or ISO strings
   * (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`; read as UTC).
   *
   * @param table the source table
   * Rows that share a timestamp are refused unless `duplicates` says how to
   * combine them (`'first'`, `'last'`, `'mean'`); combined columns are
   * copies. A value cell of +-Infinity (a CSV `inf`, or `1e999`, too large
   * for a double) is refused; NaN is a missing value and kept.
   *
   * @param table the source table
   * @param options `time` column, `timeUnit` (`'ms'` default, or `'s'`),
   *   `values` columns, `duplicates` (`'error'` default, `'first'`, `'last'`, `'mean'`)
   * @throws {InvalidArgumentError} a missing column (the message names it and
   *   lists the available ones); a non-numeric value column; an infinite
   *   value (names the column, row and value); an unparseable ISO time;
   *   NaN/null time (names the row); a time outside the JavaScript Date
   *   range, e.g. 1e300 s (names the column, row and value); with
   *   `duplicates: 'error'`, duplicate timestamps (names the first repeated
   *   time, its rows and the option); timestamps out of order (names the
   *   first offending row and both timestamps)
   * @example
   * const s = Series.fromTable(table, { time: 'Timestamp', timeUnit: 's', values: ['Open', 'Close'] });
   * const hourly = Series.fromTable(traffic, { time: 'time', values: ['traffic_volume'], duplicates: 'mean' });
   */
  static fromTable(table: arrow.Table, options: SeriesFromTableOptions): Series {
    if (!(table instanceof arrow.Table)) throw invalid('table', 'apache-arrow Table', table);
    const o = plainObject('options', options);
    const available = table.schema.fields.map((f) => f.name);
    if (typeof o.time !== 'string' || o.time.length === 0) throw invalid('options.time', 'column name', o.time);
    const unit = optional(o.timeUnit, 'ms' as const, (v) => oneOf('options.timeUnit', v, ['s', 'ms'] as const));
    const duplicates = checkDuplicatePolicy('options.duplicates', o.duplicates);
    if (!Array.isArray(o.values) || !o.values.every((v) => typeof v === 'string' && v.length > 0)) {
      throw invalid('options.values', 'array of column names', o.values);
    }
    const names = o.values as string[];
    if (new Set(names).size !== names.length) throw invalid('options.values', 'array of distinct column names', names);
    const timeName = o.time;
    if (names.includes(timeName)) {
      throw invalid('options.values', `column names other than the time column ${JSON.stringify(timeName)}`, timeName);
    }
    const timeVector = table.getChild(timeName);
    if (timeVector === null) throw missingColumn('options.time', timeName, available);
    const values = new Map<string, Float64Array>();
    for (const name of names) {
      const vector = table.getChild(name);
      if (vector === null) throw missingColumn('options.values', name, available);
      const column = numericColumn(vector, name, 'options.values');
      checkNoInfinity(column, name);
      values.set(name, column);
    }
    const time = timeColumn(timeVector, timeName, unit);
    const hint = "pass options.duplicates: 'first', 'last' or 'mean' to keep one row per time (flowcast CLI: --duplicates)";
    checkTime(time, `column ${JSON.stringify(timeName)}`, 'options.time', duplicates !== 'error', hint);
    if (duplicates === 'error') return new Series(time, values, timeName);
    const starts = groupStarts(time);
    if (starts === null) return new Series(time, values, timeName);
    const combined = new Map<string, Float64Array>();
    for (const [name, column] of values) combined.set(name, combineGroups(column, starts, duplicates));
    return new Series(combineGroups(time, starts, 'first'), combined, timeName);
  }

  /**
   * Build a series from arrays. Float64Arrays are kept (no copy); other
   * array-likes are copied into Float64Arrays.
   *
   * @param init `time` (epoch ms), `values` by column name, optional `timeName`
   * @throws {InvalidArgumentError} a column whose length differs from
   *   `time`'s; non-finite, duplicate or unsorted timestamps
   * @example
   * const s = Series.from({ time: [0, 60_000, 120_000], values: { price: [1, 2, 3] } });
   */
  static from(init: SeriesInit): Series {
    const o = plainObject('init', init);
    const toF64 = (name: string, v: unknown): Float64Array => {
      if (v instanceof Float64Array) return v;
      if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) {
        return Float64Array.from(v as ArrayLike<number>, Number);
      }
      throw invalid(name, 'Float64Array or array of numbers', v);
    };
    const time = toF64('init.time', o.time);
    const timeName = optional(o.timeName, 'time', (v) => {
      if (typeof v !== 'string' || v.length === 0) throw invalid('init.timeName', 'non-empty string', v);
      return v;
    });
    const record = plainObject('init.values', o.values);
    const values = new Map<string, Float64Array>();
    for (const [name, column] of Object.entries(record)) {
      if (name === timeName) {
        throw invalid('init.values', `column names other than the time column ${JSON.stringify(timeName)}`, name);
      }
      const arr = toF64(`init.values.${name}`, column);
      if (arr.length !== time.length) {
        throw new InvalidArgumentError(
          `init.values.${name}`,
          `Expected length ${time.length} (the length of init.time) for init.values.${name} but received length ${arr.length}`,
        );
      }
      values.set(name, arr);
    }
    checkTime(time, 'init.time', 'init.time', false, 'keep one row per time');
    return new Series(time, values, timeName);
  }

  /**
   * The rows whose time lies between `start` and `end`. The result shares
   * memory with this series (`subarray`).
   *
   * Bounds: `'[)'` (default) is `start <= t < end`, so consecutive slices
   * tile the time axis without overlap; `'(]'` is the book's pandas mask
   * `(df.index > start) & (df.index <= end)`; `'[]'` and `'()'` are closed
   * and open. A date-only string is midnight UTC, so with `'(]'`
   * `slice('2017-01-01', '2017-05-31')` keeps 2017-01-01 00:01 through
   * 2017-05-31 00:00 exactly, as the book does.
   *
   * @param start lower bound: Date, ISO string (UTC) or epoch ms
   * @param end upper bound, not before `start`
   * @param options `bounds`, default `'[)'`
   * @returns the sub-series (possibly empty)
   * @throws {InvalidArgumentError} an unparseable bound, `end` before
   *   `start`, or an unknown `options.bounds`
   * @example
   * const test = series.slice('2017-06-01', '2017-06-30', { bounds: '(]' });
   */
  slice(start: TimeLike, end: TimeLike, options?: { bounds?: SliceBounds }): Series {
    const t0 = toEpochMs(start, 'start');
    const t1 = toEpochMs(end, 'end');
    if (t1 < t0) throw invalid('end', `a time not before start (${showTime(t0)})`, end);
    const o = optional(options, {} as Record<string, unknown>, (v) => plainObject('options', v));
    const bounds = optional(o.bounds, '[)' as SliceBounds, (v) =>
      oneOf('options.bounds', v, ['[)', '(]', '[]', '()'] as const),
    );
    const i0 = search(this.time, t0, bounds[0] === '(');
    const i1 = Math.max(i0, search(this.time, t1, bounds[1] === ']'));
    return this.rows(i0, i1);
  }

  /**
   * Rows `[begin, end)` by position, sharing memory (like `subarray`).
   *
   * @param begin first row (clamped to [0, length])
   * @param end one past the last row (clamped to [begin, length])
   * @example
   * series.rows(0, 100).length; // 100
   */
  rows(begin: number, end: number = this.length): Series {
    if (typeof begin !== 'number' || Number.isNaN(begin)) throw invalid('begin', 'number', begin);
    if (typeof end !== 'number' || Number.isNaN(end)) throw invalid('end', 'number', end);
    const b = Math.min(Math.max(0, Math.trunc(begin)), this.length);
    const e = Math.min(Math.max(b, Math.trunc(end)), this.length);
    const values = new Map<string, Float64Array>();
    for (const [name, v] of this.#values) values.set(name, v.subarray(b, e));
    return new Series(this.time.subarray(b, e), values, this.timeName);
  }

  /**
   * Back to an Arrow table: the time column (named {@link Series.timeName})
   * first, then the value columns as Float64 (no copy).
   *
   * @param options `timeType`: `'timestamp'` (Timestamp[ms], default; ms are
   *   rounded to integers) or `'float64'` (epoch ms, no copy)
   * @throws {InvalidArgumentError} unknown `options.timeType`
   * @example
   * await writeArrow(series.toTable(), 'train.arrow');
   */
  toTable(options?: SeriesToTableOptions): arrow.Table {
    const o = optional(options, {} as Record<string, unknown>, (v) => plainObject('options', v));
    const timeType = optional(o.timeType, 'timestamp' as const, (v) =>
      oneOf('options.timeType', v, ['timestamp', 'float64'] as const),
    );
    let timeVector: arrow.Vector | Float64Array = this.time;
    if (timeType === 'timestamp') {
      const ms = new BigInt64Array(this.length);
      for (let i = 0; i < ms.length; i++) ms[i] = BigInt(Math.round(this.time[i]!));
      timeVector = arrow.makeVector(
        arrow.makeData({ type: new arrow.TimestampMillisecond(), length: ms.length, nullCount: 0, data: ms }),
      );
    }
    return buildTable(
      [this.timeName, ...this.columns],
      [timeVector, ...this.columns.map((c) => this.#values.get(c)!)],
      this.length,
    );
  }
}
