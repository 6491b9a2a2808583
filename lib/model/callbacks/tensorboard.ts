/**
 * A TensorBoard callback that writes real TensorBoard event files, laid out
 * as Keras does: <logDir>/train and <logDir>/validation, each with one
 * events.out.tfevents.* file of scalar summaries per epoch (step = epoch,
 * 0-based): train has epoch_loss and epoch_learning_rate, validation has
 * epoch_loss, epoch_rmse and epoch_mae. `tensorboard --logdir <logDir>` plots
 * training and validation loss on one chart.
 *
 * File format (TFRecord): per record, uint64 length (little-endian), uint32
 * masked CRC-32C of those 8 bytes, the data, uint32 masked CRC-32C of the
 * data. The data is a tensorflow.Event protobuf; the first event carries
 * file_version "brain.Event:2".
 */
import { mkdir, appendFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { maskedCrc32c } from '../../core/crc32c.js';
import { invalid, plainObject } from '../../core/validate.js';
import type { Callback, EpochLogs } from './types.js';

// tensorflow/core/util/event.proto and framework/summary.proto, the fields used.
const EVENT_SCHEMA = `
syntax = "proto3";
package tensorflow;
message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    Summary summary = 5;
  }
}
message Summary {
  message Value {
    string tag = 1;
    oneof value { float simple_value = 2; }
  }
  repeated Value value = 1;
}
`;

let eventType: protobuf.Type | null = null;
function eventProto(): protobuf.Type {
  eventType ??= protobuf.parse(EVENT_SCHEMA, { keepCase: true }).root.lookupType('tensorflow.Event');
  return eventType;
}

/** One TFRecord: length, masked CRC of the length, data, masked CRC of the data. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** An Event record: the file version header, or scalar summaries at a step. */
export function eventRecord(wallTime: number, step: number, body: { fileVersion: string } | { scalars: Record<string, number> }): Uint8Array {
  const type = eventProto();
  const event =
    'fileVersion' in body
      ? { wall_time: wallTime, step, file_version: body.fileVersion }
      : { wall_time: wallTime, step, summary: { value: Object.entries(body.scalars).map(([tag, v]) => ({ tag, simple_value: v })) } };
  return tfRecord(type.encode(type.fromObject(event)).finish());
}

export interface TensorBoardOptions {
  /** The run's directory (created if missing). */
  logDir: string;
}

export interface TensorBoardCallback extends Callback {
  /** The event files written (train, then validation once it has data). */
  readonly files: readonly string[];
}

/**
 * @example await model.fit(x, y, { validationSplit: 0.1, callbacks: [tensorBoard({ logDir: 'runs/btc' })] })
 */
export function tensorBoard(options: TensorBoardOptions): TensorBoardCallback {
  plainObject('options', options);
  if (typeof options.logDir !== 'string' || options.logDir === '') throw invalid('options.logDir', 'non-empty directory path string', options.logDir);
  const logDir = options.logDir;
  const files: string[] = [];
  const writers = new Map<string, string>();

  // Opens <logDir>/<split>/events.out.tfevents.<seconds>.<host>.<pid>.flowcast with its header.
  const writer = async (split: 'train' | 'validation'): Promise<string> => {
    let file = writers.get(split);
    if (file) return file;
    const dir = join(logDir, split);
    await mkdir(dir, { recursive: true });
    const now = Date.now() / 1000;
    file = join(dir, `events.out.tfevents.${Math.floor(now)}.${hostname()}.${process.pid}.flowcast`);
    await writeFile(file, eventRecord(now, 0, { fileVersion: 'brain.Event:2' }));
    writers.set(split, file);
    files.push(file);
    return file;
  };

  return {
    files,
    async onTrainBegin() {
      writers.clear();
      files.length = 0;
      await writer('train');
    },
    async onEpochEnd(epoch: number, logs: EpochLogs) {
      const now = Date.now() / 1000;
      await appendFile(await writer('train'), eventRecord(now, epoch, { scalars: { epoch_loss: logs.loss, epoch_learning_rate: logs.learningRate } }));
      if (logs.valLoss !== undefined) {
        const scalars = { epoch_loss: logs.valLoss, epoch_rmse: logs.valRmse!, epoch_mae: logs.valMae! };
        await appendFile(await writer('validation'), eventRecord(now, epoch, { scalars }));
      }
    },
  };
}
