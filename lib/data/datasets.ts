/**
 * The real data sets shipped in the package's data/ folder, findable by name
 * from an installed package (a relative path such as 'data/...' only works
 * inside a clone of the repository).
 *
 * @example
 * import { datasets, Series } from 'flowcast';
 * const table = await datasets.load('btc-2017h1');          // an Arrow table
 * const close = Series.fromTable(table, { time: 'Timestamp', timeUnit: 's', values: ['Close'] });
 * datasets.path('taylor');                                   // absolute path of the .csv.gz
 */
import { fileURLToPath } from 'node:url';
import type * as arrow from 'apache-arrow';
import { oneOf } from '../core/validate.js';
import { readCsv, type CsvOptions } from './csv.js';

/** What a shipped data set is, where it came from and how to read it. */
export interface DatasetInfo {
  /** The name `datasets.path` / `datasets.load` take. */
  readonly name: string;
  /** File name inside the package's data/ folder. */
  readonly file: string;
  /** Absolute path of the file in this installation. */
  readonly path: string;
  readonly description: string;
  /** Where the values come from and what was done to them (the README's "Data provenance" has the full story). */
  readonly provenance: string;
  readonly license: string;
  /** SHA-256 of the uncompressed CSV. */
  readonly sha256: string;
  readonly rows: number;
  /** Time column, and its unit when it holds epoch numbers (absent for ISO text). */
  readonly time: string;
  readonly timeUnit?: 's' | 'ms';
  /** The value columns, in file order. */
  readonly columns: readonly string[];
  /** Seasonal periods in rows (e.g. 48 and 336 for half-hourly data), empty when none are natural. */
  readonly periods: readonly number[];
}

type DatasetEntry = Omit<DatasetInfo, 'path'>;

// Built in dist/data/ and lib/data/: the package root is two levels up.
const DATA_DIR = new URL('../../data/', import.meta.url);

const ENTRIES: readonly DatasetEntry[] = [
  {
    name: 'btc-2017h1',
    file: 'btcusd_bitfinex_1min_2017H1.csv.gz',
    description:
      'Bitcoin / US dollar 1-minute OHLCV candles from the Bitfinex exchange, 2017-01-01 00:00 to 2017-06-30 23:59 UTC ' +
      '(a row only for minutes with a trade: 7.6 % of minutes have none); the textbook chapter\'s window',
    provenance:
      'GitHub Zombie-3000/Bitfinex-historical-data at fc162575330dad255443a75137c67cee7d89be0d, BTCUSD/Candles_1m/2017/raw/01..06 ' +
      '(raw Bitfinex public API responses), merged in time order, duplicate timestamps removed (none conflicted), ' +
      'milliseconds converted to seconds, columns reordered to Open/High/Low/Close; number text copied exactly',
    license: 'none stated by the repository ("provided as-is without any warranty"); Bitfinex public market data',
    sha256: 'd6dace533a7400060e25638549db357ad25f58362eac7bf4678c88eb3ccf5ad7',
    rows: 240763,
    time: 'Timestamp',
    timeUnit: 's',
    columns: ['Open', 'High', 'Low', 'Close', 'Volume_(BTC)'],
    periods: [],
  },
  {
    name: 'taylor',
    file: 'taylor_electricity_halfhourly.csv.gz',
    description:
      'Half-hourly electricity demand (MW) in England and Wales, Monday 2000-06-05 to Sunday 2000-08-27 ' +
      '(12 weeks, 4,032 values, no gaps; local clock times); daily (48) and weekly (336) seasons',
    provenance:
      'R package forecast 8.20 (Debian r-cran-forecast 8.20-1), data set taylor (James W. Taylor, J. Oper. Res. Soc. 54, 799-805, 2003), ' +
      'exported with R 4.2.2; timestamps built as 2000-06-05 00:00 plus 30 minutes per row, as its documentation dates the series; values unchanged',
    license: 'distributed in the GPL-3 forecast package; the data set states no separate license',
    sha256: '345a9f41e1594821f3e4fc661bc5d5b4b0ac1c2b2e5e4c3e0bd8106f97587518',
    rows: 4032,
    time: 'time',
    columns: ['demand_MW'],
    periods: [48, 336],
  },
];

const NAMES = ENTRIES.map((e) => e.name);

function withPath(e: DatasetEntry): DatasetInfo {
  return Object.freeze({ ...e, path: fileURLToPath(new URL(e.file, DATA_DIR)) });
}

function entry(name: unknown): DatasetEntry {
  const n = oneOf('name', name, NAMES);
  return ENTRIES.find((e) => e.name === n)!;
}

export const datasets = {
  /** Every shipped data set, in a stable order. */
  list(): DatasetInfo[] {
    return ENTRIES.map(withPath);
  },

  /** @throws InvalidArgumentError for a name that is not shipped */
  info(name: string): DatasetInfo {
    return withPath(entry(name));
  },

  /**
   * Absolute path of a shipped data set's file, for `readCsv` or the CLI's `--data`.
   * @throws InvalidArgumentError for a name that is not shipped
   */
  path(name: string): string {
    return withPath(entry(name)).path;
  },

  /**
   * Reads a shipped data set as an Arrow table (`readCsv` of its file; `options.columns` reads only those).
   * @throws InvalidArgumentError for a name that is not shipped
   */
  async load(name: string, options?: CsvOptions): Promise<arrow.Table> {
    return readCsv(withPath(entry(name)).path, options);
  },
};
