/**
 * Loading model files (the format and what is written: save.ts). A file
 * loads completely or not at all: the checksum, the container, exactly the
 * tensors and metadata keys the config implies, configs that pass the same
 * checks as sequential() and compile() with no unknown keys, finite weights
 * and optimizer state, integer counters.
 */
import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { FormatError } from '../core/errors.js';
import { string } from '../core/validate.js';
import { ForecastPipeline, type ForecastPipelineJSON } from '../data/pipeline.js';
import { removeStaleTemporaries } from './atomic-write.js';
import type { CompileConfig } from './compile.js';
import { checkConfig, type SequentialConfig } from './config.js';
import { isRecurrent } from './layers.js';
import { checkOptimizerConfig } from './optimizers.js';
import { decodeSafetensors, readF32, type SafetensorsContents } from './safetensors.js';
import { headerChecksum, METADATA_KEYS, MODEL_FORMAT, MODEL_FORMAT_VERSION, OPTIMIZER_TENSORS, TRAINING_KEYS } from './save.js';
import { Sequential } from './sequential.js';
import { parseJsonStrict } from './strict-json.js';

/** The first place where `stored` holds a key or value that `resolved` does not, or null. */
function firstDifference(stored: unknown, resolved: unknown, at: string): string | null {
  if (Array.isArray(stored)) {
    if (!Array.isArray(resolved) || resolved.length !== stored.length) return at;
    for (let i = 0; i < stored.length; i++) {
      const d = firstDifference(stored[i], resolved[i], `${at}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (typeof stored === 'object' && stored !== null) {
    if (typeof resolved !== 'object' || resolved === null || Array.isArray(resolved)) return at;
    for (const [k, v] of Object.entries(stored)) {
      if (!Object.hasOwn(resolved, k)) return `${at}.${k}`;
      const d = firstDifference(v, (resolved as Record<string, unknown>)[k], `${at}.${k}`);
      if (d !== null) return d;
    }
    return null;
  }
  return stored === resolved ? null : at;
}

/**
 * A lower bound on the weights a config needs (weight_ih and weight_hh of a
 * recurrent layer alone hold gates x units x (inputs + units)), so a config
 * far larger than the file is refused before native memory is allocated.
 */
function minimumParams(config: Required<SequentialConfig>): number {
  let width = config.inputShape[1];
  let total = 0;
  for (const l of config.layers) {
    if (l.type === 'dropout') continue;
    const gates = l.type === 'lstm' ? 4 : l.type === 'gru' ? 3 : 1;
    total += isRecurrent(l) ? gates * l.units * (width + l.units) : l.units * width;
    width = l.units;
  }
  return total;
}

/** A non-negative decimal integer as written by save (no signs, exponents, spaces or leading zeros), or null. */
function counter(text: string | undefined): number | null {
  if (text === undefined || !/^(0|[1-9]\d{0,15})$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Reads a model written by `model.save()` / `saveModel()`. The file loads
 * completely or not at all (see the file comment for what is checked).
 * Removes temporary files that killed saves of this path left.
 * @throws FormatError for a missing, truncated, corrupt, foreign or newer file
 * @example const model = await loadModel('btc.safetensors'); model.pipeline // the fitted pipeline JSON
 */
export async function loadModel(path: string): Promise<Sequential> {
  string('path', path);
  await removeStaleTemporaries(path);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new FormatError(`Cannot load model file ${path}: ${(err as Error).message}`, { cause: err });
  }
  const corrupt = (why: string, cause?: unknown) => new FormatError(`Cannot load model file ${path}: ${why}`, cause === undefined ? undefined : { cause });
  const file = decodeSafetensors(bytes, `model file ${path}`);
  const meta = file.metadata;
  if (meta.format !== MODEL_FORMAT) throw corrupt(`it is not a flowcast model (format ${JSON.stringify(meta.format)})`);
  const version = counter(meta.format_version);
  if (version === null || !(version >= 1 && version <= MODEL_FORMAT_VERSION)) {
    throw corrupt(`format version ${meta.format_version} is not supported by this flowcast (supports 1..${MODEL_FORMAT_VERSION})`);
  }
  const allowed = METADATA_KEYS[version]!;
  const unknown = Object.keys(meta).find((k) => !allowed.includes(k));
  if (unknown !== undefined) throw corrupt(`its metadata has a key '${unknown}' that format version ${version} does not define`);
  if (version >= 3) {
    if (meta.checksum !== headerChecksum(file.header, file.data)) throw corrupt('its contents do not match their checksum (corrupt, truncated or edited file)');
  } else if (meta.crc32 !== String(crc32(file.data))) {
    throw corrupt('the tensor data does not match its checksum (corrupt or truncated file)');
  }

  let stored: { config: unknown; compile: unknown; pipeline: unknown };
  try {
    stored = {
      config: parseJsonStrict(meta.config ?? ''),
      compile: parseJsonStrict(meta.compile ?? 'null'),
      pipeline: parseJsonStrict(meta.pipeline ?? 'null'),
    };
  } catch (err) {
    throw corrupt(`its metadata is not valid JSON without duplicate keys (${(err as Error).message})`, err);
  }
  let config: Required<SequentialConfig>;
  try {
    config = checkConfig(stored.config);
  } catch (err) {
    throw corrupt(`its model config is invalid: ${(err as Error).message}`, err);
  }
  const needed = minimumParams(config);
  if (needed * 4 > file.data.length) {
    throw corrupt(`its model config needs at least ${needed} weights (${needed * 4} bytes) but the file holds ${file.data.length} bytes of tensors`);
  }
  let model: Sequential;
  try {
    model = new Sequential(config);
  } catch (err) {
    throw corrupt(`its model config is invalid: ${(err as Error).message}`, err);
  }
  try {
    restore(model, file, version, stored, corrupt);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

type Corrupt = (why: string, cause?: unknown) => FormatError;

/** Sets the weights, compile config, optimizer state and pipeline of a freshly built model from the file. */
function restore(
  model: Sequential,
  file: SafetensorsContents,
  version: number,
  stored: { config: unknown; compile: unknown; pipeline: unknown },
  corrupt: Corrupt,
): void {
  const configDifference = firstDifference(stored.config, model.config, 'config');
  if (configDifference !== null) throw corrupt(`its model config has an unknown key or a value flowcast would not write at ${configDifference}`);
  const meta = file.metadata;
  const compile = stored.compile;
  if (compile !== null && (typeof compile !== 'object' || Array.isArray(compile) || !('optimizer' in compile))) {
    throw corrupt(`its compile config is ${JSON.stringify(compile)}, expected null or { optimizer, loss, huberDelta }`);
  }
  const withState = compile !== null && version >= 2 && (version >= 3 || meta.optimizer_step !== undefined);
  if (!withState && TRAINING_KEYS.some((k) => meta[k] !== undefined)) throw corrupt('it holds optimizer state but no optimizer (compile config)');

  const params = new Float32Array(model.paramCount);
  const expected = new Set<string>();
  for (const e of model._layout()) {
    expected.add(e.name);
    const info = file.tensors.get(e.name);
    if (!info) throw corrupt(`tensor '${e.name}' is missing`);
    if (info.shape.join(',') !== e.shape.join(',')) throw corrupt(`tensor '${e.name}' has shape [${info.shape.join(', ')}], expected [${e.shape.join(', ')}] for its config`);
    params.set(readF32(file, info), e.offset);
  }
  for (let i = 0; i < params.length; i++) {
    if (!Number.isFinite(params[i]!)) throw corrupt('it holds non-finite weights');
  }
  model._setFlatParams(params);
  if (compile !== null) {
    const saved = compile as { optimizer: unknown; loss?: unknown; huberDelta?: unknown };
    try {
      model.compile({
        optimizer: checkOptimizerConfig('compile.optimizer', saved.optimizer),
        loss: (saved.loss ?? 'mse') as CompileConfig['loss'],
        huberDelta: (saved.huberDelta ?? 1) as number,
      });
    } catch (err) {
      throw corrupt(`its compile config is invalid: ${(err as Error).message}`, err);
    }
    const compileDifference = firstDifference(compile, model.compileConfig, 'compile');
    if (compileDifference !== null) throw corrupt(`its compile config has an unknown key or a value flowcast would not write at ${compileDifference}`);
    if (withState) restoreTrainingState(model, file, expected, corrupt);
  }
  const extra = [...file.tensors.keys()].find((name) => !expected.has(name));
  if (extra !== undefined) throw corrupt(`it holds a tensor '${extra}' that its config does not define`);
  const pipeline = stored.pipeline;
  if (pipeline !== null) {
    try {
      ForecastPipeline.fromJSON(pipeline); // model.pipeline is typed ForecastPipelineJSON: hold the file to it
    } catch (err) {
      throw corrupt(`its pipeline is invalid: ${(err as Error).message}`, err);
    }
  }
  model.pipeline = pipeline === null ? undefined : (pipeline as ForecastPipelineJSON);
}

/** Puts a checkpoint's optimizer and shuffle state back (format version 2 and later). */
function restoreTrainingState(model: Sequential, file: SafetensorsContents, expected: Set<string>, corrupt: Corrupt): void {
  const current = model._trainingState()!;
  const lengths = { 'optimizer.m': current.m.length, 'optimizer.v': current.v.length, 'optimizer.ga': current.ga.length };
  const read = (name: (typeof OPTIMIZER_TENSORS)[number]): Float32Array => {
    const length = lengths[name];
    if (length === 0) return new Float32Array(0);
    expected.add(name);
    const info = file.tensors.get(name);
    if (!info || info.shape.length !== 1 || info.shape[0] !== length) {
      throw corrupt(`optimizer tensor '${name}' is ${info ? `of shape [${info.shape.join(', ')}]` : 'missing'}, expected [${length}] for its config and optimizer`);
    }
    const values = readF32(file, info);
    if (!values.every(Number.isFinite)) throw corrupt(`optimizer tensor '${name}' holds non-finite values`);
    return values;
  };
  const meta = file.metadata;
  const step = counter(meta.optimizer_step);
  const dropoutStep = meta.dropout_step === undefined ? 0 : counter(meta.dropout_step);
  const rng = (meta.rng_state ?? '').split(',').map(counter);
  if (step === null || dropoutStep === null || rng.length !== 8 || !rng.every((w) => w !== null && w < 2 ** 32)) {
    throw corrupt('its optimizer step or RNG state is invalid (optimizer_step, dropout_step: decimal integers; rng_state: 8 32-bit words)');
  }
  const [m, v, ga] = OPTIMIZER_TENSORS.map(read) as [Float32Array, Float32Array, Float32Array];
  model._setTrainingState({ step, m, v, ga, rng: Uint32Array.from(rng as number[]), dropoutStep });
}
