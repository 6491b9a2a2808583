/** Loads optional peer dependencies on first use, with an install hint when absent. */
import { MissingDependencyError } from './errors.js';

/**
 * import(name), or a MissingDependencyError that says how to install it.
 * @param purpose what needs it, for the message ("OnnxForecaster")
 */
export async function importOptional<T>(name: string, purpose: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (err) {
    const { code, message } = err as { code?: string; message?: string };
    // Some ESM loaders (ts-node under tests) throw a plain Error without a code.
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || message?.includes(`Cannot find package '${name}'`);
    if (missing) {
      throw new MissingDependencyError(
        name,
        `${purpose} needs the optional peer dependency '${name}', which is not installed: run \`npm install ${name}\``,
      );
    }
    throw err;
  }
}
