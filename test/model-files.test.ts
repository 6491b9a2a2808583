/**
 * Model files are refused when corrupt, never half-accepted: each case the
 * fuzzing of issue 12 found loading with other weights or settings, and the
 * save path's durability and clean-up. Oracles: files edited by the
 * documented layout alone (test/helpers/model-file.ts), sealed with a fresh
 * checksum where the test targets the checks behind it; the original
 * model's weights, optimizer state and config, bit for bit; for the format-2
 * fixture (written by flowcast before format 3), the tensor bytes read from
 * the file by its header alone.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ForecastPipeline } from '../lib/data/pipeline.js';
import { loadModel } from '../lib/model/load.js';
import { MODEL_FORMAT_VERSION } from '../lib/model/save.js';
import { dense, dropout, lstm } from '../lib/model/layers.js';
import { adam } from '../lib/model/optimizers.js';
import { sequential, type Sequential } from '../lib/model/sequential.js';
import { findDuplicateKey, parseJsonStrict } from '../lib/model/strict-json.js';
import { joinModelFile, splitModelFile, type ModelFileParts } from './helpers/model-file.js';
import { maxAbsDiff } from './helpers/random.js';

const dir = mkdtempSync(join(tmpdir(), 'flowcast-files-'));
const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'model_v2');

async function savedModel(): Promise<{ model: Sequential; bytes: Buffer; parts: ModelFileParts }> {
  const model = sequential({ inputShape: [5, 1], layers: [lstm(4, { returnSequences: true }), dropout(0.1), lstm(3), dense(1, { activation: 'tanh' })], seed: 3 });
  model.compile({ optimizer: adam({ learningRate: 0.01 }) });
  const n = 16;
  const x = { data: Float32Array.from({ length: n * 5 }, (_, i) => Math.sin(i * 0.3)), shape: [n, 5, 1] };
  const y = { data: Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.4) * 0.5), shape: [n, 1] };
  await model.fit(x, y, { batchSize: 8, epochs: 1 });
  model.pipeline = new ForecastPipeline({ lags: 5 }).fit(Float64Array.from({ length: 30 }, (_, i) => 100 + Math.sin(i))).toJSON();
  const path = join(dir, 'original.safetensors');
  await model.save(path);
  const bytes = readFileSync(path);
  return { model, bytes, parts: splitModelFile(bytes) };
}

let serial = 0;
async function load(bytes: Uint8Array): Promise<Sequential> {
  const path = join(dir, `case-${serial++}.safetensors`);
  writeFileSync(path, bytes);
  return loadModel(path);
}

t.test('the saved file: format 3, checksum, tensors tiling the data', async (t) => {
  const { model, parts } = await savedModel();
  t.teardown(() => model.dispose());
  t.equal(MODEL_FORMAT_VERSION, 3);
  t.equal(parts.header.__metadata__.format_version, '3');
  t.match(parts.header.__metadata__.checksum, /^sha256:[0-9a-f]{64}$/);
  t.notOk('crc32' in parts.header.__metadata__, 'the tensor-only CRC of formats 1 and 2 is gone');
  const entries = Object.entries(parts.header).filter(([k]) => k !== '__metadata__') as [string, { data_offsets: [number, number] }][];
  let end = 0;
  for (const [, e] of entries) {
    t.equal(e.data_offsets[0], end);
    end = e.data_offsets[1];
  }
  t.equal(end, parts.data.length, 'entries in order, contiguous, covering the data');
  const loaded = await load(joinModelFile(parts.header, parts.data));
  t.same(loaded.getWeights(), model.getWeights(), 'the helper reproduces a loadable file');
  loaded.dispose();
});

t.test('tensor entries: negative, shifted, overlapping, straddling offsets and wrong dtypes are refused', async (t) => {
  const { model, parts } = await savedModel();
  t.teardown(() => model.dispose());
  const { header, data } = parts;
  const first = 'layers.0.weight_ih';
  const second = 'layers.0.weight_hh';
  const [b0, e0] = header[first].data_offsets as [number, number];
  const [, e1] = header[second].data_offsets as [number, number];
  const cases: [string, (h: Record<string, any>) => void, RegExp][] = [
    // subarray() counts negative offsets from the end: they passed the old "end > length" test.
    ['negative offsets', (h) => (h[first].data_offsets = [b0 - 16, e0 - 16]), /data_offsets \[-16,\d+\], expected \[begin, end\] non-negative integers/],
    ['offsets shifted by 4 bytes', (h) => (h[first].data_offsets = [b0 + 4, e0 + 4]), /overlaps|belong to no tensor/],
    ['two entries on the same bytes', (h) => (h[second].data_offsets = [b0, b0 + (e1 - e0)]), /overlaps|belong to no tensor/],
    [
      'ranges straddling each other',
      (h) => {
        h[first].data_offsets = [b0 + 4, e0 + 4];
        h[second].data_offsets = [e0 + 4, e1 + 4];
      },
      /overlaps|belong to no tensor/,
    ],
    ['fractional offsets', (h) => (h[first].data_offsets = [b0 + 0.5, e0 + 0.5]), /expected \[begin, end\] non-negative integers/],
    ['offsets past the data', (h) => (h[first].data_offsets = [data.length, data.length + (e0 - b0)]), /outside the \d+ data bytes/],
    ['end before begin', (h) => (h[first].data_offsets = [e0, b0]), /outside the/],
    ['dtype F16', (h) => (h[first].dtype = 'F16'), /dtype "F16", expected "F32"/],
    ['shape not matching the extent', (h) => (h[first].shape = [3, 1]), /spans \d+ bytes but its shape \[3, 1\] needs 12/],
    ['shape not matching the config', (h) => (h[first].shape = [1, 16]), /has shape \[1, 16\], expected \[16, 1\] for its config/],
    ['an unknown field in an entry', (h) => (h[first].extra = 1), /unknown field 'extra'/],
    ['an unknown tensor', (h) => (h['layers.9.weight'] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] }), /tensor 'layers.9.weight' that its config does not define/],
    ['a missing tensor', (h) => delete h[second], /belong to no tensor|is missing/],
  ];
  for (const [name, edit, message] of cases) {
    const h = structuredClone(header);
    edit(h);
    await t.rejects(load(joinModelFile(h, data, true)), { name: 'FormatError', message }, `${name} (checksum resealed)`);
  }
  await t.rejects(load(joinModelFile(header, Buffer.concat([data, Buffer.alloc(4)]), true)), { name: 'FormatError', message: /trailing bytes belong to no tensor/ }, 'trailing bytes');
});

t.test('the header: null, not an object, duplicate keys, unknown keys', async (t) => {
  const { model, parts } = await savedModel();
  t.teardown(() => model.dispose());
  const { header, data } = parts;
  for (const text of ['null', '[]', '42', '"text"']) {
    await t.rejects(load(joinModelFile(text, data)), { name: 'FormatError', message: /its header is (null|an array|number|string), not a JSON object/ }, `header ${text}`);
  }
  await t.rejects(load(joinModelFile('{"a": \u0000}', data)), { name: 'FormatError', message: /not valid JSON/ });
  await t.rejects(load(Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe])])), { name: 'FormatError', message: /not valid UTF-8/ });

  // A second "config" after the real one: JSON.parse would keep the second silently.
  const json = JSON.stringify(header);
  const other = JSON.stringify(JSON.stringify({ ...JSON.parse(header.__metadata__.config), seed: 99 }));
  const duplicated = json.replace('"config":', `"config":${other},"config":`);
  t.not(duplicated, json);
  await t.rejects(load(joinModelFile(duplicated, data)), { name: 'FormatError', message: /duplicate key "config"/ }, 'a duplicate metadata key');
  const tensorTwice = json.replace('{"layers.0.weight_ih":', `{"layers.0.weight_ih":${JSON.stringify(header['layers.0.weight_ih'])},"layers.0.weight_ih":`);
  await t.rejects(load(joinModelFile(tensorTwice, data)), { name: 'FormatError', message: /duplicate key "layers.0.weight_ih"/ }, 'a tensor named twice');

  const withKey = structuredClone(header);
  withKey.__metadata__.learning_rate = '0.5';
  await t.rejects(load(joinModelFile(withKey, data, true)), { name: 'FormatError', message: /metadata has a key 'learning_rate' that format version 3 does not define/ });
  const configKey = structuredClone(header);
  configKey.__metadata__.config = JSON.stringify({ ...JSON.parse(header.__metadata__.config), layerz: [] });
  await t.rejects(load(joinModelFile(configKey, data, true)), { name: 'FormatError', message: /unknown key or a value flowcast would not write at config.layerz/ });
  const layerKey = structuredClone(header);
  const config = JSON.parse(header.__metadata__.config);
  config.layers[0].peepholes = true;
  layerKey.__metadata__.config = JSON.stringify(config);
  await t.rejects(load(joinModelFile(layerKey, data, true)), { name: 'FormatError', message: /at config.layers\[0\].peepholes/ });
  const compileKey = structuredClone(header);
  compileKey.__metadata__.compile = JSON.stringify({ ...JSON.parse(header.__metadata__.compile), momentum: 0.9 });
  await t.rejects(load(joinModelFile(compileKey, data, true)), { name: 'FormatError', message: /at compile.momentum/ });
});

t.test('every metadata edit is caught by the checksum: activation, statefulness, input shape, optimizer, pipeline, RNG', async (t) => {
  const { model, parts } = await savedModel();
  t.teardown(() => model.dispose());
  const { header, data } = parts;
  const config = () => JSON.parse(header.__metadata__.config);
  const edits: [string, (m: Record<string, string>) => void][] = [
    ['dense activation', (m) => (m.config = JSON.stringify({ ...config(), layers: config().layers.map((l: any) => (l.type === 'dense' ? { ...l, activation: 'linear' } : l)) }))],
    ['statefulness', (m) => (m.config = m.config.replace('"stateful":false', '"stateful":true'))],
    ['input shape', (m) => (m.config = m.config.replace('"inputShape":[5,1]', '"inputShape":[6,1]'))],
    ['seed', (m) => (m.config = m.config.replace('"seed":3', '"seed":4'))],
    ['learning rate', (m) => (m.compile = m.compile.replace('"learningRate":0.01', '"learningRate":0.02'))],
    ['loss', (m) => (m.compile = m.compile.replace('"loss":"mse"', '"loss":"mae"'))],
    ['optimizer step', (m) => (m.optimizer_step = String(Number(m.optimizer_step) + 1))],
    ['dropout step', (m) => (m.dropout_step = String(Number(m.dropout_step) + 1))],
    ['RNG state', (m) => (m.rng_state = m.rng_state!.replace(/^\d+/, (w) => String((Number(w) + 1) % 2 ** 32)))],
    ['pipeline', (m) => (m.pipeline = m.pipeline!.replace('"lags":5', '"lags":4'))],
  ];
  for (const [name, edit] of edits) {
    const h = structuredClone(header);
    const before = JSON.stringify(h.__metadata__);
    edit(h.__metadata__);
    t.not(JSON.stringify(h.__metadata__), before, `${name}: the edit changed the file`);
    await t.rejects(load(joinModelFile(h, data)), { name: 'FormatError', message: /do not match their checksum/ }, name);
  }
  const flipped = Buffer.from(data);
  flipped[0]! ^= 0x01;
  await t.rejects(load(joinModelFile(header, flipped)), { name: 'FormatError', message: /do not match their checksum/ }, 'a weight bit');
  const noChecksum = structuredClone(header);
  delete noChecksum.__metadata__.checksum;
  await t.rejects(load(joinModelFile(noChecksum, data)), { name: 'FormatError', message: /do not match their checksum/ }, 'the checksum removed');
  const downgraded = structuredClone(header);
  downgraded.__metadata__.format_version = '2';
  await t.rejects(load(joinModelFile(downgraded, data)), { name: 'FormatError', message: /key 'checksum' that format version 2 does not define/ }, 'claiming format 2 to skip the header checksum');
});

t.test('config values go through the layer checks: units 1e9 is a typed error, never native code', async (t) => {
  const { model, parts } = await savedModel();
  t.teardown(() => model.dispose());
  const { header, data } = parts;
  for (const [units, message] of [
    [1e9, /config needs at least \d+ weights|units/],
    [6e8, /config needs at least \d+ weights|units/],
    [0, /units/],
    [2.5, /units/],
    [-1, /units/],
  ] as const) {
    const h = structuredClone(header);
    const config = JSON.parse(h.__metadata__.config);
    config.layers[0].units = units;
    h.__metadata__.config = JSON.stringify(config);
    await t.rejects(load(joinModelFile(h, data, true)), { name: 'FormatError', message }, `units ${units}`);
  }
  const h = structuredClone(header);
  h.__metadata__.config = JSON.stringify({ ...JSON.parse(h.__metadata__.config), inputShape: [5, 1e9] });
  await t.rejects(load(joinModelFile(h, data, true)), { name: 'FormatError', message: /config needs at least|features/ }, '1e9 features');
  const bad = structuredClone(header);
  bad.__metadata__.config = 'null';
  await t.rejects(load(joinModelFile(bad, data, true)), { name: 'FormatError', message: /model config is invalid: Expected object for config/ }, 'config null');
});

t.test('a round trip is exact: weights, optimizer state, config, compile config, pipeline', async (t) => {
  const { model, bytes } = await savedModel();
  t.teardown(() => model.dispose());
  const loaded = await load(bytes);
  t.teardown(() => loaded.dispose());
  t.same(loaded.getWeights(), model.getWeights());
  t.same(loaded.config, model.config);
  t.same(loaded.compileConfig, model.compileConfig);
  t.same(loaded.pipeline, model.pipeline);
  const a = loaded._trainingState()!;
  const b = model._trainingState()!;
  t.same([a.step, a.dropoutStep, Array.from(a.rng), Array.from(a.m), Array.from(a.v)], [b.step, b.dropoutStep, Array.from(b.rng), Array.from(b.m), Array.from(b.v)]);
});

t.test('format 2 files (flowcast before format 3) still load, with their tensor checksum', async (t) => {
  const path = join(fixtures, 'compiled.safetensors');
  const bytes = readFileSync(path);
  const { header, data } = splitModelFile(bytes);
  t.equal(header.__metadata__.format_version, '2');
  const loaded = await loadModel(path);
  t.teardown(() => loaded.dispose());
  const tensor = (name: string) => Array.from(new Float32Array(data.buffer.slice(data.byteOffset + header[name].data_offsets[0], data.byteOffset + header[name].data_offsets[1])));
  const weights = loaded.getWeights();
  for (const name of Object.keys(weights)) t.same(Array.from(weights[name]!), tensor(name), `${name}: the file's bytes`);
  const state = loaded._trainingState()!;
  t.same([Array.from(state.m), Array.from(state.v)], [tensor('optimizer.m'), tensor('optimizer.v')], 'optimizer state: the file\'s bytes');
  t.equal(state.step, Number(header.__metadata__.optimizer_step));
  t.same(Array.from(state.rng).join(','), header.__metadata__.rng_state);
  t.same(loaded.compileConfig, JSON.parse(header.__metadata__.compile));
  const io = JSON.parse(readFileSync(join(fixtures, 'io.json'), 'utf8')) as { x: number[]; shape: number[]; prediction: number[] };
  const pred = await loaded.predict({ data: Float32Array.from(io.x), shape: io.shape });
  // atol 1e-6: the same weights, but the kernels' float32 summation order may change between versions.
  const worst = maxAbsDiff(pred.data, io.prediction).max;
  t.ok(worst <= 1e-6, `predicts what the model that wrote it predicted (max diff ${worst.toExponential(2)})`);
  const flipped = Buffer.from(data);
  flipped[5]! ^= 0x10;
  await t.rejects(load(joinModelFile(header, flipped)), { name: 'FormatError', message: /tensor data does not match its checksum/ }, 'format 2: a flipped weight bit');
  const saved = join(dir, 'resaved.safetensors');
  await loaded.save(saved);
  t.equal(splitModelFile(readFileSync(saved)).header.__metadata__.format_version, '3', 'saving again writes format 3');
});

t.test('duplicate-key scanner', async (t) => {
  t.equal(findDuplicateKey('{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}'), undefined, 'equal keys in different objects are fine');
  t.equal(findDuplicateKey('{"a":1,"b":2,"a":3}'), 'a');
  t.equal(findDuplicateKey('{"x":{"k":"\\"","k":1}}'), 'k', 'escaped quotes inside strings');
  t.equal(findDuplicateKey('{"a":1,"\\u0061":2}'), 'a', 'keys compared after unescaping');
  t.equal(findDuplicateKey('["a","a",{"a":"a"}]'), undefined, 'array strings are values, not keys');
  t.throws(() => parseJsonStrict('{"a":1,"a":2}'), SyntaxError);
  t.same(parseJsonStrict('{"a":[1,{"b":null}]}'), { a: [1, { b: null }] });
});

t.test('saves: fsynced temporary file renamed into place; stale temporary files are cleaned up', async (t) => {
  const { model } = await savedModel();
  t.teardown(() => model.dispose());
  const sub = mkdtempSync(join(dir, 'tmp-'));
  const path = join(sub, 'm.safetensors');
  // A pid that is surely gone: a child that has exited.
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(child.stdout);
  t.ok(deadPid > 0, `a dead pid (${deadPid})`);
  const stale = [`m.safetensors.tmp-${deadPid}`, `m.safetensors.tmp-${deadPid}-3`];
  const live = [`m.safetensors.tmp-${process.pid}`, `m.safetensors.tmp-${process.ppid}-1`];
  const unrelated = ['other.safetensors.tmp-' + deadPid, 'm.safetensors.tmp-abc', 'm.safetensors.bak'];
  for (const f of [...stale, ...live, ...unrelated]) writeFileSync(join(sub, f), 'partial');
  await model.save(path);
  for (const f of stale) t.notOk(existsSync(join(sub, f)), `save removed ${f} (its process is gone)`);
  for (const f of [...live, ...unrelated]) t.ok(existsSync(join(sub, f)), `save left ${f} alone`);
  t.same(readdirSync(sub).filter((f) => f.startsWith('m.safetensors.tmp-') && !live.includes(f) && !unrelated.includes(f)), [], 'no temporary file of its own left behind');

  for (const f of stale) writeFileSync(join(sub, f), 'partial');
  const loaded = await loadModel(path);
  loaded.dispose();
  for (const f of stale) t.notOk(existsSync(join(sub, f)), `load removed ${f}`);
  for (const f of live) t.ok(existsSync(join(sub, f)), `load left ${f} alone`);

  await t.rejects(model.save(join(sub, 'missing', 'deeper', 'm.safetensors')), {
    name: 'InvalidArgumentError',
    argument: 'path',
    message: /the directory '.*missing[/\\]deeper' of .* does not exist/,
  }, 'a missing directory is named');
  writeFileSync(join(sub, 'a-file'), 'x');
  await t.rejects(model.save(join(sub, 'a-file', 'm.safetensors')), { name: 'InvalidArgumentError', message: /a-file' of .* is not a directory/ }, 'a file where the directory should be');
});

t.test('writeFileAtomic: write, fsync, close, rename, then fsync the directory; a failed rename leaves no temporary file', async (t) => {
  const real = await import('node:fs/promises');
  const calls: string[] = [];
  const sub = mkdtempSync(join(dir, 'atomic-'));
  const name = (p: unknown) => (String(p) === sub ? 'dir' : String(p).slice(sub.length + 1).replace(/tmp-\d+-\d+$/, 'tmp-PID-N'));
  const { writeFileAtomic } = await t.mockImport<typeof import('../lib/model/atomic-write.js')>('../lib/model/atomic-write.js', {
    'node:fs/promises': {
      ...real,
      open: async (p: string, flags: string) => {
        const handle = await real.open(p, flags);
        calls.push(`open ${name(p)}`);
        return {
          writeFile: async (b: Uint8Array) => (calls.push('write'), handle.writeFile(b)),
          sync: async () => (calls.push(`sync ${name(p)}`), handle.sync()),
          close: async () => (calls.push('close'), handle.close()),
        };
      },
      rename: async (a: string, b: string) => (calls.push(`rename ${name(a)} -> ${name(b)}`), real.rename(a, b)),
    },
  });
  await writeFileAtomic(join(sub, 'm.safetensors'), Buffer.from('contents'));
  const expected = ['open m.safetensors.tmp-PID-N', 'write', 'sync m.safetensors.tmp-PID-N', 'close', 'rename m.safetensors.tmp-PID-N -> m.safetensors'];
  t.same(calls, process.platform === 'win32' ? expected : [...expected, 'open dir', 'sync dir', 'close'], 'the data is on disk before the rename; the rename is on disk before save() resolves');
  t.equal(readFileSync(join(sub, 'm.safetensors'), 'utf8'), 'contents');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(sub, 'a-directory'));
  await t.rejects(writeFileAtomic(join(sub, 'a-directory'), Buffer.from('x')), { code: /EISDIR|EEXIST|ENOTEMPTY|EPERM/ }, 'rename onto a directory fails');
  t.same(readdirSync(sub).sort(), ['a-directory', 'm.safetensors'], 'and its temporary file is gone');
});

t.test('writeFileAtomic: a file system that cannot fsync a directory (EINVAL) still saves', async (t) => {
  const real = await import('node:fs/promises');
  const sub = mkdtempSync(join(dir, 'nodirsync-'));
  const { writeFileAtomic } = await t.mockImport<typeof import('../lib/model/atomic-write.js')>('../lib/model/atomic-write.js', {
    'node:fs/promises': {
      ...real,
      open: async (p: string, flags: string) => {
        const handle = await real.open(p, flags);
        if (p !== sub) return handle;
        return { sync: async () => Promise.reject(Object.assign(new Error('EINVAL: invalid argument, fsync'), { code: 'EINVAL' })), close: () => handle.close() };
      },
    },
  });
  await writeFileAtomic(join(sub, 'm.safetensors'), Buffer.from('contents'));
  t.equal(readFileSync(join(sub, 'm.safetensors'), 'utf8'), 'contents');
  t.same(readdirSync(sub), ['m.safetensors']);
});

t.test('SIGKILL during repeated saves: the file is never torn, and the next load removes the temporary files left', async (t) => {
  const { spawn } = await import('node:child_process');
  const loop = join(dirname(fileURLToPath(import.meta.url)), 'helpers', 'save-loop.ts');
  const sub = mkdtempSync(join(dir, 'sigkill-'));
  const path = join(sub, 'm.safetensors');
  let leftovers = 0;
  for (let trial = 0; trial < 3; trial++) {
    const child = spawn(process.execPath, [...process.execArgv, loop, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    // Kill after a few saves, at a point in the loop that differs from trial to trial.
    await new Promise<void>((resolve) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes(`saved ${2 + trial}\n`)) setTimeout(() => { child.kill('SIGKILL'); resolve(); }, trial % 3);
      });
    });
    await new Promise((resolve) => child.once('exit', resolve));
    leftovers += readdirSync(sub).filter((f) => f.includes('.tmp-')).length;
    const loaded = await loadModel(path);
    t.equal(loaded.paramCount, 4 * 160 * (4 + 160 + 2) + 4 * 64 * (160 + 64 + 2) + 65, `trial ${trial}: the file loads whole`);
    loaded.dispose();
    t.same(readdirSync(sub).filter((f) => f.includes('.tmp-')), [], `trial ${trial}: no temporary file left after the load`);
  }
  t.comment(`temporary files found after the kills, before the loads: ${leftovers}`);
});
