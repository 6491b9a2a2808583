/**
 * Seeded fuzzing of every reader of outside bytes: model files, ONNX files,
 * CSV text and Arrow IPC files. Each mutated input must end in one of two
 * ways: a typed flowcast error (FlowcastError), or, for model and ONNX files,
 * a load whose content is identical to the original's (weights, optimizer
 * state, config, compile config, pipeline; initializers and metadata), and
 * for CSV and Arrow a table whose every column can be read. An untyped error,
 * a load with other content or a crash fails the test. The generator is the
 * suite's seeded mulberry32 (test/helpers/random.ts): the same cases every
 * run; FLOWCAST_FUZZ_SEED picks another set, FLOWCAST_FUZZ_VERBOSE=1 lists
 * the model files that loaded (each must be identical to its original).
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as arrow from 'apache-arrow';
import { readArrow, writeArrow } from '../lib/data/arrow-io.js';
import { parseCsv } from '../lib/data/csv.js';
import { FlowcastError } from '../lib/core/errors.js';
import { ForecastPipeline } from '../lib/data/pipeline.js';
import { loadModel } from '../lib/model/load.js';
import { dense, dropout, gru, lstm, simpleRnn } from '../lib/model/layers.js';
import { rmsprop } from '../lib/model/optimizers.js';
import { sequential, type Sequential } from '../lib/model/sequential.js';
import { onnxModel } from '../lib/onnx/export.js';
import { OnnxForecaster } from '../lib/onnx/forecaster.js';
import { decodeModel, encodeModel, type ModelProto } from '../lib/onnx/proto.js';
import { joinModelFile, splitModelFile } from './helpers/model-file.js';
import { rng } from './helpers/random.js';

const seed = Number(process.env.FLOWCAST_FUZZ_SEED ?? 20261203);
let rand = rng(seed);
/** Each family draws from its own stream, so its cases do not depend on the others'. */
const reseed = (family: number) => (rand = rng(seed + family));
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
const dir = mkdtempSync(join(tmpdir(), 'flowcast-fuzz-'));
const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

interface Case {
  name: string;
  bytes: Uint8Array;
}

/** Outcomes of one family of cases: typed errors, accepted inputs (identical loads, readable tables), bad ones. */
class Tally {
  typed = 0;
  accepted = 0;
  bad: string[] = [];
  constructor(readonly acceptedAs: string) {}
  untyped(name: string, err: unknown): void {
    const e = err as Error;
    this.bad.push(`${name}: untyped ${e?.constructor?.name ?? typeof err}: ${String(e?.message ?? err).slice(0, 200)}`);
  }
  report(t: Pick<typeof import('tap').default, 'equal' | 'same'>, family: string, total: number): void {
    t.equal(this.typed + this.accepted + this.bad.length, total, `${family}: every case accounted for`);
    t.same(this.bad, [], `${family}: ${total} cases, ${this.typed} typed errors, ${this.accepted} ${this.acceptedAs}, ${this.bad.length} bad`);
  }
}

// ---------------------------------------------------------------- mutations

function flipBits(bytes: Uint8Array, from = 0, to = bytes.length): Uint8Array {
  const out = Uint8Array.from(bytes);
  const flips = 1 + int(3);
  for (let i = 0; i < flips; i++) out[from + int(to - from)]! ^= 1 << int(8);
  return out;
}

function truncate(bytes: Uint8Array): Uint8Array {
  return bytes.subarray(0, int(bytes.length));
}

function randomBytes(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => int(256));
}

function splice(bytes: Uint8Array): Uint8Array {
  const at = int(bytes.length);
  const cut = int(8);
  return Buffer.concat([bytes.subarray(0, at), randomBytes(int(8)), bytes.subarray(Math.min(bytes.length, at + cut))]);
}

// ---------------------------------------------------------------- model files

