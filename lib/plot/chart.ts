/**
 * Line charts as standalone SVG text: forecasts against actuals, with
 * shaded prediction intervals. No dependencies; open the file in a browser
 * or embed it in a page or notebook.
 *   lineChart({ title, lines: [{ name, y }], bands: [{ name, lower, upper }] })
 * x is the point index unless `x` is given (numbers, or epoch milliseconds
 * with xAxis 'time'). NaN values leave gaps. Lines are drawn in order, over
 * the bands; the legend lists both.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { finiteNumber, invalid, oneOf, optional, plainObject, positiveInteger, string } from '../core/validate.js';
import { formatTick, formatTime, niceRange, niceStep, ticks, timeStep, timeTicks } from './ticks.js';

export interface ChartLine {
  name: string;
  y: ArrayLike<number>;
  /** x of each value; default the chart's x, or 0, 1, 2, ... */
  x?: ArrayLike<number>;
  color?: string;
  dashed?: boolean;
}

export interface ChartBand {
  name: string;
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  x?: ArrayLike<number>;
  color?: string;
}

export interface ChartOptions {
  title?: string;
  lines: ChartLine[];
  bands?: ChartBand[];
  /** Shared x for lines and bands without their own. */
  x?: ArrayLike<number>;
  xAxis?: 'number' | 'time';
  xLabel?: string;
  yLabel?: string;
  /** A vertical marker, e.g. where the forecast starts. */
  marker?: { x: number; label?: string };
  width?: number;
  height?: number;
}

/** Tableau 10: distinguishable, and readable for the common color deficiencies. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number) => (Math.round(v * 100) / 100).toString();

function checkArray(name: string, v: unknown, length?: number): ArrayLike<number> {
  if (!(Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))) throw invalid(name, 'an array of numbers', v);
  const a = v as ArrayLike<number>;
  if (length !== undefined && a.length !== length) throw new InvalidArgumentError(name, `Expected ${length} values for ${name} (one per y) but received ${a.length}`);
  for (let i = 0; i < a.length; i++) {
    if (typeof a[i] !== 'number' || a[i] === Infinity || a[i] === -Infinity) throw new InvalidArgumentError(name, `Expected finite numbers or NaN (a gap) in ${name} but received ${String(a[i])} at index ${i}`);
  }
  return a;
}

/**
 * Renders the chart.
 * @returns SVG text
 * @throws InvalidArgumentError for no lines, mismatched lengths, infinite values, or nothing finite to draw
 * @example writeFileSync('forecast.svg', lineChart({ lines: [{ name: 'actual', y: test }, { name: 'LSTM', y: predicted }] }))
 */
