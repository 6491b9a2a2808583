// Fitting times of flowcast's arima(), autoArima(), ets(), stlf() and thetaf()
// beside R forecast's Arima(), auto.arima(), ets(), stlf() and thetaf() on the
// conformance cases (the series of test/fixtures/r/arima.json, auto_arima.json,
// ets.json and stlf.json), measured in one run:
// R first (scripts/time-stats-r.R, when Rscript and the forecast package are
// installed), then flowcast, each the median of --reps runs.
//   npm run bench:stats [-- --reps 3] [-- --json]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arima } from '../dist/classical/arima.js';
import { autoArima } from '../dist/classical/auto-arima.js';
import { ets } from '../dist/classical/ets.js';
import { stlf } from '../dist/classical/stlf.js';
import { thetaf } from '../dist/classical/theta.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const reps = Number(argv[argv.indexOf('--reps') + 1]) > 0 && argv.includes('--reps') ? Number(argv[argv.indexOf('--reps') + 1]) : 3;
const json = argv.includes('--json');
const fixture = (name) => JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'r', name), 'utf8'));
const arimaCases = fixture('arima.json').cases;
const autoCases = fixture('auto_arima.json').cases;

let r = null;
try {
  r = JSON.parse(execFileSync('Rscript', [join(root, 'scripts', 'time-stats-r.R'), String(reps)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
} catch {
  console.error('Rscript with the forecast package not found: flowcast times only (Debian: apt-get install r-cran-forecast)');
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (f) => median(Array.from({ length: reps }, () => { const t0 = performance.now(); f(); return (performance.now() - t0) / 1000; }));
const rows = [];
for (const [id, c] of Object.entries(arimaCases)) {
  const opts = { order: c.order, includeDrift: c.drift, method: c.method, ...(c.m > 1 ? { seasonal: { order: c.seasonal, period: c.m } } : {}), ...(c.xreg ? { xreg: c.xreg } : {}) };
  rows.push({ kind: 'Arima', id, n: c.y.length, flowcast: time(() => arima(c.y, opts)), R: r?.arima[id] ?? null });
}
for (const [id, c] of Object.entries(autoCases)) {
  rows.push({ kind: 'auto.arima', id, n: c.y.length, flowcast: time(() => autoArima(c.y, { period: c.m, ...(c.xreg ? { xreg: c.xreg } : {}) })), R: r?.auto[id] ?? null });
}
const etsSeries = fixture('ets.json').series;
const etsCases = {
  airpassengers_auto: [etsSeries.airpassengers.y, {}],
  airpassengers_MAdM: [etsSeries.airpassengers.y, { model: 'MAdM' }],
  co2_auto: [etsSeries.co2.y, {}],
  co2_AAA: [etsSeries.co2.y, { model: 'AAA' }],
};
for (const [id, [y, opts]] of Object.entries(etsCases)) {
  rows.push({ kind: 'ets', id, n: y.length, flowcast: time(() => ets(y, { period: 12, ...opts })), R: r?.ets?.[id] ?? null });
}
const stlfSeries = fixture('stlf.json').cases;
const air = etsSeries.airpassengers.y;
const taylor = stlfSeries.taylor_48_336_ets.y;
const otherCases = {
  stlf_airpassengers: () => stlf(air, { periods: 12 }).forecast(24),
  stlf_taylor_48_336: () => stlf(taylor, { periods: [48, 336] }).forecast(336),
  thetaf_airpassengers: () => thetaf(air, { period: 12 }).forecast(24),
  thetaf_taylor_48: () => thetaf(taylor, { period: 48 }).forecast(96),
};
for (const [id, f] of Object.entries(otherCases)) {
  const [kind, ...rest] = id.split('_');
  rows.push({ kind, id: rest.join('_'), n: id.includes('taylor') ? taylor.length : air.length, flowcast: time(f), R: r?.other?.[id] ?? null });
}
if (json) {
  console.log(JSON.stringify({ reps, R: r?.R ?? null, forecast: r?.forecast ?? null, rows }, null, 2));
} else {
  console.log(`fitting times, median of ${reps} (seconds)${r ? `; ${r.R}, forecast ${r.forecast}` : ''}`);
  console.log(`  ${'fit'.padEnd(40)}${'n'.padStart(6)}${'flowcast'.padStart(10)}${'R'.padStart(10)}${'ratio'.padStart(8)}`);
  for (const row of rows) {
    const ratio = row.R ? (row.R / row.flowcast).toFixed(2) + 'x' : '-';
    console.log(`  ${(row.kind + ' ' + row.id).padEnd(40)}${String(row.n).padStart(6)}${row.flowcast.toFixed(3).padStart(10)}${(row.R?.toFixed(3) ?? '-').padStart(10)}${ratio.padStart(8)}`);
  }
}
