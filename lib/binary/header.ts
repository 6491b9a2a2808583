/**
 * What a native binary is, read from its first bytes before anything loads
 * it: the object format (ELF, PE, Mach-O), the architecture, and whether the
 * file is as long as its own headers say. dlopen's own messages for a wrong
 * or cut-off file ("invalid ELF header", "file too short", "%1 is not a valid
 * Win32 application") name neither what was found nor what was expected, so
 * the loader checks first and says both.
 *
 * Formats, from their specifications:
 *   ELF: 7f 'E' 'L' 'F', e_ident[EI_CLASS] (1 = 32-bit, 2 = 64-bit),
 *        e_ident[EI_DATA] (1 = little-endian), e_type (3 = ET_DYN) at 16,
 *        e_machine at 18 (0x3e x86-64, 0xb7 AArch64, 0x03 i386, 0x28 ARM),
 *        64-bit: e_shoff at 40, e_shentsize at 58, e_shnum at 60.
 *   PE:  'MZ', e_lfanew (u32) at 0x3c -> 'PE\0\0', Machine (u16: 0x8664 x64,
 *        0xaa64 arm64, 0x14c i386), NumberOfSections, SizeOfOptionalHeader;
 *        section headers (40 bytes) hold SizeOfRawData at 16, PointerToRawData at 20.
 *   Mach-O: magic 0xfeedfacf (64-bit LE), cputype at 4 (0x01000007 x86-64,
 *        0x0100000c arm64), ncmds at 16, sizeofcmds at 20, commands from 32;
 *        LC_SEGMENT_64 (0x19) holds fileoff (u64) at 40 and filesize at 48.
 *        Universal files: 0xcafebabe (big-endian), nfat_arch, then per arch
 *        cputype, cpusubtype, offset, size, align (u32 each).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export type BinaryFormat = 'elf' | 'pe' | 'macho';

export interface BinaryHeader {
  /** null when the file is none of the three. */
  format: BinaryFormat | null;
  /** Node's names ('x64', 'arm64', 'ia32', 'arm'); for a universal Mach-O every slice's; empty if unknown. */
  arches: string[];
  /** The file is shorter than its headers say it is (a cut-off download or copy). */
  truncated: boolean;
  /** File size in bytes. */
  size: number;
}

const ELF_MACHINES: Record<number, string> = { 0x3e: 'x64', 0xb7: 'arm64', 0x03: 'ia32', 0x28: 'arm', 0xf3: 'riscv64' };
const PE_MACHINES: Record<number, string> = { 0x8664: 'x64', 0xaa64: 'arm64', 0x14c: 'ia32', 0x1c4: 'arm' };
const MACHO_CPUS: Record<number, string> = { 0x01000007: 'x64', 0x0100000c: 'arm64', 7: 'ia32', 12: 'arm' };

/** How messages name each format. */
export const FORMAT_NAMES: Record<BinaryFormat, string> = { elf: 'ELF', pe: 'PE (Windows DLL)', macho: 'Mach-O' };

/** The format each OS loads. */
export const FORMAT_OF_PLATFORM: Record<string, BinaryFormat> = {
  linux: 'elf', freebsd: 'elf', openbsd: 'elf', sunos: 'elf', android: 'elf',
  win32: 'pe', darwin: 'macho',
};

/** Reads at most `length` bytes from `offset` (fewer at end of file). */
function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, offset);
  return buf.subarray(0, n);
}

function elf(head: Buffer, size: number): BinaryHeader {
  const is64 = head[4] === 2;
  const le = head[5] === 1;
  const u16 = (o: number) => (le ? head.readUInt16LE(o) : head.readUInt16BE(o));
  const machine = head.length >= 20 ? u16(18) : -1;
  let truncated = head.length < (is64 ? 64 : 52);
  if (!truncated) {
    const shoff = is64 ? Number(le ? head.readBigUInt64LE(40) : head.readBigUInt64BE(40)) : le ? head.readUInt32LE(32) : head.readUInt32BE(32);
    const shentsize = u16(is64 ? 58 : 46);
    const shnum = u16(is64 ? 60 : 48);
    truncated = shoff + shentsize * shnum > size;
  }
  return { format: 'elf', arches: ELF_MACHINES[machine] ? [ELF_MACHINES[machine]!] : [], truncated, size };
}

