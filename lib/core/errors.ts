/**
 * Typed errors. Every error flowcast throws on purpose is one of these, with a
 * stable `code` so callers can branch without parsing messages.
 */

export type FlowcastErrorCode =
  | 'ERR_FLOWCAST_INVALID_ARG'
  | 'ERR_FLOWCAST_BUSY'
  | 'ERR_FLOWCAST_DISPOSED'
  | 'ERR_FLOWCAST_NATIVE'
  | 'ERR_FLOWCAST_NO_BINARY'
  | 'ERR_FLOWCAST_BINARY_INVALID'
  | 'ERR_FLOWCAST_BINARY_MISMATCH'
  | 'ERR_FLOWCAST_NODE_UNSUPPORTED'
  | 'ERR_FLOWCAST_FORMAT'
  | 'ERR_FLOWCAST_STATE'
  | 'ERR_FLOWCAST_ABORTED'
  | 'ERR_FLOWCAST_MISSING_DEPENDENCY';

export class FlowcastError extends Error {
  readonly code: FlowcastErrorCode;
  constructor(code: FlowcastErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A public argument has the wrong type, shape or value. */
export class InvalidArgumentError extends FlowcastError {
  /** The argument's name as the caller wrote it, e.g. `options.batchSize`. */
  readonly argument: string;
  constructor(argument: string, message: string) {
    super('ERR_FLOWCAST_INVALID_ARG', message);
    this.argument = argument;
  }
}

/** The model is training (or predicting) and cannot serve another call now. */
export class BusyError extends FlowcastError {
  constructor(message: string) {
    super('ERR_FLOWCAST_BUSY', message);
  }
}

/** The object was disposed; it holds no native memory any more. */
export class DisposedError extends FlowcastError {
  constructor(message: string) {
    super('ERR_FLOWCAST_DISPOSED', message);
  }
}

/** The native core reported a failure status (out of memory, non-finite loss, ...). */
export class NativeError extends FlowcastError {
  /** The native status name, e.g. `FC_STATUS_NON_FINITE`. */
  readonly status: string;
  constructor(status: string, message: string) {
    super('ERR_FLOWCAST_NATIVE', message);
    this.status = status;
  }
}

/** A file (model, CSV, Arrow) is corrupt, truncated or of the wrong kind or version. */
export class FormatError extends FlowcastError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_FLOWCAST_FORMAT', message, options);
  }
}

/** A call is valid in itself but not in the object's current state (e.g. fit before compile). */
export class StateError extends FlowcastError {
  constructor(message: string) {
    super('ERR_FLOWCAST_STATE', message);
  }
}

/** An operation was cancelled through its AbortSignal. */
export class AbortError extends FlowcastError {
  constructor(message = 'The operation was aborted') {
    super('ERR_FLOWCAST_ABORTED', message);
  }
}

/** An optional peer dependency (onnxruntime-node) is needed but not installed. */
export class MissingDependencyError extends FlowcastError {
  /** The npm package to install. */
  readonly dependency: string;
  constructor(dependency: string, message: string) {
    super('ERR_FLOWCAST_MISSING_DEPENDENCY', message);
    this.dependency = dependency;
  }
}

/**
 * The native addon could not be loaded: none for this platform
 * (`ERR_FLOWCAST_NO_BINARY`), a corrupt or truncated file
 * (`ERR_FLOWCAST_BINARY_INVALID`), one for another OS, architecture or a
 * newer glibc (`ERR_FLOWCAST_BINARY_MISMATCH`), or a Node.js without
 * Node-API 8 (`ERR_FLOWCAST_NODE_UNSUPPORTED`). The message says what was
 * found, what was expected and what to do.
 */
export class BinaryLoadError extends FlowcastError {
  /** What the loader found, e.g. `ELF arm64 shared object` or `nothing`. */
  readonly found: string;
  /** What this process needs, e.g. `ELF x64 shared object for linux-x64-gnu`. */
  readonly expected: string;
  /** Every path the loader tried, in order. */
  readonly tried: string[];
  constructor(
    code: 'ERR_FLOWCAST_NO_BINARY' | 'ERR_FLOWCAST_BINARY_INVALID' | 'ERR_FLOWCAST_BINARY_MISMATCH' | 'ERR_FLOWCAST_NODE_UNSUPPORTED',
    message: string,
    details: { found: string; expected: string; tried: string[]; cause?: unknown },
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.found = details.found;
    this.expected = details.expected;
    this.tried = details.tried;
  }
}
