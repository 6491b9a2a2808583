/**
 * flowcast's data layer: CSV and Arrow I/O, a time-indexed Series with date
 * slicing and grid regularization, differencing, scalers and lag windows.
 * Together they reproduce the book's pandas/scikit-learn pipeline
 * (read_data -> select_dates -> diff_data -> scale_data -> lag_dataframe).
 *
 * @example
 * import { readCsv, Series, difference, MinMaxScaler, lagWindows } from './data/index.js';
 * const series = Series.fromTable(await readCsv('btc.csv'), { time: 'Timestamp', timeUnit: 's', values: ['Close'] });
 * const train = series.slice('2017-01-01', '2017-05-31', { bounds: '(]' });
 * const scaler = new MinMaxScaler({ range: [-1, 1] });
 * const scaled = scaler.fitTransform(difference(train.values('Close')));
 * const { x, y } = lagWindows(scaled, { lags: 10 });
 */
export { readCsv, parseCsv, type CsvOptions } from './csv.js';
export { readArrow, writeArrow, type WriteArrowOptions } from './arrow-io.js';
export {
  Series,
  type SeriesFromTableOptions,
  type SeriesInit,
  type SeriesToTableOptions,
  type SliceBounds,
  type TimeLike,
} from './series.js';
export { regularize, type RegularizeFill, type RegularizeOptions, type RegularizeResult } from './regularize.js';
export { type DuplicatePolicy } from './duplicates.js';
export { parseIsoUtc, toEpochMs } from './time.js';
export { difference, integrate, undifferenceOneStep, type DifferenceFill } from './difference.js';
export {
  MinMaxScaler,
  StandardScaler,
  scalerFromJSON,
  type MinMaxScalerJSON,
  type StandardScalerJSON,
  type ScalerJSON,
  type Scaler,
} from './scalers.js';
export { lagWindows, type LagWindowOptions, type LagWindows } from './windows.js';
export { streamOrder, reorder, restoreOrder, type StreamOrder } from './streams.js';
export { datasets, type DatasetInfo } from './datasets.js';
