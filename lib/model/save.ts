/**
 * Model files, written (loading and its checks: load.ts): one safetensors container per model (lib/model/safetensors.ts).
 *
 * The header maps each PyTorch-style parameter name to { dtype: 'F32', shape,
 * data_offsets } and "__metadata__" (string -> string) holds flowcast's own
 * records: format, format_version, the model config, the compile config, the
 * fitted pipeline and a checksum. The tensors carry PyTorch's layouts under
 * names layers.k.weight_ih, ... (torch.nn's weight_ih_l0 of layer k):
 * scripts/check-safetensors-torch.py loads a file into torch.nn.LSTM / GRU /
 * RNN / Linear and reproduces flowcast's output.
 *
 * A compiled model also stores its optimizer state (tensors optimizer.m,
 * optimizer.v and, for centered RMSprop, optimizer.ga, after the weights;
 * metadata optimizer_step, dropout_step and rng_state, the shuffle
 * generator), so a model saved between epochs and loaded again trains on
 * exactly as if it had not stopped (fit with options.initialEpoch).
 *
 * Integrity: a file loads completely or not at all. Format version 3 stores
 * `checksum`, the SHA-256 of the header (every entry and metadata value but
 * the checksum itself, as canonical JSON) followed by the tensor bytes, so
 * any change to weights, optimizer state, config, learning rate, pipeline or
 * RNG state is refused. Versions 1 and 2 (earlier flowcast) stored `crc32`,
 * a CRC-32 of the tensor bytes only; they still load, with that check. On
 * top of the checksum every part is validated: the container (see
 * safetensors.ts), exactly the tensors and metadata keys the config implies
 * with the config's shapes, a config and compile config that pass the same
 * checks as sequential() and compile() with no unknown keys, finite weights
 * and optimizer state, and integer counters.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidArgumentError } from '../core/errors.js';
import { string } from '../core/validate.js';
import type { ForecastPipelineJSON } from '../data/pipeline.js';
import type { NativeTrainingState } from '../native/binding.js';
import { writeFileAtomic } from './atomic-write.js';
import type { CompileConfig } from './compile.js';
import type { SequentialConfig } from './config.js';
import type { ParameterEntry } from './parameters.js';
import { encodeWithHeader, layoutSafetensors } from './safetensors.js';

export const MODEL_FORMAT = 'flowcast.sequential';
// 2: adds the optimizer state (optimizer.m/v/ga tensors, optimizer_step, rng_state, dropout_step).
// 3: the checksum covers the whole header (SHA-256 `checksum` instead of the tensor-only `crc32`).
export const MODEL_FORMAT_VERSION = 3;

/** The metadata keys each format version may hold (the first five always). */
export const COMMON_KEYS = ['format', 'format_version', 'config', 'compile', 'pipeline'];
export const TRAINING_KEYS = ['optimizer_step', 'dropout_step', 'rng_state'];
export const METADATA_KEYS: Record<number, string[]> = {
  1: [...COMMON_KEYS, 'crc32'],
  2: [...COMMON_KEYS, 'crc32', ...TRAINING_KEYS],
  3: [...COMMON_KEYS, 'checksum', ...TRAINING_KEYS],
};

export const OPTIMIZER_TENSORS = ['optimizer.m', 'optimizer.v', 'optimizer.ga'] as const;

/**
 * What a model file holds, as the model gives it (Sequential implements
 * this; the underscore methods are its internal surface for files and tests).
 */
export interface SavableModel {
  readonly config: Readonly<Required<SequentialConfig>>;
  readonly compileConfig: Readonly<Required<CompileConfig>> | null;
  readonly pipeline: ForecastPipelineJSON | undefined;
  /** The flat parameter buffer, in layout order. */
  _flatParams(): Float32Array;
  _layout(): ParameterEntry[];
  /** The optimizer and shuffle state, or null before compile(). */
  _trainingState(): NativeTrainingState | null;
}

/** SHA-256 of the header without its checksum (canonical JSON, entries in file order) and the tensor bytes. */
export function headerChecksum(header: Record<string, unknown>, data: Uint8Array): string {
  const { checksum: _, ...metadata } = header.__metadata__ as Record<string, string>;
  const canonical = JSON.stringify({ ...header, __metadata__: metadata });
  return `sha256:${createHash('sha256').update(canonical, 'utf8').update(data).digest('hex')}`;
}

/**
 * A typed error for a failed save, naming a directory that is missing or not
 * a directory; any other failure (ENOSPC, EIO, EACCES ...) is the file
 * system's own error, unchanged, since the argument was fine.
 */
async function writeError(path: string, err: unknown): Promise<unknown> {
  const dir = dirname(path);
  const kind = await stat(dir).then(
    (s) => (s.isDirectory() ? 'directory' : 'other'),
    () => 'missing',
  );
  if (kind === 'missing') {
    return new InvalidArgumentError('path', `Expected path in an existing directory but the directory '${dir}' of '${path}' does not exist (create it first)`);
  }
  if (kind === 'other') return new InvalidArgumentError('path', `Expected path in a directory but '${dir}' of '${path}' is not a directory`);
  return err;
}

/**
 * Writes config, weights, compile config, optimizer state and `model.pipeline`
 * to `path`, atomically and durably: a temporary file, fsynced, renamed into
 * place (see atomic-write.ts). Removes temporary files killed saves left there.
 * @throws InvalidArgumentError for a bad path, naming a missing directory or the fs error
 */
export async function saveModel(model: SavableModel, path: string): Promise<void> {
  string('path', path);
  const params = model._flatParams();
  const tensors = model._layout().map((e) => ({ name: e.name, shape: e.shape, values: params.subarray(e.offset, e.offset + e.length) }));
  // After the weights: the optimizer state, so a checkpoint resumes training exactly.
  const state = model._trainingState();
  const training: Record<string, string> = {};
  if (state) {
    for (const [name, v] of [['optimizer.m', state.m], ['optimizer.v', state.v], ['optimizer.ga', state.ga]] as const) {
      if (v.length > 0) tensors.push({ name, shape: [v.length], values: v });
    }
    training.optimizer_step = String(state.step);
    training.dropout_step = String(state.dropoutStep);
    training.rng_state = Array.from(state.rng).join(',');
  }
  const { header, data } = layoutSafetensors(tensors);
  const metadata: Record<string, string> = {
    format: MODEL_FORMAT,
    format_version: String(MODEL_FORMAT_VERSION),
    config: JSON.stringify(model.config),
    compile: JSON.stringify(model.compileConfig),
    pipeline: JSON.stringify(model.pipeline ?? null),
    ...training,
  };
  const full: Record<string, unknown> = { ...header, __metadata__: metadata };
  full.__metadata__ = { ...metadata, checksum: headerChecksum(full, data) };
  try {
    await writeFileAtomic(path, encodeWithHeader(full, data));
  } catch (err) {
    throw await writeError(path, err);
  }
}

