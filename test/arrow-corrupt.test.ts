/**
 * A corrupt Arrow IPC file is a FormatError, never a hang. apache-arrow's
 * tableFromIPC loops forever on a file whose footer block holds a message
 * that reads as a Schema instead of a RecordBatch: it re-reads the same block
 * without advancing. test/fuzz.test.ts found the committed reproducer:
 * fixtures/arrow/record-batch-read-as-schema.arrow is a 39-row writeArrow
 * file with 3 bytes cut at byte 28, inside the record batch's metadata.
 * Oracle: the reader returns (the test process would otherwise time out)
 * with a FormatError, and the intact file still reads.
 */
import t from 'tap';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readArrow, writeArrow } from '../lib/data/arrow-io.js';
import { parseCsv } from '../lib/data/csv.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'arrow', 'record-batch-read-as-schema.arrow');

t.test('a footer block whose message reads as a schema is refused, not looped on', async (t) => {
  const started = performance.now();
  await t.rejects(readArrow(fixture), { name: 'FormatError', message: /is corrupt or truncated: .*RecordBatch/ });
  t.ok(performance.now() - started < 5000, 'promptly');
  const path = join(mkdtempSync(join(tmpdir(), 'flowcast-arrow-')), 'ok.arrow');
  await writeArrow(parseCsv('t,v\n1,2.5\n2,3.5\n'), path, { format: 'file' });
  t.same((await readArrow(path)).getChild('v')!.toArray(), Float64Array.from([2.5, 3.5]), 'an intact file reads (block by block)');
});
