/**
 * A JSON-lines training log: one JSON object per line, appended as training
 * goes (train begin, every epoch, train end), so a crashed run keeps its log
 * and `jq`, pandas (`read_json(lines=True)`) or a dashboard can read it.
 */
import { appendFile, writeFile } from 'node:fs/promises';
import { invalid, optional, plainObject, boolean } from '../../core/validate.js';
import type { Callback, EpochLogs, TrainBeginLogs } from './types.js';

export interface TrainingLogOptions {
  /** The .jsonl file. */
  path: string;
  /** Append to an existing file instead of starting a new one. Default false. */
  append?: boolean;
}

/**
 * Lines: {"event":"trainBegin",...}, {"event":"epoch","epoch":1,"loss":...,"valLoss":...,"learningRate":...,...},
 * {"event":"trainEnd",...}; every line has "time" (ISO 8601).
 * @example trainingLog({ path: 'runs/btc.jsonl' })
 */
export function trainingLog(options: TrainingLogOptions): Callback {
  plainObject('options', options);
  if (typeof options.path !== 'string' || options.path === '') throw invalid('options.path', 'non-empty file path string', options.path);
  const path = options.path;
  const append = optional(options.append, false, (v) => boolean('options.append', v));
  const line = (o: Record<string, unknown>) => `${JSON.stringify({ time: new Date().toISOString(), ...o })}\n`;
  return {
    async onTrainBegin(logs: TrainBeginLogs) {
      const { model: _model, ...rest } = logs;
      const first = line({ event: 'trainBegin', ...rest });
      await (append ? appendFile(path, first) : writeFile(path, first));
    },
    async onEpochEnd(epoch: number, logs: EpochLogs) {
      await appendFile(path, line({ event: 'epoch', epoch: epoch + 1, ...logs }));
    },
    async onTrainEnd(history: { loss: number[]; valLoss?: number[] }) {
      await appendFile(path, line({ event: 'trainEnd', epochs: history.loss.length, ...history }));
    },
  };
}
