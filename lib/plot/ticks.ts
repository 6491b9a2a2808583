/**
 * Axis ticks at "nice" steps: 1, 2 or 5 times a power of ten, the smallest
 * such step that gives at most `target` intervals over [lo, hi].
 */
export function niceStep(lo: number, hi: number, target: number): number {
  const raw = (hi - lo) / Math.max(1, target);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const f of [1, 2, 5, 10]) if (f * power >= raw * (1 - 1e-12)) return f * power;
  return 10 * power;
}

/** Tick positions: multiples of the nice step inside [lo, hi]. */
export function ticks(lo: number, hi: number, target = 6): number[] {
  const step = niceStep(lo, hi, target);
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  for (let k = first; k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** A range padded to whole nice steps, so lines do not touch the frame. */
export function niceRange(lo: number, hi: number, target = 6): [number, number] {
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.05;
    return [lo - pad, hi + pad];
  }
  const step = niceStep(lo, hi, target);
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
}

/** A tick label with no more digits than the step needs. */
export function formatTick(value: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e7 || abs < 1e-4)) return value.toExponential(2);
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Time labels (epoch milliseconds, UTC): dates when ticks are a day or more apart, times otherwise. */
export function formatTime(ms: number, stepMs: number): string {
  const iso = new Date(ms).toISOString();
  if (stepMs >= 86_400_000) return iso.slice(0, 10);
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

const MINUTE = 60_000;
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 20160, 43200, 129600, 525600].map((m) => m * MINUTE);

/** A time-axis step in milliseconds: whole minutes, hours, days or weeks. */
export function timeStep(lo: number, hi: number, target: number): number {
  const raw = (hi - lo) / Math.max(1, target);
  return TIME_STEPS.find((s) => s >= raw) ?? niceStep(lo, hi, target);
}

/** Time ticks at multiples of timeStep (UTC). */
export function timeTicks(lo: number, hi: number, target = 6): number[] {
  const step = timeStep(lo, hi, target);
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) out.push(t);
  return out;
}