async function baseModels(): Promise<{ model: Sequential; bytes: Buffer }[]> {
  const n = 16;
  const x = { data: Float32Array.from({ length: n * 5 * 2 }, (_, i) => Math.sin(i * 0.3)), shape: [n, 5, 2] };
  const y = { data: Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.4) * 0.5), shape: [n, 1] };
  const compiled = sequential({ inputShape: [5, 2], layers: [lstm(4, { returnSequences: true }), dropout(0.2), gru(3, { returnSequences: true }), simpleRnn(3), dense(1, { activation: 'tanh' })], seed: 9 });
  compiled.compile({ optimizer: rmsprop({ learningRate: 0.01, centered: true, momentum: 0.5 }), loss: 'huber' });
  await compiled.fit(x, y, { batchSize: 8, epochs: 1 });
  compiled.pipeline = new ForecastPipeline({ lags: 5 }).fit(Float64Array.from({ length: 30 }, (_, i) => 100 + Math.sin(i))).toJSON();
  const plain = sequential({ inputShape: [3, 1], layers: [lstm(2, { stateful: true }), dense(2)], seed: 2 });
  const out = [];
  for (const [i, model] of [compiled, plain].entries()) {
    const path = join(dir, `base-${i}.safetensors`);
    await model.save(path);
    out.push({ model, bytes: readFileSync(path) });
  }
  return out;
}

const dtypes = ['F16', 'BF16', 'F64', 'I32', 'U8', 'f32', 'F32 ', null, 1, ['F32']];
const badNumbers: unknown[] = [-4, -1, 0.5, 1e20, Number.MAX_SAFE_INTEGER + 2, '0', null, true, [], {}];

