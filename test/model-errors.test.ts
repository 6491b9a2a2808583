/**
 * Bad input to the model API: every case is a typed error whose message names
 * the argument, what was expected and what was received; nothing crashes.
 * Oracle: the exact message shape of lib/core/validate.ts
 * ("Expected <expected> for <name> but received <value> of type <type>").
 */
import t from 'tap';
import { sequential } from '../lib/model/sequential.js';
import { dense, lstm } from '../lib/model/layers.js';
import { adam } from '../lib/model/optimizers.js';
import type { Tensor } from '../lib/core/tensor.js';

const tensor = (shape: number[], fill = 0.1): Tensor => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill), shape });

t.test('layer and model construction', async (t) => {
  t.throws(() => lstm(0), { name: 'InvalidArgumentError', message: 'Expected integer from 1 to 65536 for units but received 0 of type number' });
  t.throws(() => lstm(2.5), { message: 'Expected integer from 1 to 65536 for units but received 2.5 of type number' });
  t.throws(() => dense(-1), { message: /Expected integer from 1 to 65536 for units but received -1/ });
  t.throws(() => dense(1, { activation: 'softmax' as never }), {
    message: "Expected one of 'linear', 'tanh', 'sigmoid', 'relu' for options.activation but received \"softmax\" of type string",
  });
  t.throws(() => lstm(4, { stateful: 'yes' as never }), { message: /Expected boolean for options.stateful but received "yes"/ });
  t.throws(() => sequential({ inputShape: [0, 1], layers: [lstm(2)] }), {
    message: 'Expected integer from 1 to 1048576 for config.inputShape[0] (steps) but received 0 of type number',
  });
  t.throws(() => sequential({ inputShape: [3, 1.5], layers: [lstm(2)] }), { message: /config.inputShape\[1\] \(features\) but received 1.5/ });
  t.throws(() => sequential({ inputShape: [3, 1], layers: [] }), { message: /Expected non-empty array of layers for config.layers/ });
  t.throws(() => sequential({ inputShape: [3, 1], layers: [dense(1)] }), { message: /Expected a recurrent layer \(lstm\(\), gru\(\) or simpleRnn\(\)\) first/ });
  t.throws(() => sequential({ inputShape: [3, 1], layers: [lstm(2), lstm(2)] }), {
    name: 'InvalidArgumentError',
    message: /Expected returnSequences: true for config.layers\[0\] because it feeds another recurrent layer/,
  });
  t.throws(() => sequential({ inputShape: [3, 1], layers: [lstm(2), dense(2), lstm(2)] }), { message: /recurrent layer after a Dense layer/ });
  t.throws(() => sequential({ inputShape: [3, 1], layers: [{ type: 'transformer', units: 2 } as never] }), {
    message: /Expected 'lstm', 'gru', 'rnn', 'dense' or 'dropout' for config.layers\[0\].type but received "transformer"/,
  });
  t.throws(() => adam({ learningRate: 0 }), { message: /Expected positive finite number for options.learningRate but received 0/ });
  t.throws(() => adam({ beta1: 1 }), { message: /Expected number in \[0, 1\) for options.beta1 but received 1/ });
});

