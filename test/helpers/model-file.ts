/**
 * Reads and writes flowcast model files by the documented layout alone (not
 * through lib/model), so tests can edit a file and, where they mean to test
 * the checks behind the checksum, seal it again: format 3's checksum is
 * "sha256:" + hex SHA-256 of JSON.stringify(header without
 * __metadata__.checksum, entries in file order) followed by the tensor bytes.
 */
import { createHash } from 'node:crypto';

export interface ModelFileParts {
  header: Record<string, any>;
  data: Buffer;
}

export function splitModelFile(bytes: Uint8Array): ModelFileParts {
  const b = Buffer.from(bytes);
  const n = Number(b.readBigUInt64LE(0));
  return { header: JSON.parse(b.subarray(8, 8 + n).toString('utf8')), data: b.subarray(8 + n) };
}

/** The format-3 checksum of a header and tensor bytes (the header's own checksum is left out). */
export function sealChecksum(header: Record<string, unknown>, data: Uint8Array): string {
  const { checksum: _, ...metadata } = header.__metadata__ as Record<string, string>;
  const canonical = JSON.stringify({ ...header, __metadata__: metadata });
  return `sha256:${createHash('sha256').update(canonical).update(data).digest('hex')}`;
}

/** Joins a header (as given: JSON text or an object) and tensor bytes; `seal` recomputes the checksum. */
export function joinModelFile(header: Record<string, unknown> | string, data: Uint8Array, seal = false): Buffer {
  let json: string;
  if (typeof header === 'string') {
    json = header;
  } else {
    const h = structuredClone(header) as Record<string, Record<string, string>>;
    const meta = h.__metadata__;
    // A header edited into one without a metadata object has no checksum to seal.
    if (seal && typeof meta === 'object' && meta !== null && !Array.isArray(meta)) meta.checksum = sealChecksum(h, data);
    json = JSON.stringify(h);
  }
  const head = Buffer.from(json, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(head.length));
  return Buffer.concat([length, head, data]);
}