/** Header edits, resealed with a fresh checksum, each of which makes the file invalid (or leaves it equivalent). */
const sealedEdits: [string, (h: Record<string, any>, names: string[]) => void][] = [
  ['offset shifted', (h, names) => { const e = h[pick(names)]; const d = pick([-8, -4, 4, 8]); e.data_offsets = [e.data_offsets[0] + d, e.data_offsets[1] + d]; }],
  ['offset end shifted', (h, names) => { const e = h[pick(names)]; e.data_offsets = [e.data_offsets[0], e.data_offsets[1] + pick([-4, 4])]; }],
  ['offset negative', (h, names) => { const e = h[pick(names)]; const l = e.data_offsets[1] - e.data_offsets[0]; e.data_offsets = [-l, 0]; }],
  ['offset replaced', (h, names) => { h[pick(names)].data_offsets[int(2)] = pick(badNumbers); }],
  ['offsets not a pair', (h, names) => { h[pick(names)].data_offsets = pick([[0], [0, 4, 8], 'x', null, {}]); }],
  ['offsets overlapping', (h, names) => { const [a, b] = [pick(names), pick(names)]; if (a !== b) h[b].data_offsets = [...h[a].data_offsets]; else h[a].data_offsets = [0, 0]; }],
  ['shape permuted', (h, names) => { const e = h[pick(names)]; e.shape = e.shape.length > 1 ? [...e.shape].reverse().concat(e.shape[0] === e.shape[1] ? [1] : []) : [1, e.shape[0]]; }],
  ['shape element', (h, names) => { const e = h[pick(names)]; e.shape[int(e.shape.length)] = pick(badNumbers); }],
  ['shape replaced', (h, names) => { h[pick(names)].shape = pick([[], [0], null, 'x', [[4]]]); }],
  ['dtype', (h, names) => { h[pick(names)].dtype = pick(dtypes); }],
  ['entry field', (h, names) => { h[pick(names)][pick(['extra', 'dtype2', 'offsets'])] = 1; }],
  ['entry replaced', (h, names) => { h[pick(names)] = pick([null, 1, 'F32', [], {}]); }],
  ['entry removed', (h, names) => { delete h[pick(names)]; }],
  ['tensor added', (h) => { h[pick(['layers.9.weight', 'optimizer.x', 'extra'])] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] }; }],
  ['metadata replaced', (h) => { h.__metadata__ = pick([null, [], 'x', 1, {}]); }],
  ['metadata value not a string', (h) => { const m = h.__metadata__; m[pick(Object.keys(m))] = pick([1, null, {}, []]); }],
  ['metadata key added', (h) => { h.__metadata__[pick(['learning_rate', 'crc32', 'notes', 'format_version2'])] = '1'; }],
  ['format', (h) => { h.__metadata__.format = pick(['flowcast.other', '', 'FLOWCAST.SEQUENTIAL']); }],
  ['format version', (h) => { h.__metadata__.format_version = pick(['0', '4', '3.0', ' 3', '03', '1e0', '', 'three']); }],
  ['config units', (h) => editConfig(h, (c) => (c.layers[0].units = pick([1e9, 6e8, 2 ** 31, 0, -3, 2.5, '4', null]))) ],
  ['config layer', (h) => editConfig(h, (c) => (c.layers[int(c.layers.length)] = pick([{ type: 'conv', units: 2 }, null, { type: 'dense' }, { type: 'dropout', rate: 1 }]))) ],
  ['config shape', (h) => editConfig(h, (c) => (c.inputShape = pick([[0, 1], [5], [5, 1e9], [1e9, 2], [5, -2], 'x']))) ],
  ['config key', (h) => editConfig(h, (c) => (c[pick(['layerz', 'inputShape2', 'seeds'])] = 1)) ],
  ['config layer key', (h) => editConfig(h, (c) => (c.layers[0][pick(['peepholes', 'unit', 'bias'])] = true)) ],
  ['config text', (h) => { h.__metadata__.config = pick(['', '{', 'null', '[]', '{"inputShape":[5,2]}', '{"a":1,"a":2}']); }],
  ['compile', (h) => editJson(h, 'compile', (c) => { if (c) c.optimizer.type = pick(['nadam', 'adam2', 1]); }) ],
  ['compile rate', (h) => editJson(h, 'compile', (c) => { if (c) c.optimizer.learningRate = pick([-1, 0, 'x', null]); }) ],
  ['compile key', (h) => editJson(h, 'compile', (c) => { if (c) c[pick(['momentum', 'loss2'])] = 1; }) ],
  ['compile text', (h) => { h.__metadata__.compile = pick(['', '5', '[]', '{}', '{"loss":"mse"}']); }],
  ['optimizer step', (h) => { h.__metadata__.optimizer_step = pick(['-1', '1.5', '1e2', ' 3', '', 'x', '99999999999999999999']); }],
  ['dropout step', (h) => { h.__metadata__.dropout_step = pick(['-1', '0.5', 'NaN']); }],
  ['rng state', (h) => { h.__metadata__.rng_state = pick(['1,2', 'a,b,c,d,e,f,g,h', '1,2,3,4,5,6,7,4294967296', '1,2,3,4,5,6,7,-1', '']); }],
  ['pipeline', (h) => { h.__metadata__.pipeline = pick(['{', '5', '[]', '"x"', '{"type":"forecastPipeline"}', '{"a":1,"a":1}']); }],
];

function editJson(h: Record<string, any>, key: string, edit: (value: any) => void): void {
  const value = JSON.parse(h.__metadata__[key]);
  edit(value);
  h.__metadata__[key] = JSON.stringify(value);
}

function editConfig(h: Record<string, any>, edit: (config: any) => void): void {
  editJson(h, 'config', edit);
}