t.test('fit, predict, evaluate inputs', async (t) => {
  const model = sequential({ inputShape: [4, 1], layers: [lstm(3), dense(1)], seed: 1 });
  t.teardown(() => model.dispose());
  const x = tensor([10, 4, 1]);
  const y = tensor([10, 1]);
  await t.rejects(model.fit(x, y), { name: 'StateError', code: 'ERR_FLOWCAST_STATE', message: /fit\(\) was called before compile\(\)/ }, 'fit before compile');
  model.compile({ optimizer: adam(), loss: 'mse' });
  t.throws(() => model.compile({ loss: 'l1' as never }), { name: 'InvalidArgumentError', message: /config.loss/ });

  const nanX = tensor([10, 4, 1]);
  nanX.data[17] = NaN;
  await t.rejects(model.fit(nanX, y), { name: 'InvalidArgumentError', message: 'Expected finite values for x.data but received NaN at index 17' });
  const infY = tensor([10, 1]);
  infY.data[3] = Infinity;
  await t.rejects(model.fit(x, infY), { message: 'Expected finite values for y.data but received Infinity at index 3' });
  await t.rejects(model.fit(x, tensor([9, 1])), { message: 'Expected y.shape [10, 1] (one target per sample of x) but received [9, 1]' });
  await t.rejects(model.fit(tensor([10, 4]), y), { message: 'Expected rank 3 for x.shape but received [10, 4] (rank 2)' });
  await t.rejects(model.fit(tensor([10, 5, 1]), y), { message: 'Expected x.shape [samples, 4, 1] but received [10, 5, 1]' });
  await t.rejects(model.fit(tensor([0, 4, 1]), tensor([0, 1])), { message: 'Expected at least one sample in x but received shape [0, 4, 1]' });
  await t.rejects(model.fit({ data: new Float32Array(7), shape: [2, 4, 1] }, y), {
    message: 'Expected x.data.length to equal the product of shape [2, 4, 1] = 8 but received 7',
  });
  await t.rejects(model.fit({ data: [1, 2] as never, shape: [2, 1, 1] }, y), { message: /Expected Float32Array for x.data but received Array\(2\) of type array/ });
  await t.rejects(model.fit(x, y, { batchSize: 0 }), { message: 'Expected integer from 1 to 536870911 for options.batchSize but received 0 of type number' });
  await t.rejects(model.fit(x, y, { batchSize: 1.5 }), { message: /options.batchSize but received 1.5/ });
  await t.rejects(model.fit(x, y, { epochs: -2 }), { message: 'Expected positive integer for options.epochs but received -2 of type number' });
  await t.rejects(model.fit(x, y, { epochs: 0 }), { message: /options.epochs but received 0/ });
  await t.rejects(model.fit(x, y, { signal: {} as never }), { message: /Expected AbortSignal for options.signal/ });
  await t.rejects(model.predict(x, { batchSize: -1 }), { message: /options.batchSize but received -1/ });
  await t.rejects(model.evaluate(x, tensor([10, 2])), { message: /Expected y.shape \[10, 1\]/ });
  t.throws(() => model.setWeights({ ...model.getWeights(), 'layers.9.bias': new Float32Array(1) }), { message: /unknown 'layers.9.bias'/ });
  t.throws(() => model.setWeights({ ...model.getWeights(), 'layers.1.bias': new Float32Array(2) }), {
    message: "Expected Float32Array of 1 elements (shape [1]) for weights['layers.1.bias'] but received Float32Array(2) of type Float32Array",
  });
  const before = model.getWeights();
  const w = model.getWeights();
  w['layers.0.weight_hh']![0] = NaN;
  t.throws(() => model.setWeights(w), { message: /Expected finite values for weights\['layers.0.weight_hh'\] but received NaN at index 0/ });
  t.same(model.getWeights(), before, 'a refused setWeights changes no weight');
  t.ok(Number.isFinite((await model.evaluate(x, y)).rmse), 'the model still evaluates after all the refused calls');
});

t.test('a diverging loss is a typed native error, weights kept', async (t) => {
  const model = sequential({ inputShape: [2, 1], layers: [lstm(2), dense(1)], seed: 1 });
  t.teardown(() => model.dispose());
  model.compile({ optimizer: adam({ learningRate: 1e30 }) });
  const x = tensor([4, 2, 1], 1);
  const y = tensor([4, 1], 3e38);
  await t.rejects(model.fit(x, y, { batchSize: 2, epochs: 3 }), {
    name: 'NativeError',
    code: 'ERR_FLOWCAST_NATIVE',
    status: 'FC_STATUS_NON_FINITE',
    message: /non-finite loss or update; the parameters keep their values/,
  });
  t.ok(Object.values(model.getWeights()).every((a) => a.every(Number.isFinite)), 'weights stay finite');
});