function pe(fd: number, head: Buffer, size: number): BinaryHeader {
  if (head.length < 0x40) return { format: 'pe', arches: [], truncated: true, size };
  const peOffset = head.readUInt32LE(0x3c);
  const coff = readAt(fd, peOffset, 24);
  if (coff.length < 24 || coff.readUInt32LE(0) !== 0x00004550) return { format: null, arches: [], truncated: false, size };
  const machine = coff.readUInt16LE(4);
  const sections = coff.readUInt16LE(6);
  const optional = coff.readUInt16LE(20);
  const table = readAt(fd, peOffset + 24 + optional, sections * 40);
  let truncated = table.length < sections * 40;
  for (let i = 0; !truncated && i < sections; i++) {
    const rawSize = table.readUInt32LE(i * 40 + 16);
    const rawPtr = table.readUInt32LE(i * 40 + 20);
    if (rawPtr + rawSize > size) truncated = true;
  }
  return { format: 'pe', arches: PE_MACHINES[machine] ? [PE_MACHINES[machine]!] : [], truncated, size };
}

function machoSlice(fd: number, base: number, end: number): { arch: string | null; truncated: boolean } {
  const head = readAt(fd, base, 32);
  if (head.length < 32 || head.readUInt32LE(0) !== 0xfeedfacf) return { arch: null, truncated: head.length < 32 };
  const arch = MACHO_CPUS[head.readUInt32LE(4)] ?? null;
  const ncmds = head.readUInt32LE(16);
  const sizeofcmds = head.readUInt32LE(20);
  const cmds = readAt(fd, base + 32, sizeofcmds);
  if (cmds.length < sizeofcmds) return { arch, truncated: true };
  let at = 0;
  for (let i = 0; i < ncmds && at + 8 <= cmds.length; i++) {
    const cmd = cmds.readUInt32LE(at);
    const cmdsize = cmds.readUInt32LE(at + 4);
    if (cmdsize < 8) break;
    if (cmd === 0x19 && at + 56 <= cmds.length) {
      const fileoff = Number(cmds.readBigUInt64LE(at + 40));
      const filesize = Number(cmds.readBigUInt64LE(at + 48));
      if (base + fileoff + filesize > end) return { arch, truncated: true };
    }
    at += cmdsize;
  }
  return { arch, truncated: false };
}

/** Reads `path`'s header; throws only what the file system throws (ENOENT, EACCES). */
export function readBinaryHeader(path: string): BinaryHeader {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const head = readAt(fd, 0, 64);
    if (head.length >= 4 && head.readUInt32BE(0) === 0x7f454c46) return elf(head, size);
    if (head.length >= 2 && head.toString('latin1', 0, 2) === 'MZ') return pe(fd, head, size);
    if (head.length >= 4 && head.readUInt32LE(0) === 0xfeedfacf) {
      const slice = machoSlice(fd, 0, size);
      return { format: 'macho', arches: slice.arch ? [slice.arch] : [], truncated: slice.truncated, size };
    }
    if (head.length >= 8 && head.readUInt32BE(0) === 0xcafebabe) {
      const count = head.readUInt32BE(4);
      const table = readAt(fd, 8, count * 20);
      const arches: string[] = [];
      let truncated = table.length < count * 20;
      for (let i = 0; !truncated && i < count; i++) {
        const offset = table.readUInt32BE(i * 20 + 8);
        const length = table.readUInt32BE(i * 20 + 12);
        if (offset + length > size) truncated = true;
        const slice = machoSlice(fd, offset, offset + length);
        if (slice.arch) arches.push(slice.arch);
        truncated ||= slice.truncated;
      }
      return { format: 'macho', arches, truncated, size };
    }
    return { format: null, arches: [], truncated: false, size };
  } finally {
    closeSync(fd);
  }
}

/** e.g. 'ELF arm64 shared object (412,016 bytes)', 'a file of no known binary format (12 bytes)'. */
export function describeHeader(h: BinaryHeader): string {
  const bytes = `${h.size.toLocaleString('en-US')} bytes`;
  if (!h.format) return `a file of no known binary format (${bytes})`;
  const name = FORMAT_NAMES[h.format];
  const arch = h.arches.length ? h.arches.join('+') : 'unknown-architecture';
  return `${name} ${arch} binary${h.truncated ? ', truncated' : ''} (${bytes})`;
}
