/**
 * Model files: one safetensors container per model.
 *
 * Layout (https://github.com/huggingface/safetensors): 8-byte little-endian
 * header length N, N bytes of JSON header, then the raw tensor bytes. The
 * header maps each PyTorch-style parameter name to { dtype: 'F32', shape,
 * data_offsets: [begin, end) } within the byte buffer, and "__metadata__"
 * (string -> string) holds flowcast's own records: format, version, the model
 * config, the compile config, the fitted pipeline, and a CRC-32 of the tensor
 * bytes so a corrupted file is caught, not silently loaded. The tensors
 * carry PyTorch's layouts under names layers.k.weight_ih, ... (torch.nn's
 * weight_ih_l0 of layer k): scripts/check-safetensors-torch.py loads a file
 * into torch.nn.LSTM / GRU / RNN / Linear and reproduces flowcast's output.
 *
 * A compiled model also stores its optimizer state (tensors optimizer.m,
 * optimizer.v and, for centered RMSprop, optimizer.ga, after the weights;
 * metadata optimizer_step and rng_state, the shuffle generator), so a model
 * saved between epochs and loaded again trains on exactly as if it had not
 * stopped (fit with options.initialEpoch).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { FormatError } from '../errors.js';
import { ForecastPipeline, type ForecastPipelineJSON } from '../forecast/pipeline.js';
import { string } from '../validate.js';
import { checkOptimizerConfig } from './optimizers.js';
import { Sequential, type CompileConfig, type SequentialConfig } from './sequential.js';

export const MODEL_FORMAT = 'flowcast.sequential';
// 2: adds the optimizer state (optimizer.m/v/ga tensors, optimizer_step, rng_state, dropout_step).
export const MODEL_FORMAT_VERSION = 2;

interface TensorInfo {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/**
 * Writes config, weights, compile config and `model.pipeline` to `path`
 * (atomically: a temporary file renamed into place).
 * @throws InvalidArgumentError for a bad path; the fs error if it cannot be written
 */
export async function saveModel(model: Sequential, path: string): Promise<void> {
  string('path', path);
  const params = model._flatParams();
  const header: Record<string, TensorInfo | Record<string, string>> = {};
  const layout = model._layout();
  for (const e of layout) {
    header[e.name] = { dtype: 'F32', shape: e.shape, data_offsets: [e.offset * 4, (e.offset + e.length) * 4] };
  }
  // After the weights: the optimizer state, so a checkpoint resumes training exactly.
  const state = model._trainingState();
  const blocks: Float32Array[] = [params];
  let end = params.byteLength;
  const meta: Record<string, string> = {};
  if (state) {
    for (const [name, v] of [['optimizer.m', state.m], ['optimizer.v', state.v], ['optimizer.ga', state.ga]] as const) {
      if (v.length === 0) continue;
      header[name] = { dtype: 'F32', shape: [v.length], data_offsets: [end, end + v.byteLength] };
      blocks.push(v);
      end += v.byteLength;
    }
    meta.optimizer_step = String(state.step);
    meta.dropout_step = String(state.dropoutStep);
    meta.rng_state = Array.from(state.rng).join(',');
  }
  const data = Buffer.concat(blocks.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
  header.__metadata__ = {
    format: MODEL_FORMAT,
    format_version: String(MODEL_FORMAT_VERSION),
    config: JSON.stringify(model.config),
    compile: JSON.stringify(model.compileConfig),
    pipeline: JSON.stringify(model.pipeline ?? null),
    ...meta,
    crc32: String(crc32(data)),
  };
  let json = JSON.stringify(header);
  // Pad the header with spaces so tensor data starts 8-byte aligned (the spec allows it).
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(head.length));
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, Buffer.concat([len, head, data]));
  await rename(tmp, path);
}

function corrupt(path: string, why: string): FormatError {
  return new FormatError(`Cannot load model file ${path}: ${why}`);
}

/**
 * Reads a model written by `model.save()` / `saveModel()`.
 * @throws FormatError for a missing, truncated, corrupt, foreign or newer file
 * @example const model = await loadModel('btc.safetensors'); model.pipeline // the fitted pipeline JSON
 */