export function lineChart(options: ChartOptions): string {
  plainObject('options', options);
  const width = optional(options.width, 900, (v) => positiveInteger('options.width', v));
  const height = optional(options.height, 420, (v) => positiveInteger('options.height', v));
  const xAxis = optional(options.xAxis, 'number' as const, (v) => oneOf('options.xAxis', v, ['number', 'time'] as const));
  const title = optional(options.title, '', (v) => string('options.title', v));
  if (!Array.isArray(options.lines) || options.lines.length === 0) throw invalid('options.lines', 'a non-empty array of { name, y }', options.lines);
  if (options.marker !== undefined) finiteNumber('options.marker.x', plainObject('options.marker', options.marker).x);
  const sharedX = options.x === undefined ? undefined : checkArray('options.x', options.x);
  const xOf = (own: unknown, n: number, name: string): ArrayLike<number> => {
    if (own !== undefined) return checkArray(name, own, n);
    if (sharedX !== undefined) {
      if (sharedX.length !== n) throw new InvalidArgumentError('options.x', `Expected ${n} values for options.x (one per y of every line without its own x) but received ${sharedX.length}`);
      return sharedX;
    }
    return Float64Array.from({ length: n }, (_, i) => i);
  };
  const lines = options.lines.map((l, i) => {
    plainObject(`options.lines[${i}]`, l);
    const y = checkArray(`options.lines[${i}].y`, l.y);
    return { name: string(`options.lines[${i}].name`, l.name), y, x: xOf(l.x, y.length, `options.lines[${i}].x`), color: l.color ?? PALETTE[i % PALETTE.length]!, dashed: l.dashed === true };
  });
  const bands = (options.bands ?? []).map((b, i) => {
    plainObject(`options.bands[${i}]`, b);
    const lower = checkArray(`options.bands[${i}].lower`, b.lower);
    const upper = checkArray(`options.bands[${i}].upper`, b.upper, lower.length);
    return { name: string(`options.bands[${i}].name`, b.name), lower, upper, x: xOf(b.x, lower.length, `options.bands[${i}].x`), color: b.color ?? PALETTE[(lines.length + i) % PALETTE.length]! };
  });

  // Data ranges over every finite point.
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  const extend = (x: ArrayLike<number>, ...ys: ArrayLike<number>[]) => {
    for (let i = 0; i < x.length; i++) {
      if (!ys.every((y) => Number.isFinite(y[i]!)) || !Number.isFinite(x[i]!)) continue;
      x0 = Math.min(x0, x[i]!);
      x1 = Math.max(x1, x[i]!);
      for (const y of ys) (y0 = Math.min(y0, y[i]!)), (y1 = Math.max(y1, y[i]!));
    }
  };
  for (const l of lines) extend(l.x, l.y);
  for (const b of bands) extend(b.x, b.lower, b.upper);
  if (!Number.isFinite(x0)) throw new InvalidArgumentError('options.lines', 'Expected at least one finite point to draw but every value is NaN');
  if (x0 === x1) (x0 -= 0.5), (x1 += 0.5);
  [y0, y1] = niceRange(y0, y1);

  // Legend entries flow left to right under the plot, wrapping at its width
  // (text width estimated at 6.6 px a character for 12 px sans-serif).
  const entries = [...lines.map((l) => ({ name: l.name, color: l.color, kind: l.dashed ? 'dashed' : 'line' })), ...bands.map((b) => ({ name: b.name, color: b.color, kind: 'band' }))];
  const left = 72;
  const plotW = Math.max(10, width - left - 20);
  const placed: Array<{ col: number; row: number }> = [];
  let cursor = 0;
  let row = 0;
  for (const e of entries) {
    const w = 24 + 6.6 * e.name.length + 18;
    if (cursor > 0 && cursor + w > plotW) (row++, (cursor = 0));
    placed.push({ col: cursor, row });
    cursor += w;
  }
  const pad = { left, right: 20, top: title ? 40 : 16, bottom: 48 + 18 * (row + 1) };
  const plotH = Math.max(10, height - pad.top - pad.bottom);
  const sx = (x: number) => pad.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => pad.top + (1 - (y - y0) / (y1 - y0)) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  if (title) out.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="15">${escape(title)}</text>`);

  // Grid and axes.
  const yStep = niceStep(y0, y1, 6);
  for (const t of ticks(y0, y1)) {
    const y = num(sy(t));
    out.push(`<line x1="${pad.left}" x2="${pad.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${pad.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#444">${escape(formatTick(t, yStep))}</text>`);
  }
  const xTicks = xAxis === 'time' ? timeTicks(x0, x1) : ticks(x0, x1);
  const xStep = xAxis === 'time' ? timeStep(x0, x1, 6) : niceStep(x0, x1, 6);
  for (const t of xTicks) {
    const x = num(sx(t));
    out.push(`<line x1="${x}" x2="${x}" y1="${pad.top}" y2="${pad.top + plotH}" stroke="#f0f0f0"/>`);
    const label = xAxis === 'time' ? formatTime(t, xStep) : formatTick(t, xStep);
    out.push(`<text x="${x}" y="${pad.top + plotH + 16}" text-anchor="middle" fill="#444">${escape(label)}</text>`);
  }
  out.push(`<rect x="${pad.left}" y="${pad.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  if (options.xLabel) out.push(`<text x="${pad.left + plotW / 2}" y="${pad.top + plotH + 34}" text-anchor="middle">${escape(string('options.xLabel', options.xLabel))}</text>`);
  if (options.yLabel) out.push(`<text transform="translate(16 ${pad.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(string('options.yLabel', options.yLabel))}</text>`);

  // Bands: one closed path per run of finite points.
  for (const b of bands) {
    for (const run of runs(b.x, b.lower, b.upper)) {
      const top = run.map((i) => `${num(sx(b.x[i]!))},${num(sy(b.upper[i]!))}`);
      const bottom = run.map((i) => `${num(sx(b.x[i]!))},${num(sy(b.lower[i]!))}`).reverse();
      out.push(`<path class="band" d="M${[...top, ...bottom].join('L')}Z" fill="${escape(b.color)}" fill-opacity="0.18" stroke="none"><title>${escape(b.name)}</title></path>`);
    }
  }
  // Lines: one path, a new subpath after each gap.
  for (const l of lines) {
    const d = runs(l.x, l.y).map((run) => 'M' + run.map((i) => `${num(sx(l.x[i]!))},${num(sy(l.y[i]!))}`).join('L')).join('');
    if (d) out.push(`<path class="line" d="${d}" fill="none" stroke="${escape(l.color)}" stroke-width="1.5"${l.dashed ? ' stroke-dasharray="5 3"' : ''}><title>${escape(l.name)}</title></path>`);
  }
  if (options.marker !== undefined) {
    const m = options.marker;
    const x = num(sx(m.x));
    if (m.label !== undefined) string('options.marker.label', m.label);
    out.push(`<line class="marker" x1="${x}" x2="${x}" y1="${pad.top}" y2="${pad.top + plotH}" stroke="#666" stroke-dasharray="2 3"/>`);
    if (m.label) out.push(`<text x="${num(sx(m.x) + 4)}" y="${pad.top + 12}" fill="#666">${escape(m.label)}</text>`);
  }

  entries.forEach((e, i) => {
    const x = pad.left + placed[i]!.col;
    const y = pad.top + plotH + 52 + 18 * placed[i]!.row;
    if (e.kind === 'band') out.push(`<rect x="${num(x)}" y="${y - 6}" width="18" height="10" fill="${escape(e.color)}" fill-opacity="0.3"/>`);
    else out.push(`<line x1="${num(x)}" x2="${num(x + 18)}" y1="${y}" y2="${y}" stroke="${escape(e.color)}" stroke-width="2"${e.kind === 'dashed' ? ' stroke-dasharray="5 3"' : ''}/>`);
    out.push(`<text class="legend" x="${num(x + 24)}" y="${y}" dominant-baseline="middle">${escape(e.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Index runs where x and every y are finite. */
function runs(x: ArrayLike<number>, ...ys: ArrayLike<number>[]): number[][] {
  const out: number[][] = [];
  let run: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!) && ys.every((y) => Number.isFinite(y[i]!))) run.push(i);
    else if (run.length) (out.push(run), (run = []));
  }
  if (run.length) out.push(run);
  return out;
}