function modelCases(bytes: Buffer, count: number): Case[] {
  const { header, data } = splitModelFile(bytes);
  const headerEnd = 8 + Number(bytes.readBigUInt64LE(0));
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const text = JSON.stringify(header);
  const cases: Case[] = [];
  const families: [string, () => Uint8Array][] = [
    ['bit flips anywhere', () => flipBits(bytes)],
    ['bit flips in the header', () => flipBits(bytes, 8, headerEnd)],
    ['bit flips in the tensors', () => flipBits(bytes, headerEnd)],
    ['bit flips in the length', () => flipBits(bytes, 0, 8)],
    ['truncated', () => truncate(bytes)],
    ['bytes spliced', () => splice(bytes)],
    ['bytes appended', () => Buffer.concat([bytes, randomBytes(1 + int(16))])],
    ['header length', () => { const b = Buffer.from(bytes); b.writeBigUInt64LE(BigInt(pick([0, 1, headerEnd - 9, headerEnd - 7, 2 ** 40, 2 ** 63]))); return b; }],
    ['header not an object', () => joinModelFile(pick(['null', '[]', 'true', '1', '""', '{}', '{"__metadata__":null}']), data)],
    ['duplicate key', () => {
      const keys = [...names, 'format', 'config', 'compile', 'checksum', 'optimizer_step'];
      const key = pick(keys);
      const inMeta = !names.includes(key);
      const value = inMeta ? JSON.stringify(header.__metadata__[key] ?? '1') : JSON.stringify(header[key]);
      const anchor = inMeta ? '"__metadata__":{' : '{';
      return joinModelFile(text.replace(anchor, `${anchor}${JSON.stringify(key)}:${value},`), data);
    }],
    ['metadata edited (checksum not resealed)', () => {
      const h = structuredClone(header);
      const key = pick(Object.keys(h.__metadata__));
      const v: string = h.__metadata__[key];
      const at = int(Math.max(1, v.length));
      h.__metadata__[key] = pick([v.slice(0, at) + String.fromCharCode(32 + int(90)) + v.slice(at + 1), v.replace(/\d/, (d) => String((Number(d) + 1) % 10)), '']);
      return joinModelFile(h, data);
    }],
  ];
  for (let i = 0; i < count; i++) {
    const [name, make] = families[i % families.length]!;
    cases.push({ name: `${name} #${i}`, bytes: make() });
  }
  // Every resealed edit, twice (random draws inside each): the checks behind the checksum.
  for (const [name, edit] of [...sealedEdits, ...sealedEdits]) {
    const h = structuredClone(header);
    edit(h, names);
    cases.push({ name: `resealed: ${name} #${cases.length}`, bytes: joinModelFile(h, data, true) });
  }
  return cases;
}

function sameModel(a: Sequential, b: Sequential): string | null {
  if (JSON.stringify(a.config) !== JSON.stringify(b.config)) return 'config';
  if (JSON.stringify(a.compileConfig) !== JSON.stringify(b.compileConfig)) return 'compile config';
  if (JSON.stringify(a.pipeline) !== JSON.stringify(b.pipeline)) return 'pipeline';
  const wa = a.getWeights();
  const wb = b.getWeights();
  for (const k of Object.keys(wb)) if (!Buffer.from(wa[k]!.buffer).equals(Buffer.from(wb[k]!.buffer))) return `weights ${k}`;
  const sa = a.compiled ? a._trainingState()! : null;
  const sb = b.compiled ? b._trainingState()! : null;
  if (sa && sb) {
    for (const k of ['m', 'v', 'ga', 'rng'] as const) if (!Buffer.from(sa[k].buffer).equals(Buffer.from(sb[k].buffer))) return `optimizer ${k}`;
    if (sa.step !== sb.step || sa.dropoutStep !== sb.dropoutStep) return 'optimizer step';
  }
  return null;
}

