/**
 * Native code never aborts: sizes beyond the stated limits (lib/core/limits.ts,
 * native/core/spec.h) are refused with typed errors, in TypeScript first and
 * by the core as a backstop, and every C++ exception is caught at the binding
 * boundary. Oracle: the error's class, code and message; the process surviving
 * (an abort would end this test file). Each case once killed the process with
 * SIGABRT (std::length_error from an int overflow in 4 * units, or
 * std::system_error from creating 100,000 threads).
 */
import t from 'tap';
import { sequential } from '../lib/model/sequential.js';
import { dense, lstm, gru } from '../lib/model/layers.js';
import { binding, type NativeSpec } from '../lib/native/binding.js';
import { LIMITS } from '../lib/core/limits.js';
import { setThreads, threads } from '../lib/native/runtime.js';

const b = binding();
const spec = (units: number, steps = 10, features = 1): NativeSpec => ({
  steps,
  features,
  layers: [
    { kind: 0, units, activation: 0, returnSequences: false, stateful: false },
    { kind: 1, units: 1, activation: 0, returnSequences: false, stateful: false },
  ],
});

t.test('the limits in TypeScript are the native core\'s', async (t) => {
  t.same(b.limits(), { ...LIMITS }, 'lib/core/limits.ts == native/core/spec.h and thread_pool.h');
});

t.test('layer sizes beyond the limit are refused in TypeScript, naming the argument', async (t) => {
  for (const units of [1e9, 6e8, LIMITS.units + 1]) {
    t.throws(() => lstm(units), { name: 'InvalidArgumentError', message: `Expected integer from 1 to 65536 for units but received ${units} of type number` });
    t.throws(() => gru(units), { name: 'InvalidArgumentError' });
    t.throws(() => dense(units), { name: 'InvalidArgumentError' });
  }
  t.throws(() => sequential({ inputShape: [LIMITS.steps + 1, 1], layers: [lstm(2), dense(1)] }), { name: 'InvalidArgumentError', message: /config\.inputShape\[0\] \(steps\)/ });
  t.throws(() => sequential({ inputShape: [10, 1e9], layers: [lstm(2), dense(1)] }), { name: 'InvalidArgumentError', message: /config\.inputShape\[1\] \(features\)/ });
  t.ok(lstm(LIMITS.units).units === LIMITS.units, 'the limit itself is allowed');
});

t.test('a network over the parameter limit is refused by the core with a typed error', async (t) => {
  // LSTM(60000) on 1 feature: 4 * 60000 * (1 + 60000 + 2) = 1.44e10 parameters.
  t.throws(() => sequential({ inputShape: [10, 1], layers: [lstm(60_000), dense(1)] }), {
    name: 'NativeError',
    code: 'ERR_FLOWCAST_NATIVE',
    message: /more than 2147483648 parameters/,
  });
});

t.test('the binding refuses sizes a caller could pass around TypeScript (backstop)', async (t) => {
  for (const units of [1e9, 6e8, 2 ** 31, 1.5, -1]) {
    t.throws(() => new b.NativeModel(spec(units), 1), { code: /ERR_FLOWCAST_(NATIVE|INVALID_ARG)/ }, `units ${units}`);
  }
  t.throws(() => new b.NativeModel(spec(4, 2 ** 21), 1), { code: 'ERR_FLOWCAST_NATIVE', message: /steps must be from 1 to 1048576/ });
  const m = new b.NativeModel(spec(4), 1);
  m.compileAdam(1e-3, 0.9, 0.999, 1e-7);
  const x = new Float32Array(10), y = new Float32Array(1);
  // batch * steps must fit one GEMM's rows: 10 steps allow at most 214,748,364 rows per batch.
  t.throws(() => m.fitEpoch(x, y, 1, 3e8, false), { code: 'ERR_FLOWCAST_INVALID_ARG', message: /batchSize must be an integer from 1 to 214748364/ });
  t.throws(() => m.predictSync(x, 1, 2 ** 40), { code: 'ERR_FLOWCAST_INVALID_ARG' });
  t.throws(() => m.predictSync(x, 1.5, 1), { code: 'ERR_FLOWCAST_INVALID_ARG' });
  t.equal((await m.predict(x, 1, 1)).length, 1, 'the model still works after the refusals');
  m.dispose();
});

t.test('setThreads beyond the limit is refused, and the pool is unchanged', async (t) => {
  const before = threads();
  t.throws(() => setThreads(100_000), { name: 'InvalidArgumentError', message: 'Expected integer from 1 to 1024 for n but received 100000 of type number' });
  t.throws(() => b.setThreads(100_000), { code: 'ERR_FLOWCAST_INVALID_ARG', message: /from 1 to 1024/ }, 'the binding refuses it too');
  t.equal(threads(), before);
});

t.test('resizing the pool back and forth never hangs (workers start from the pool\'s first generation)', async (t) => {
  // Before the fix, a pool destroyed before its workers first ran could
  // leave a worker asleep through the stop, and the join hung forever.
  const before = threads();
  for (let i = 0; i < 200; i++) setThreads(1 + (i % 4));
  setThreads(before);
  t.equal(threads(), before);
});

t.test('outputs too large to allocate are a typed error, not a write through a null array', async (t) => {
  // (2^24 + 1) samples x a dense(65536) head: over 2^40 output values, refused before any allocation
  // (node-addon-api without C++ exceptions returns an empty array on a failed allocation, so the
  // binding checks the size first and the pending exception after).
  const wide: NativeSpec = { ...spec(1, 1), layers: [spec(1, 1).layers[0]!, { kind: 1, units: LIMITS.units, activation: 0, returnSequences: false, stateful: false }] };
  const m = new b.NativeModel(wide, 1);
  const n = 2 ** 24 + 1;
  t.throws(() => m.predictSync(new Float32Array(n), n, 1), { code: 'ERR_FLOWCAST_NATIVE', message: `out of memory: ${n} x 65536 output values` });
  t.throws(() => m.predict(new Float32Array(n), n, 1), { code: 'ERR_FLOWCAST_NATIVE' });
  m.dispose();
});
