/**
 * A corrupt Arrow IPC file is a FormatError, never a hang or an abort.
 * test/fuzz.test.ts found both committed reproducers (39-row writeArrow files):
 * - record-batch-read-as-schema.arrow, 3 bytes cut at byte 28 inside the
 *   record batch's metadata: apache-arrow's tableFromIPC loops forever on it
 *   (it re-reads a footer block whose message reads as a Schema);
 * - vector-length-exhausts-heap.arrow, one bit flipped in the record batch's
 *   field-node count (0x06000000 nodes in 376 bytes): apache-arrow builds that
 *   many objects until the heap is exhausted and the process aborts;
 * - row-count-past-buffers.arrows (stream format), a record batch whose row
 *   count and field-node lengths were flipped to 70368744177703 over 39 rows
 *   of buffers: apache-arrow returns a table of 7e13 rows of garbage, and
 *   reading it never ends.
 * Oracle: the reader returns promptly (the test process would otherwise time
 * out or die) with a FormatError, and an intact file still reads.
 */
import t from 'tap';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readArrow, writeArrow } from '../lib/data/arrow-io.js';
import { parseCsv } from '../lib/data/csv.js';

const fixture = (name: string, ext = 'arrow') => join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'arrow', `${name}.${ext}`);

t.test('corrupt metadata is refused, not looped on or decoded until the heap is exhausted', async (t) => {
  const started = performance.now();
  await t.rejects(readArrow(fixture('record-batch-read-as-schema')), { name: 'FormatError', message: /is corrupt or truncated: the message of its footer's record batch block 0/ });
  t.ok(performance.now() - started < 5000, 'promptly');
  await t.rejects(readArrow(fixture('vector-length-exhausts-heap')), {
    name: 'FormatError',
    message: /the message of its footer's record batch block 0 claims 100663296 field nodes, more than its 376 bytes can hold/,
  });
  await t.rejects(readArrow(fixture('row-count-past-buffers', 'arrows')), {
    name: 'FormatError',
    message: /column 'Timestamp' of record batch 0 claims 70368744177703 rows but its validity bitmap holds 64/,
  });
  const path = join(mkdtempSync(join(tmpdir(), 'flowcast-arrow-')), 'ok.arrow');
  await writeArrow(parseCsv('t,v\n1,2.5\n2,3.5\n'), path, { format: 'file' });
  t.same((await readArrow(path)).getChild('v')!.toArray(), Float64Array.from([2.5, 3.5]), 'an intact file reads (block by block)');
});