t.test('mutated model files: a typed error or the identical model', async (t) => {
  reseed(1);
  const bases = await baseModels();
  t.teardown(() => bases.forEach((b) => b.model.dispose()));
  let total = 0;
  const tally = new Tally('identical loads');
  for (const [b, base] of bases.entries()) {
    const cases = modelCases(base.bytes, b === 0 ? 220 : 55);
    for (const c of cases) {
      const path = join(dir, `model-${b}-${total++}.safetensors`);
      writeFileSync(path, c.bytes);
      let loaded: Sequential;
      try {
        loaded = await loadModel(path);
      } catch (err) {
        if (err instanceof FlowcastError) tally.typed++;
        else tally.untyped(c.name, err);
        continue;
      }
      const diff = sameModel(loaded, base.model);
      loaded.dispose();
      if (process.env.FLOWCAST_FUZZ_VERBOSE) t.comment(`accepted: ${c.name}`);
      if (diff === null) tally.accepted++;
      else tally.bad.push(`${c.name}: loaded with different ${diff}`);
    }
  }
  tally.report(t, 'model files', total);
});

// ---------------------------------------------------------------- ONNX files

function onnxCases(bytes: Uint8Array, count: number): Case[] {
  const edited = (edit: (m: ModelProto) => void) => () => {
    const m = decodeModel(Uint8Array.from(bytes));
    edit(m);
    return encodeModel(m);
  };
  const families: [string, () => Uint8Array][] = [
    ['bit flips', () => flipBits(bytes)],
    ['truncated', () => truncate(bytes)],
    ['bytes spliced', () => splice(bytes)],
    ['bytes appended', () => Buffer.concat([bytes, randomBytes(1 + int(16))])],
    ['an initializer byte', edited((m) => { const i = pick(m.graph.initializer); if (i.raw_data.length) i.raw_data[int(i.raw_data.length)]! ^= 1 << int(8); })],
    ['a metadata value', edited((m) => { const p = pick(m.metadata_props); p.value = p.value.replace(/\d/, (d) => String((Number(d) + 1) % 10)) + pick(['', ' ']); })],
    ['a node attribute', edited((m) => { const a = pick(pick(m.graph.node.filter((n) => n.attribute.length > 0)).attribute); if (a.i !== undefined) a.i += 1; else a.f = (a.f ?? 0) + 1; })],
    ['a node dropped', edited((m) => { m.graph.node.splice(int(m.graph.node.length), 1); })],
    ['the checksum', edited((m) => { const p = m.metadata_props.at(-1)!; p.value = p.value.slice(0, -1) + pick(['0', '1', 'f']); })],
  ];
  return Array.from({ length: count }, (_, i) => {
    const [name, make] = families[i % families.length]!;
    return { name: `${name} #${i}`, bytes: make() };
  });
}

function sameOnnx(a: ModelProto, b: ModelProto): string | null {
  if (a.graph.initializer.length !== b.graph.initializer.length) return 'initializer count';
  for (const [k, x] of a.graph.initializer.entries()) {
    const y = b.graph.initializer[k]!;
    if (x.name !== y.name || x.data_type !== y.data_type || x.dims.join() !== y.dims.join() || !Buffer.from(x.raw_data).equals(Buffer.from(y.raw_data))) return `initializer ${x.name}`;
  }
  if (JSON.stringify(a.metadata_props) !== JSON.stringify(b.metadata_props)) return 'metadata';
  return null;
}

t.test('mutated ONNX files: a typed error or the identical model, never a crash', async (t) => {
  reseed(2);
  const model = sequential({ inputShape: [6, 1], layers: [lstm(3, { returnSequences: true }), lstm(2), dense(1, { activation: 'tanh' })], seed: 5 });
  t.teardown(() => model.dispose());
  const pipeline = new ForecastPipeline({ lags: 6 }).fit(Float64Array.from({ length: 30 }, (_, i) => 50 + Math.cos(i)));
  const bases = [onnxModel(model, { allowUntrained: true, state: true }).bytes, onnxModel(model, { allowUntrained: true, pipeline }).bytes];
  const tally = new Tally('identical loads');
  let total = 0;
  for (const [b, bytes] of bases.entries()) {
    const original = decodeModel(Uint8Array.from(bytes));
    for (const c of onnxCases(bytes, b === 0 ? 80 : 40)) {
      total++;
      let f: OnnxForecaster;
      try {
        f = await OnnxForecaster.load(c.bytes);
      } catch (err) {
        if (err instanceof FlowcastError) tally.typed++;
        else tally.untyped(c.name, err);
        continue;
      }
      await f.dispose();
      const diff = sameOnnx(decodeModel(Uint8Array.from(c.bytes)), original);
      if (diff === null) tally.accepted++;
      else tally.bad.push(`${c.name}: loaded with different ${diff}`);
    }
  }
  tally.report(t, 'ONNX files', total);
});

