/**
 * Which DLLs a Windows (PE32+) binary imports and which names it exports,
 * read from its data directories -- what `objdump -p` prints, without
 * binutils. scripts/package.mjs refuses a win32 addon that needs a DLL a
 * plain Windows does not have (libstdc++-6.dll, libgcc_s_seh-1.dll,
 * libwinpthread-1.dll: the MinGW runtime must be linked in).
 *
 * From the PE/COFF specification:
 *   e_lfanew (u32) at 0x3c -> 'PE\0\0'; COFF header: NumberOfSections (u16)
 *   at +6, SizeOfOptionalHeader (u16) at +20; the optional header at +24,
 *   Magic 0x20b (PE32+), its data directories at +112: [0] export table,
 *   [1] import table (RVA u32, size u32 each).
 *   Section header (40 bytes): VirtualSize at 8, VirtualAddress at 12,
 *   SizeOfRawData at 16, PointerToRawData at 20 (to map an RVA to a file offset).
 *   Import directory entry (20 bytes, zero-terminated list): Name RVA at 12.
 *   Export directory: NumberOfNames at 24, AddressOfNames (RVA of u32 RVAs) at 32.
 */
import { readFileSync } from 'node:fs';

export interface PeImports {
  /** Imported DLL names as written in the file (e.g. 'KERNEL32.dll', 'NODE.EXE'). */
  dlls: string[];
  /** Exported names. */
  exports: string[];
}

/** Reads `path` (a PE32+ file); throws a plain Error naming what is wrong otherwise. */
export function readPeImports(path: string): PeImports {
  const b = readFileSync(path);
  if (b.length < 0x40 || b.toString('latin1', 0, 2) !== 'MZ') throw new Error(`${path}: not a PE file (no MZ header)`);
  const pe = b.readUInt32LE(0x3c);
  if (pe + 24 > b.length || b.readUInt32LE(pe) !== 0x00004550) throw new Error(`${path}: no PE signature`);
  const sections = b.readUInt16LE(pe + 6);
  const optional = pe + 24;
  if (b.readUInt16LE(optional) !== 0x20b) throw new Error(`${path}: not PE32+ (64-bit)`);
  const table = optional + b.readUInt16LE(pe + 20);
  const offsetOf = (rva: number): number => {
    for (let i = 0; i < sections; i++) {
      const s = table + i * 40;
      const va = b.readUInt32LE(s + 12);
      const size = Math.max(b.readUInt32LE(s + 8), b.readUInt32LE(s + 16));
      if (rva >= va && rva < va + size) return b.readUInt32LE(s + 20) + (rva - va);
    }
    throw new Error(`${path}: RVA 0x${rva.toString(16)} is in no section`);
  };
  const cstring = (offset: number) => b.toString('latin1', offset, b.indexOf(0, offset));

  const dlls: string[] = [];
  const importRva = b.readUInt32LE(optional + 112 + 8);
  if (importRva !== 0) {
    for (let at = offsetOf(importRva); ; at += 20) {
      const nameRva = b.readUInt32LE(at + 12);
      if (nameRva === 0) break;
      dlls.push(cstring(offsetOf(nameRva)));
    }
  }
  const exports: string[] = [];
  const exportRva = b.readUInt32LE(optional + 112);
  if (exportRva !== 0) {
    const dir = offsetOf(exportRva);
    const count = b.readUInt32LE(dir + 24);
    const names = offsetOf(b.readUInt32LE(dir + 32));
    for (let i = 0; i < count; i++) exports.push(cstring(offsetOf(b.readUInt32LE(names + i * 4))));
  }
  return { dlls, exports };
}
