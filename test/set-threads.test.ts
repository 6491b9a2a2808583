/**
 * setThreads while a model trains is a BusyError for the whole of fit():
 * right after fit() is called (before its first native call), from a
 * callback between epochs, and not after fit() settles (resolved or
 * aborted). Oracle: the thread count itself, unchanged by a refused call.
 */
import t from 'tap';
import { dense, lstm } from '../lib/model/layers.js';
import { sequential } from '../lib/model/sequential.js';
import { setThreads, threads } from '../lib/native/runtime.js';

const initial = threads();
t.teardown(() => setThreads(initial));
const n = 24;
const x = { data: Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i / 3)), shape: [n, 4, 1] };
const y = { data: Float32Array.from({ length: n }, (_, i) => Math.cos(i / 5) / 2), shape: [n, 1] };

function model() {
  const m = sequential({ inputShape: [4, 1], layers: [lstm(6), dense(1)], seed: 1 });
  m.compile();
  return m;
}

t.test('setThreads during fit: BusyError, the count unchanged; allowed again after', async (t) => {
  const m = model();
  t.teardown(() => m.dispose());
  const other = initial === 1 ? 2 : 1;
  const refusedInCallback: unknown[] = [];
  const running = m.fit(x, y, {
    epochs: 3,
    batchSize: 8,
    callbacks: [{ onEpochEnd: () => void refusedInCallback.push(catchError(() => setThreads(other))) }],
  });
  t.throws(() => setThreads(other), { name: 'BusyError', code: 'ERR_FLOWCAST_BUSY', message: /no model is training: a fit\(\) is running/ }, 'right after fit() is called');
  t.equal(threads(), initial, 'the thread count did not change');
  await running;
  t.equal(refusedInCallback.length, 3);
  t.ok(refusedInCallback.every((e) => (e as Error)?.name === 'BusyError'), 'from a callback between epochs too');
  setThreads(other);
  t.equal(threads(), other, 'after fit() resolved the count can change');
  setThreads(initial);

  const controller = new AbortController();
  const aborted = m.fit(x, y, { epochs: 50, batchSize: 1, signal: controller.signal, callbacks: [{ onBatchEnd: () => controller.abort() }] });
  t.throws(() => setThreads(other), { name: 'BusyError' });
  await t.rejects(aborted, { name: 'AbortError' });
  setThreads(other);
  t.equal(threads(), other, 'after an aborted fit() too');
});

function catchError(f: () => void): unknown {
  try {
    f();
    return null;
  } catch (err) {
    return err;
  }
}