// ---------------------------------------------------------------- CSV and Arrow

/** Reads every value of every column: a table that parses but cannot be read is a half-accept. */
function touch(table: arrow.Table): void {
  for (const field of table.schema.fields) {
    const column = table.getChild(field.name)!;
    for (let i = 0; i < column.length; i++) column.get(i);
  }
}

const csvText = readFileSync(join(fixtures, 'btc_2017-01-01_03.csv'), 'utf8').split('\n').slice(0, 40).join('\n') + '\n';
const csvPieces = [',', '"', '\n', '\r', '\r\n', ' ', 'NaN', '1e999', '-', '.', 'e', '\u00e9', '\u0000', '""', ',,', '1e300', 'Infinity', '\ufeff'];

function csvCases(count: number): string[] {
  const lines = csvText.split('\n');
  const families: (() => string)[] = [
    () => Buffer.from(flipBits(Buffer.from(csvText))).toString('utf8'),
    () => { const at = int(csvText.length); return csvText.slice(0, at) + pick(csvPieces) + csvText.slice(at); },
    () => { const at = int(csvText.length); return csvText.slice(0, at) + csvText.slice(at + 1 + int(20)); },
    () => csvText.slice(0, int(csvText.length)),
    () => { const l = [...lines]; const i = 1 + int(l.length - 2); l.splice(i, 0, l[i]!); return l.join('\n'); },
    () => { const l = [...lines]; l[0] = l[0]!.replace(pick(['Open', 'High', 'Timestamp', ',']), pick(['Close', '', '"', ',,'])); return l.join('\n'); },
    () => csvText.replaceAll('\n', pick(['\r', '\r\n', '\n\n', ''])),
  ];
  return Array.from({ length: count }, (_, i) => families[i % families.length]!());
}

t.test('mutated CSV text: a table or a typed error', async (t) => {
  reseed(3);
  const tally = new Tally('readable tables');
  const cases = csvCases(140);
  for (const [i, text] of cases.entries()) {
    try {
      touch(parseCsv(text));
      tally.accepted++;
    } catch (err) {
      if (err instanceof FlowcastError) tally.typed++;
      else tally.untyped(`CSV case #${i} ${JSON.stringify(text.slice(0, 60))}`, err);
    }
  }
  tally.report(t, 'CSV texts', cases.length);
});

t.test('mutated Arrow IPC files and streams: a table or a typed error', async (t) => {
  reseed(4);
  const table = parseCsv(csvText);
  const tally = new Tally('readable tables');
  let total = 0;
  for (const format of ['file', 'stream'] as const) {
    const path = join(dir, `base.${format}.arrow`);
    await writeArrow(table, path, { format });
    const bytes = readFileSync(path);
    const families: (() => Uint8Array)[] = [() => flipBits(bytes), () => truncate(bytes), () => splice(bytes), () => Buffer.concat([bytes, randomBytes(1 + int(16))])];
    for (let i = 0; i < 60; i++) {
      const p = join(dir, `arrow-${total++}.arrow`);
      writeFileSync(p, families[i % families.length]!());
      try {
        touch(await readArrow(p));
        tally.accepted++;
      } catch (err) {
        if (err instanceof FlowcastError) tally.typed++;
        else tally.untyped(`Arrow ${format} case #${i}`, err);
      }
    }
  }
  tally.report(t, 'Arrow files', total);
});
