/**
 * parseOptions: node:util's parseArgs with the CLI's own messages.
 *
 * Why a wrapper: parseArgs reads `--epochs -3` as the option `--epochs`
 * without a value followed by the short option `-3`, and reports "argument
 * is ambiguous"; its other messages (unknown option, missing value) do not
 * follow the CLI's "Expected ... for --name but received ..." shape either.
 * The wrapper walks the tokens first with the same option table, joins a
 * negative number to the option before it (`--epochs=-3`, so the command's
 * own range check names it), and turns every other misuse into an
 * InvalidArgumentError naming the option.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidArgumentError } from '../core/errors.js';

type OptionTable = NonNullable<ParseArgsConfig['options']>;

/** `-3`, `-0.5`, `-.5`, `-1e9`, `-Infinity`: a value, not an option. */
function isNegativeNumber(token: string): boolean {
  return /^-(\d|\.\d|Infinity$)/.test(token) && !Number.isNaN(Number(token));
}

function known(options: OptionTable): string {
  return Object.keys(options)
    .map((k) => `--${k}`)
    .join(', ');
}

/**
 * Checks `args` against `options` and returns parseArgs's result for them.
 * @throws InvalidArgumentError for an unknown option, a value missing after an
 *   option that takes one, a value given to a flag, or a stray argument
 */
export function parseOptions<T extends ParseArgsConfig & { args: string[]; options: OptionTable }>(config: T): ReturnType<typeof parseArgs<T>> {
  const { args, options } = config;
  const normalized: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (!token.startsWith('--') || token === '--') {
      throw new InvalidArgumentError(token, `Expected an option (${known(options)}) but received "${token}"`);
    }
    const eq = token.indexOf('=');
    const name = token.slice(2, eq < 0 ? undefined : eq);
    const option = Object.hasOwn(options, name) ? options[name]! : undefined;
    if (!option) {
      throw new InvalidArgumentError(`--${name}`, `Expected one of ${known(options)} but received unknown option "--${name}"`);
    }
    if (option.type === 'boolean') {
      if (eq >= 0) throw new InvalidArgumentError(`--${name}`, `Expected no value for --${name} (a flag) but received "${token.slice(eq + 1)}"`);
      normalized.push(token);
      continue;
    }
    if (eq >= 0) {
      normalized.push(token);
      continue;
    }
    const value = args[i + 1];
    if (value === undefined) throw new InvalidArgumentError(`--${name}`, `Expected a value after --${name} but received nothing`);
    if (value.startsWith('-') && !isNegativeNumber(value)) {
      throw new InvalidArgumentError(`--${name}`, `Expected a value after --${name} but received the option "${value}"`);
    }
    normalized.push(`--${name}=${value}`);
    i++;
  }
  return parseArgs({ ...config, args: normalized, strict: true, allowPositionals: false }) as ReturnType<typeof parseArgs<T>>;
}
