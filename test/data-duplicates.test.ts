/**
 * Repeated timestamps: Series.fromTable and regularize with `duplicates`
 * (lib/data/duplicates.ts, series.ts, regularize.ts).
 *
 * Fixture: test/fixtures/metro_traffic_2012-11-04_dst.csv, rows 876-883
 * (1-based lines 877-884) of ../shared/data/metro_interstate_traffic_volume_hourly.csv
 * (UCI "Metro Interstate Traffic Volume", CC BY 4.0; provenance in
 * ../shared/data/README.md), byte for byte with its header: the night daylight
 * saving time ended in Minnesota, when the local hour 01:00 came twice (two
 * rows, temp 275.6 and 275.77 K, traffic 730 both), and 04:00 is missing.
 *
 * Oracles: the fixture's cells as written there, and their means by hand
 * (exact in binary where stated, else within 1e-12).
 */
import t from 'tap';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv, readCsv, regularize, Series } from '../lib/data/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const METRO = join(here, 'fixtures', 'metro_traffic_2012-11-04_dst.csv');
const HOUR = 3_600_000;
const at = (h: number) => Date.UTC(2012, 10, 4, h); // 2012-11-04 hh:00, read as UTC like every zone-less time
const options = { time: 'time', values: ['temp', 'traffic_volume'] };

t.test('by default a repeated hour is refused, naming the option, the time and its rows', async (t) => {
  const table = await readCsv(METRO);
  t.throws(() => Series.fromTable(table, options), {
    name: 'InvalidArgumentError',
    argument: 'options.time',
    message:
      /^Expected unique timestamps for column "time" but rows 3 and 4 have the same timestamp 2012-11-04T01:00:00.000Z \(the first duplicate timestamp; 1 timestamp repeats in all\); pass options.duplicates: 'first', 'last' or 'mean' to keep one row per time \(flowcast CLI: --duplicates\)$/,
  });
  t.throws(() => Series.fromTable(table, { ...options, duplicates: 'error' }), { message: /rows 3 and 4/ }, "'error' is the default");
});

t.test("duplicates: 'first', 'last', 'mean' keep one row per hour", async (t) => {
  const table = await readCsv(METRO);
  const expectedTime = [at(-2), at(-1), at(0), at(1), at(2), at(3), at(5)];
  const first = Series.fromTable(table, { ...options, duplicates: 'first' });
  t.same([...first.time], expectedTime, 'seven distinct hours, in order');
  t.same([...first.values('temp')], [275.67, 275.58, 275.67, 275.6, 275.42, 275.47, 275.33], 'the first 01:00 row');
  const last = Series.fromTable(table, { ...options, duplicates: 'last' });
  t.same([...last.time], expectedTime);
  t.equal(last.values('temp')[3], 275.77, 'the second 01:00 row');
  const mean = Series.fromTable(table, { ...options, duplicates: 'mean' });
  t.ok(Math.abs(mean.values('temp')[3]! - (275.6 + 275.77) / 2) < 1e-12, `mean temp ${mean.values('temp')[3]}`);
  t.same([...mean.values('traffic_volume')], [2552, 1952, 2125, 730, 345, 223, 488], 'equal copies average to themselves (exact)');
});

t.test("'mean' skips NaN; three copies; no duplicates keeps the table's arrays", async (t) => {
  const table = parseCsv('t,v,w\n0,1,NaN\n0,NaN,NaN\n0,4,NaN\n1000,5,6\n2000,7,8\n2000,9,10\n');
  const s = Series.fromTable(table, { time: 't', values: ['v', 'w'], duplicates: 'mean' });
  t.same([...s.time], [0, 1000, 2000]);
  t.same([...s.values('v')], [2.5, 5, 8], 'NaN skipped: (1 + 4) / 2 (exact)');
  t.ok(Number.isNaN(s.values('w')[0]!), 'all copies NaN: NaN');
  const unique = parseCsv('t,v\n0,1\n1000,2\n');
  const kept = Series.fromTable(unique, { time: 't', values: ['v'], duplicates: 'mean' });
  t.equal(kept.values('v').buffer, unique.getChild('v')!.toArray().buffer, 'zero-copy when nothing repeats');
  t.throws(() => Series.fromTable(parseCsv('t,v\n0,1\n0,2\n0,3\n1,4\n1,5\n'), { time: 't', values: ['v'] }), {
    message: /rows 0, 1 and 2 have the same timestamp 1970-01-01T00:00:00.000Z \(the first duplicate timestamp; 2 timestamps repeat in all\)/,
  });
  t.throws(() => Series.fromTable(parseCsv('t,v\n0,1\n2,2\n1,3\n'), { time: 't', values: ['v'], duplicates: 'first' }), {
    message: /Expected timestamps sorted in increasing order/,
  }, 'out-of-order rows are still refused (sort first)');
  t.throws(() => Series.fromTable(unique, { time: 't', values: ['v'], duplicates: 'max' as 'mean' }), {
    name: 'InvalidArgumentError',
    message: /Expected one of 'error', 'first', 'last', 'mean' for options.duplicates but received "max" of type string/,
  });
});

t.test('regularize: rows sharing a grid point are combined; empty points filled', async (t) => {
  // A 10-minute reading at 00:00, two within the 01:00 hour, none at 02:00, one at 03:00.
  const s = Series.from({ time: [0, HOUR, HOUR + 600_000, 3 * HOUR + 1_200_000], values: { v: [1, 2, 4, 8] } });
  t.throws(() => regularize(s, { stepMs: HOUR, fill: 'nan' }), {
    name: 'InvalidArgumentError',
    message: /row 2 \(1970-01-01T01:10:00.000Z\) is off the grid; use fill: 'drop' to discard off-grid rows, or duplicates: 'first', 'last' or 'mean' to put each row on the grid point at or before it/,
  }, "'error' (default): off-grid rows refused as before");
  const mean = regularize(s, { stepMs: HOUR, fill: 'nan', duplicates: 'mean' });
  t.same([...mean.series.time], [0, HOUR, 2 * HOUR, 3 * HOUR], 'hourly grid');
  t.same([...mean.series.values('v')], [1, 3, NaN, 8], '01:00 = mean(2, 4); 02:00 empty; 03:20 binned to 03:00');
  t.same([mean.filled, mean.dropped, mean.combined], [1, 0, 1]);
  const last = regularize(s, { stepMs: HOUR, fill: 'ffill', duplicates: 'last' });
  t.same([...last.series.values('v')], [1, 4, 4, 8], "'last' then ffill");
  const first = regularize(s, { stepMs: HOUR, fill: 'drop', duplicates: 'first' });
  t.same([...first.series.time], [0, HOUR, 3 * HOUR], "'drop' leaves empty points out");
  t.same([...first.series.values('v')], [1, 2, 8]);
  t.same([first.filled, first.dropped, first.combined], [0, 0, 1]);
  t.throws(() => regularize(s, { stepMs: HOUR, fill: 'nan', duplicates: 'median' as 'mean' }), {
    message: /Expected one of 'error', 'first', 'last', 'mean' for options.duplicates/,
  });
});

t.test('the DST night onto an hourly grid: one row per hour, the missing 04:00 as NaN', async (t) => {
  const hourly = Series.fromTable(await readCsv(METRO), { ...options, duplicates: 'mean' });
  const { series, filled } = regularize(hourly, { stepMs: HOUR, fill: 'nan' });
  t.equal(series.length, 8, '22:00 to 05:00');
  t.equal(filled, 1);
  t.ok(Number.isNaN(series.values('traffic_volume')[6]!), '04:00 missing');
  t.equal(series.values('traffic_volume')[7], 488);
});
