/**
 * `--duplicates`, the option of every command that reads a data file: what
 * to do with rows that share a timestamp (Series.fromTable's `duplicates`).
 */
import { DUPLICATE_POLICIES, type DuplicatePolicy } from '../data/duplicates.js';
import { oneOf } from '../core/validate.js';

/** The option's entry in a parseOptions table. */
export const DUPLICATES_OPTION = { duplicates: { type: 'string' } } as const;

/** Its lines in the --help of a command that reads a data file. */
export const DUPLICATES_HELP = `  --duplicates D      rows that share a timestamp (e.g. the hour repeated when
                      daylight saving time ends): error (refuse; default),
                      first, last, or mean (average each column)`;

/** Its lines in the --help of a command that reads data for a saved model. */
export const DUPLICATES_MODEL_HELP = `  --duplicates D      rows that share a timestamp: error (refuse), first, last
                      or mean (default: as the model was trained)`;

/**
 * The policy from `--duplicates`, else `fallback` (a saved model's, else
 * 'error').
 * @throws InvalidArgumentError naming --duplicates for any other value
 */
export function parseDuplicates(value: string | undefined, fallback: unknown = 'error'): DuplicatePolicy {
  return oneOf('--duplicates', value ?? fallback, DUPLICATE_POLICIES);
}
