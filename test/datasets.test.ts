/**
 * The shipped data sets (lib/data/datasets.ts).
 *
 * Oracles: the SHA-256 of each file's uncompressed bytes against the value
 * the catalogue states (which is the one in the project's data README, for
 * the CSV the file was made from), the stated row count, time and value
 * columns against what readCsv finds, and the file list against data/ (every
 * file there is catalogued, and nothing else). Exact comparisons.
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { InvalidArgumentError, Series, datasets } from '../lib/index.js';

const DATA = join(dirname(fileURLToPath(import.meta.url)), '..', 'data');

t.test('every file in data/ is catalogued, and every catalogued file is there', async (t) => {
  const list = datasets.list();
  t.same(list.map((d) => d.file).sort(), readdirSync(DATA).sort(), 'data/ and the catalogue name the same files');
  t.same(list.map((d) => d.name), ['btc-2017h1', 'taylor'], 'names, in a stable order');
  for (const d of list) {
    t.equal(d.path, join(DATA, d.file), `${d.name}: path is absolute, in data/`);
    t.equal(datasets.path(d.name), d.path, `${d.name}: path() agrees with list()`);
    t.same(datasets.info(d.name), d, `${d.name}: info() agrees with list()`);
    for (const k of ['description', 'provenance', 'license'] as const) t.ok(d[k].length > 20, `${d.name}: ${k} is stated`);
  }
});

t.test('each file is the CSV its catalogue entry describes', async (t) => {
  for (const d of datasets.list()) {
    const csv = gunzipSync(readFileSync(d.path));
    t.equal(createHash('sha256').update(csv).digest('hex'), d.sha256, `${d.name}: SHA-256 of the uncompressed CSV`);
    const table = await datasets.load(d.name);
    t.equal(table.numRows, d.rows, `${d.name}: ${d.rows} rows`);
    t.same(table.schema.fields.map((f) => f.name), [d.time, ...d.columns], `${d.name}: time column, then the value columns`);
    const series = Series.fromTable(table, { time: d.time, ...(d.timeUnit ? { timeUnit: d.timeUnit } : {}), values: [...d.columns] });
    t.equal(series.length, d.rows, `${d.name}: reads as a Series with the stated time column`);
  }
});

t.test('load passes CSV options through', async (t) => {
  const table = await datasets.load('taylor', { columns: ['demand_MW'] });
  t.same(table.schema.fields.map((f) => f.name), ['demand_MW']);
  t.equal(table.getChild('demand_MW')!.get(0), 22262, 'first value of the Taylor series (2000-06-05 00:00)');
});

t.test('an unknown name is an InvalidArgumentError naming the choices', async (t) => {
  const message = `Expected one of 'btc-2017h1', 'taylor' for name but received "btc" of type string`;
  t.throws(() => datasets.path('btc'), { constructor: InvalidArgumentError, argument: 'name', message });
  t.throws(() => datasets.info('btc'), { constructor: InvalidArgumentError, message });
  await t.rejects(datasets.load('btc'), { constructor: InvalidArgumentError, message });
  t.throws(() => datasets.path(undefined as unknown as string), { constructor: InvalidArgumentError, message: /received undefined of type undefined/ });
});
