/**
 * The data a model takes, checked against its shapes: x [samples, steps,
 * features], y [samples, ...outputShape] (or [samples] for one output), and
 * fit()'s validation data split off as views, never copies.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { checkTensor, sizeOf, type Tensor } from '../core/tensor.js';
import { allFinite, invalid } from '../core/validate.js';

/** Flat training or validation rows: n samples of x and y. */
export interface Samples {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

/** What the checks need to know about the model. */
export interface SampleShapes {
  readonly inputShape: readonly [number, number];
  readonly outputShape: readonly number[];
}

/** @returns the sample count of x, a finite [samples >= 1, steps, features] tensor */
export function checkInputs(name: string, x: unknown, shapes: SampleShapes): number {
  const t = checkTensor(name, x, 3);
  const [n, steps, features] = t.shape as [number, number, number];
  const [wantSteps, wantFeatures] = shapes.inputShape;
  if (n === 0) throw new InvalidArgumentError(name, `Expected at least one sample in ${name} but received shape [${t.shape.join(', ')}]`);
  if (steps !== wantSteps || features !== wantFeatures) {
    throw new InvalidArgumentError(`${name}.shape`, `Expected ${name}.shape [samples, ${wantSteps}, ${wantFeatures}] but received [${t.shape.join(', ')}]`);
  }
  allFinite(`${name}.data`, t.data);
  return n;
}

/** Checks that y holds one finite target per sample of x. */
export function checkTargets(name: string, y: unknown, n: number, shapes: SampleShapes): void {
  const t = checkTensor(name, y);
  const per = shapes.outputShape;
  const ok =
    t.shape[0] === n &&
    ((t.shape.length === 1 + per.length && t.shape.slice(1).every((d, i) => d === per[i])) || (t.shape.length === 1 && sizeOf(per) === 1));
  if (!ok) {
    throw new InvalidArgumentError(
      `${name}.shape`,
      `Expected ${name}.shape [${[n, ...per].join(', ')}] (one target per sample of x) but received [${t.shape.join(', ')}]`,
    );
  }
  allFinite(`${name}.data`, t.data);
}

/**
 * Splits off fit()'s validation data: options.validationData as given, or
 * the last fraction options.validationSplit of (x, y) in time order (views).
 */
export function splitValidation(
  x: Tensor,
  y: Tensor,
  n: number,
  options: { validationData?: unknown; validationSplit?: unknown },
  shapes: SampleShapes,
): { train: Samples; validation: Samples | null } {
  const per = x.data.length / n;
  const perY = y.data.length / n;
  const train = { x: x.data, y: y.data, n };
  if (options.validationData !== undefined && options.validationSplit !== undefined) {
    throw new InvalidArgumentError('options.validationSplit', 'Expected either options.validationData or options.validationSplit but received both');
  }
  if (options.validationData !== undefined) {
    const vd = options.validationData;
    if (!Array.isArray(vd) || vd.length !== 2) throw invalid('options.validationData', '[x, y] (two tensors)', vd);
    const nv = checkInputs('options.validationData[0]', vd[0], shapes);
    checkTargets('options.validationData[1]', vd[1], nv, shapes);
    return { train, validation: { x: (vd[0] as Tensor).data, y: (vd[1] as Tensor).data, n: nv } };
  }
  if (options.validationSplit !== undefined) {
    const f = options.validationSplit;
    if (typeof f !== 'number' || !(f > 0 && f < 1)) throw invalid('options.validationSplit', 'number in (0, 1)', f);
    const nTrain = Math.floor(n * (1 - f));
    if (nTrain < 1 || nTrain >= n) {
      throw new InvalidArgumentError(
        'options.validationSplit',
        `Expected a split leaving at least one training and one validation sample of ${n} but received ${f}`,
      );
    }
    return {
      train: { x: x.data.subarray(0, nTrain * per), y: y.data.subarray(0, nTrain * perY), n: nTrain },
      validation: { x: x.data.subarray(nTrain * per), y: y.data.subarray(nTrain * perY), n: n - nTrain },
    };
  }
  return { train, validation: null };
}
