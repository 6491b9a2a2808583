/**
 * Argument validation for every public entry point. Messages share one shape
 * (after sharp's lib/is.mjs), and tests assert it verbatim:
 *   "Expected <expected> for <name> but received <value> of type <type>"
 */
import { InvalidArgumentError } from './errors.js';

/** Short, safe rendering of a received value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '...' : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === 'function') return 'function';
  return Object.prototype.toString.call(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value;
}

/** Build the standard error for argument `name`. */
export function invalid(name: string, expected: string, value: unknown): InvalidArgumentError {
  return new InvalidArgumentError(
    name,
    `Expected ${expected} for ${name} but received ${describe(value)} of type ${typeName(value)}`,
  );
}

export function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

export function positiveInteger(name: string, value: unknown): number {
  if (!isPositiveInteger(value)) throw invalid(name, 'positive integer', value);
  return value;
}

/** An integer in [min, max], e.g. a size with a stated limit. */
export function integerInRange(name: string, value: unknown, min: number, max: number): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)) {
    throw invalid(name, `integer from ${min} to ${max}`, value);
  }
  return value;
}

export function nonNegativeInteger(name: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 0)) {
    throw invalid(name, 'non-negative integer', value);
  }
  return value;
}

export function finiteNumber(name: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isFinite(value))) throw invalid(name, 'finite number', value);
  return value;
}

export function positiveNumber(name: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw invalid(name, 'positive finite number', value);
  }
  return value;
}

export function boolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(name, 'boolean', value);
  return value;
}

export function string(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(name, 'non-empty string', value);
  return value;
}

export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as T;
}

export function plainObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw invalid(name, 'object', value);
  }
  return value as Record<string, unknown>;
}

/** Optional field: returns `fallback` when undefined, else validates with `check`. */
export function optional<T>(value: unknown, fallback: T, check: (v: unknown) => T): T {
  return value === undefined ? fallback : check(value);
}

/** Every element finite (no NaN, no +-Infinity); names the first bad index. */
export function allFinite(name: string, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) {
      throw new InvalidArgumentError(
        name,
        `Expected finite values for ${name} but received ${v} at index ${i}`,
      );
    }
  }
}

/**
 * A series argument: an array or typed array of at least `min` finite
 * numbers, copied to a Float64Array. `what` names the method in the
 * too-short message ("Expected at least 4 values for ETS ...").
 */
export function finiteSeries(name: string, value: unknown, min = 0, what = name): Float64Array {
  if (!(Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView)))) throw invalid(name, 'array of numbers', value);
  const a = value as ArrayLike<number>;
  if (a.length < min) throw new InvalidArgumentError(name, `Expected at least ${min} values for ${what} but received ${a.length}`);
  allFinite(name, a);
  return Float64Array.from(a);
}
