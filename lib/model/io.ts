/**
 * Model files: one safetensors container per model.
 *
 * Layout (https://github.com/huggingface/safetensors): 8-byte little-endian
 * header length N, N bytes of JSON header, then the raw tensor bytes. The
 * header maps each PyTorch-style parameter name to { dtype: 'F32', shape,
 * data_offsets: [begin, end) } within the byte buffer, and "__metadata__"
 * (string -> string) holds flowcast's own records: format, version, the model
 * config, the compile config, the fitted pipeline, and a CRC-32 of the tensor
 * bytes so a corrupted file is caught, not silently loaded. Python's
 * `safetensors.numpy.load_file` reads these files as they are.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { FormatError } from '../errors.js';
import { string } from '../validate.js';
import { checkOptimizerConfig } from './optimizers.js';
import { Sequential, type SequentialConfig } from './sequential.js';

export const MODEL_FORMAT = 'flowcast.sequential';
export const MODEL_FORMAT_VERSION = 1;

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
  const data = new Uint8Array(params.buffer, params.byteOffset, params.byteLength);
  header.__metadata__ = {
    format: MODEL_FORMAT,
    format_version: String(MODEL_FORMAT_VERSION),
    config: JSON.stringify(model.config),
    compile: JSON.stringify(model.compileConfig),
    pipeline: JSON.stringify(model.pipeline ?? null),
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
    model.compile({ optimizer: checkOptimizerConfig('compile.optimizer', (compile as { optimizer: unknown }).optimizer), loss: 'mse' });
  }
  model.pipeline = pipeline && typeof pipeline === 'object' ? (pipeline as Record<string, unknown>) : undefined;
  return model;
}