export async function loadModel(path: string): Promise<Sequential> {
  string('path', path);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new FormatError(`Cannot load model file ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (bytes.length < 8) throw corrupt(path, `it is truncated (${bytes.length} bytes; a model file has at least 8)`);
  const n = bytes.readBigUInt64LE(0);
  if (n > BigInt(bytes.length - 8)) {
    throw corrupt(path, `it is truncated or not a safetensors file (header length ${n} exceeds the ${bytes.length - 8} bytes after it)`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(bytes.subarray(8, 8 + Number(n)).toString('utf8'));
  } catch {
    throw corrupt(path, 'its header is not valid JSON (corrupt file)');
  }
  const meta = header.__metadata__ as Record<string, string> | undefined;
  if (!meta || meta.format !== MODEL_FORMAT) throw corrupt(path, `it is not a flowcast model (format ${JSON.stringify(meta?.format)})`);
  const version = Number(meta.format_version);
  if (!(version >= 1 && version <= MODEL_FORMAT_VERSION)) {
    throw corrupt(path, `format version ${meta.format_version} is not supported by this flowcast (supports 1..${MODEL_FORMAT_VERSION})`);
  }
  const data = bytes.subarray(8 + Number(n));
  if (meta.crc32 !== String(crc32(data))) throw corrupt(path, 'the tensor data does not match its checksum (corrupt or truncated file)');

  let config: SequentialConfig;
  let compile: unknown;
  let pipeline: unknown;
  try {
    config = JSON.parse(meta.config ?? '');
    compile = JSON.parse(meta.compile ?? 'null');
    pipeline = JSON.parse(meta.pipeline ?? 'null');
  } catch {
    throw corrupt(path, 'its metadata is not valid JSON');
  }
  if (pipeline !== null) {
    try {
      ForecastPipeline.fromJSON(pipeline); // model.pipeline is typed ForecastPipelineJSON: hold the file to it
    } catch (err) {
      throw corrupt(path, `its pipeline is invalid: ${(err as Error).message}`);
    }
  }
  let model: Sequential;
  try {
    model = new Sequential(config);
  } catch (err) {
    throw corrupt(path, `its model config is invalid: ${(err as Error).message}`);
  }
  const params = new Float32Array(model.paramCount);
  for (const e of model._layout()) {
    const info = header[e.name] as TensorInfo | undefined;
    if (!info) throw corrupt(path, `tensor '${e.name}' is missing`);
    const [begin, end] = info.data_offsets ?? [];
    if (
      info.dtype !== 'F32' ||
      !Array.isArray(info.shape) ||
      info.shape.join(',') !== e.shape.join(',') ||
      typeof begin !== 'number' ||
      end !== begin + e.length * 4 ||
      end > data.length
    ) {
      throw corrupt(path, `tensor '${e.name}' has dtype ${info.dtype}, shape [${info.shape}] and offsets [${info.data_offsets}], expected F32 [${e.shape}] within ${data.length} bytes`);
    }
    const copy = new Uint8Array(e.length * 4);
    copy.set(data.subarray(begin, end));
    params.set(new Float32Array(copy.buffer), e.offset);
  }
  for (let i = 0; i < params.length; i++) {
    if (!Number.isFinite(params[i]!)) throw corrupt(path, 'it holds non-finite weights');
  }
  model._setFlatParams(params);
  if (compile && typeof compile === 'object' && 'optimizer' in compile) {
    const saved = compile as { optimizer: unknown; loss?: unknown; huberDelta?: unknown };
    try {
      model.compile({
        optimizer: checkOptimizerConfig('compile.optimizer', saved.optimizer),
        loss: (saved.loss ?? 'mse') as CompileConfig['loss'],
        huberDelta: (saved.huberDelta ?? 1) as number,
      });
    } catch (err) {
      throw corrupt(path, `its compile config is invalid: ${(err as Error).message}`);
    }
    if (meta.optimizer_step !== undefined) restoreTrainingState(model, header, data, meta, path);
  }
  model.pipeline = pipeline === null ? undefined : (pipeline as ForecastPipelineJSON);
  return model;
}

/** Puts a checkpoint's optimizer and shuffle state back (format version 2). */
function restoreTrainingState(model: Sequential, header: Record<string, unknown>, data: Uint8Array, meta: Record<string, string>, path: string): void {
  const current = model._trainingState()!;
  const read = (name: string, length: number): Float32Array => {
    if (length === 0) return new Float32Array(0);
    const info = header[name] as TensorInfo | undefined;
    const [begin, end] = info?.data_offsets ?? [];
    if (!info || info.dtype !== 'F32' || typeof begin !== 'number' || end !== begin + length * 4 || end > data.length) {
      throw corrupt(path, `optimizer tensor '${name}' is missing or does not have ${length} F32 values`);
    }
    const copy = new Uint8Array(length * 4);
    copy.set(data.subarray(begin, end));
    return new Float32Array(copy.buffer);
  };
  const step = Number(meta.optimizer_step);
  const rng = (meta.rng_state ?? '').split(',').map(Number);
  const dropoutStep = Number(meta.dropout_step ?? 0);
  if (
    !Number.isInteger(step) ||
    step < 0 ||
    !Number.isInteger(dropoutStep) ||
    dropoutStep < 0 ||
    rng.length !== 8 ||
    !rng.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)
  ) {
    throw corrupt(path, 'its optimizer step or RNG state is invalid');
  }
  model._setTrainingState({
    step,
    m: read('optimizer.m', current.m.length),
    v: read('optimizer.v', current.v.length),
    ga: read('optimizer.ga', current.ga.length),
    rng: Uint32Array.from(rng),
    dropoutStep,
  });
}
