/**
 * SVG charts (lib/plot): tick steps by hand, the pixel mapping of drawn
 * points recomputed from the chart's own frame, gaps at NaN, escaping,
 * well-formed markup (tags balanced), and bad input.
 */
import t from 'tap';
import { lineChart } from '../lib/plot/chart.js';
import { formatTick, formatTime, niceRange, niceStep, ticks, timeTicks } from '../lib/plot/ticks.js';

/** Every opened tag is closed in order (self-closing tags aside). */
function balanced(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === '/') continue;
    if (m[1] === '/') {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]!);
  }
  return stack.length === 0;
}
const paths = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<path class="${cls}" d="([^"]+)"`, 'g'))].map((m) => m[1]!);
const points = (d: string) => [...d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
const frame = (svg: string) => {
  const m = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none"/.exec(svg)!;
  return { left: Number(m[1]), top: Number(m[2]), width: Number(m[3]), height: Number(m[4]) };
};

t.test('ticks at 1, 2, 5 times a power of ten', async (t) => {
  t.equal(niceStep(0, 10, 5), 2);
  t.equal(niceStep(0, 1, 4), 0.5);
  t.equal(niceStep(995, 1020, 6), 5);
  t.same(ticks(0.3, 9.7), [2, 4, 6, 8]);
  t.same(ticks(-1, 1, 4), [-1, -0.5, 0, 0.5, 1]);
  t.same(niceRange(995.4, 1018.2), [995, 1020]);
  t.same(niceRange(3, 3), [2.85, 3.15], 'a flat series gets 5% either side');
  t.equal(formatTick(1234.5, 0.5), '1,234.5');
  t.equal(formatTick(20000, 5000), '20,000');
  t.equal(formatTick(2.5e-6, 1e-6), '2.50e-6');
  const two = Date.UTC(2017, 0, 2, 1, 10);
  t.same(timeTicks(two, two + 2 * 3_600_000).map((v) => formatTime(v, 1_800_000)), ['01-02 01:30', '01-02 02:00', '01-02 02:30', '01-02 03:00'], 'half-hour steps over two hours');
  t.equal(formatTime(Date.UTC(2017, 5, 1), 86_400_000), '2017-06-01');
});

t.test('lineChart draws each point where the axes say', async (t) => {
  const y = [10, 12, 11, NaN, 14, 13];
  const svg = lineChart({ title: 'a <b> & "c"', lines: [{ name: 'actual', y }, { name: 'model', y: [11, 11, 12, 13, 13, 14], dashed: true }], bands: [{ name: '80%', lower: [9, 10, 10, 11, 12, 12], upper: [12, 13, 13, 15, 15, 15] }], width: 600, height: 300 });
  t.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300"'), 'an svg element of the asked size');
  t.ok(balanced(svg), 'tags balanced');
  t.match(svg, /a &lt;b&gt; &amp; &quot;c&quot;/, 'text escaped');
  const [actual, model] = paths(svg, 'line');
  t.equal(actual!.split('M').length - 1, 2, 'NaN splits the line into two runs');
  t.equal(points(actual!).length, 5, 'five finite points');
  t.equal(model!.split('M').length - 1, 1);
  t.match(svg, /stroke-dasharray="5 3"><title>model/, 'dashed line');
  const band = paths(svg, 'band');
  t.equal(band.length, 1);
  t.ok(band[0]!.endsWith('Z') && points(band[0]!).length === 12, 'band: upper then lower edge, closed');
  // y range: niceRange(9, 15) = [9, 15] (step 1); x from 0 to 5.
  const f = frame(svg);
  const px = (x: number) => f.left + (x / 5) * f.width;
  const py = (v: number) => f.top + (1 - (v - 9) / 6) * f.height;
  const drawn = points(actual!);
  const expected = [0, 1, 2, 4, 5].map((i) => [px(i), py(y[i]!)]);
  t.ok(drawn.every(([x, v], i) => Math.abs(x - expected[i]![0]!) <= 0.01 && Math.abs(v - expected[i]![1]!) <= 0.01), 'pixel positions');
  t.equal((svg.match(/class="legend"/g) ?? []).length, 3, 'legend: two lines and a band');
});

t.test('lineChart: time axis, shared x, marker', async (t) => {
  const start = Date.UTC(2017, 5, 1);
  const x = Array.from({ length: 120 }, (_, i) => start + i * 60_000);
  const svg = lineChart({ x, xAxis: 'time', lines: [{ name: 'p', y: x.map((_, i) => 2500 + Math.sin(i / 10)) }], marker: { x: start + 60 * 60_000, label: 'now' } });
  t.match(svg, />06-01 00:30</, 'time tick labels');
  t.match(svg, /class="marker"/);
  t.match(svg, />now</);
});

t.test('lineChart: bad input', async (t) => {
  t.throws(() => lineChart({ lines: [] }), { name: 'InvalidArgumentError', message: /options.lines/ });
  t.throws(() => lineChart({ lines: [{ name: 'a', y: [NaN, NaN] }] }), { name: 'InvalidArgumentError', message: /every value is NaN/ });
  t.throws(() => lineChart({ lines: [{ name: 'a', y: [1, Infinity] }] }), { name: 'InvalidArgumentError', message: /options.lines\[0\].y.*Infinity at index 1/ });
  t.throws(() => lineChart({ lines: [{ name: 'a', y: [1, 2], x: [0] }] }), { name: 'InvalidArgumentError', message: /options.lines\[0\].x/ });
  t.throws(() => lineChart({ x: [0, 1, 2], lines: [{ name: 'a', y: [1, 2] }] }), { name: 'InvalidArgumentError', message: /options.x/ });
  t.throws(() => lineChart({ lines: [{ name: 'a', y: [1, 2] }], bands: [{ name: 'b', lower: [1, 2], upper: [3] }] }), { name: 'InvalidArgumentError', message: /options.bands\[0\].upper/ });
  t.throws(() => lineChart({ lines: [{ name: 'a', y: 'abc' as unknown as number[] }] }), { name: 'InvalidArgumentError', message: /options.lines\[0\].y/ });
  t.throws(() => lineChart({ lines: [{ name: 3 as unknown as string, y: [1] }] }), { name: 'InvalidArgumentError', message: /options.lines\[0\].name/ });
  t.throws(() => lineChart({ lines: [{ name: 'a', y: [1] }], width: 0 }), { name: 'InvalidArgumentError', message: /options.width/ });
  t.throws(() => lineChart({ lines: [{ name: 'a', y: [1] }], xAxis: 'log' as 'time' }), { name: 'InvalidArgumentError', message: /options.xAxis/ });
  t.throws(() => lineChart({ lines: [{ name: 'a', y: [1] }], marker: { x: NaN } }), { name: 'InvalidArgumentError', message: /options.marker.x/ });
});
