/**
 * The backend seam (native/backend/backend.h): a model is bound to one
 * compute backend when it is created; the binding lists the backends it has;
 * doctor() (test/doctor.test.ts) and the model's description name the one
 * in use; a backend that is not built is a typed error naming those that are.
 * Oracle: the registry's list (native/backend/registry.cc: 'cpu' first) and
 * the stated messages.
 */
import t from 'tap';
import { binding } from '../lib/native/binding.js';
import { backends, createNativeModel, selectBackend, selectedBackend } from '../lib/native/backends.js';
import { kernelIsa } from '../lib/native/runtime.js';
import { sequential } from '../lib/model/sequential.js';
import { dense, lstm } from '../lib/model/layers.js';
import { toNativeSpec } from '../lib/model/config.js';
import { BACKENDS } from './helpers/backends.js';

const spec = toNativeSpec([3, 1], [lstm(4), dense(1)]);

t.test('the build lists its backends, the CPU first, and new models run on the first', async (t) => {
  t.same(backends(), binding().backends(), 'backends() is the binding\'s list');
  t.equal(backends()[0], 'cpu', 'the CPU backend is the default');
  t.equal(new Set(backends()).size, backends().length, 'no name twice');
  t.equal(selectedBackend(), 'cpu');
  t.ok(BACKENDS.every((b) => backends().includes(b)), `the per-backend suites run on listed backends (${BACKENDS})`);
  const m = createNativeModel(spec, 1);
  t.equal(m.backend(), 'cpu');
  t.equal(m.isa(), kernelIsa(), 'the CPU backend runs the kernel table chosen at load');
  m.dispose();
});

t.test('the model says which backend runs it, and its stream runs on the same one', async (t) => {
  const model = sequential({ inputShape: [3, 1], layers: [lstm(4), dense(1)], seed: 1 });
  t.teardown(() => model.dispose());
  t.same(model.backend, { name: 'cpu', kernels: kernelIsa() }, 'model.backend');
  t.match(model.summary(), new RegExp(`^Backend: cpu \\(${kernelIsa()} kernels\\)$`, 'm'), 'summary() names it');
  const s = model.stream();
  t.equal(s.step([0.5]).length, 1, 'the stream steps');
  s.dispose();
});

t.test('each listed backend builds the same model from the same seed', async (t) => {
  const ref = createNativeModel(spec, 5, 'cpu');
  for (const name of backends()) {
    selectBackend(name);
    const m = createNativeModel(spec, 5);
    t.equal(m.backend(), name, `created on '${name}'`);
    t.same(m.getParams(), ref.getParams(), `'${name}': the same initial parameters as the CPU backend (Keras initialization on the host)`);
    m.dispose();
  }
  selectBackend(undefined);
  t.equal(selectedBackend(), 'cpu', 'undefined restores the default');
  ref.dispose();
});

t.test('a backend this build lacks is a typed error naming those it has', async (t) => {
  t.throws(() => selectBackend('cuda-9000'), { name: 'InvalidArgumentError', message: /Expected one of 'cpu'.* for backend but received "cuda-9000"/ });
  t.equal(selectedBackend(), 'cpu', 'the selection is unchanged');
  t.throws(() => createNativeModel(spec, 1, 'tpu'), {
    name: 'NativeError',
    status: 'FC_STATUS_UNSUPPORTED',
    message: /backend 'tpu' is not in this build \(it has 'cpu'/,
  });
  t.throws(() => new (binding().NativeModel)(spec, 1, 'sse9', 'cpu'), { status: 'FC_STATUS_UNSUPPORTED', message: /kernel table 'sse9' is not available/ });
});
