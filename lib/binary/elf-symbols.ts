/**
 * What a 64-bit little-endian ELF shared object needs from the system and
 * what it exports, read from its dynamic section and symbol tables -- the
 * facts `objdump -T` / `readelf -V` print, without binutils. Used to hold the
 * shipped binaries to their glibc floor (scripts/package.mjs refuses a build
 * above it; test/binary-portability.test.ts fails) and by doctor().
 *
 * From the ELF and LSB specifications:
 *   section header (64 bytes): sh_type at 4, sh_offset at 24, sh_size at 32,
 *     sh_link at 40, sh_entsize at 56; e_shoff at 40, e_shnum at 60.
 *   SHT_DYNSYM = 11: Elf64_Sym (24 bytes): st_name u32, st_info u8
 *     (bind = info >> 4: 1 global, 2 weak), st_other, st_shndx u16 (0 = undefined).
 *   SHT_GNU_versym = 0x6fffffff: one u16 per dynsym entry (bit 15 = hidden).
 *   SHT_GNU_verneed = 0x6ffffffe: Elf64_Verneed {vn_version u16, vn_cnt u16,
 *     vn_file u32, vn_aux u32, vn_next u32} -> Elf64_Vernaux {vna_hash u32,
 *     vna_flags u16, vna_other u16 (the versym index), vna_name u32, vna_next u32}.
 *   SHT_DYNAMIC = 6: Elf64_Dyn {d_tag i64, d_val u64}; DT_NEEDED = 1.
 */
import { readFileSync } from 'node:fs';
import { compareVersions } from './platform.js';

export interface ElfSymbol {
  name: string;
  /** e.g. 'GLIBC_2.17'; null for an unversioned symbol. */
  version: string | null;
  /** The library the version is needed from (undefined symbols only). */
  library: string | null;
  weak: boolean;
}

export interface ElfDynamicInfo {
  /** DT_NEEDED libraries, in order. */
  needed: string[];
  /** Symbols this object needs (undefined in it). */
  imports: ElfSymbol[];
  /** Global and weak symbols it defines and exports. */
  exports: string[];
  /** Every version it needs, per library: { 'libc.so.6': ['GLIBC_2.2.5', ...] }. */
  versionsNeeded: Record<string, string[]>;
}

const SHT_DYNAMIC = 6;
const SHT_DYNSYM = 11;
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_GNU_VERSYM = 0x6fffffff;

interface Section {
  type: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

/** Reads `path` (a 64-bit little-endian ELF); throws a plain Error naming what is wrong otherwise. */
export function readElfDynamicInfo(path: string): ElfDynamicInfo {
  const b = readFileSync(path);
  if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) {
    throw new Error(`${path}: not a 64-bit little-endian ELF file`);
  }
  const shoff = Number(b.readBigUInt64LE(40));
  const shnum = b.readUInt16LE(60);
  if (shoff + shnum * 64 > b.length) throw new Error(`${path}: truncated (section headers past the end)`);
  const sections: Section[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * 64;
    sections.push({
      type: b.readUInt32LE(at + 4),
      offset: Number(b.readBigUInt64LE(at + 24)),
      size: Number(b.readBigUInt64LE(at + 32)),
      link: b.readUInt32LE(at + 40),
      entsize: Number(b.readBigUInt64LE(at + 56)),
    });
  }
  const find = (type: number) => sections.find((s) => s.type === type);
  const str = (table: Section, offset: number): string => {
    const start = table.offset + offset;
    const end = b.indexOf(0, start);
    return b.toString('latin1', start, end < 0 ? table.offset + table.size : end);
  };

  const dynsym = find(SHT_DYNSYM);
  if (!dynsym) throw new Error(`${path}: no dynamic symbol table (not a shared object?)`);
  const dynstr = sections[dynsym.link]!;

  // Version index -> { name, library } from the verneed chain.
  const versionOf = new Map<number, { name: string; library: string }>();
  const versionsNeeded: Record<string, string[]> = {};
  const verneed = find(SHT_GNU_VERNEED);
  if (verneed) {
    const strings = sections[verneed.link]!;
    let at = verneed.offset;
    for (;;) {
      const cnt = b.readUInt16LE(at + 2);
      const library = str(strings, b.readUInt32LE(at + 4));
      let aux = at + b.readUInt32LE(at + 8);
      versionsNeeded[library] ??= [];
      for (let i = 0; i < cnt; i++) {
        const index = b.readUInt16LE(aux + 6);
        const name = str(strings, b.readUInt32LE(aux + 8));
        versionOf.set(index, { name, library });
        versionsNeeded[library]!.push(name);
        const next = b.readUInt32LE(aux + 12);
        if (next === 0) break;
        aux += next;
      }
      const next = b.readUInt32LE(at + 12);
      if (next === 0) break;
      at += next;
    }
  }
  const versym = find(SHT_GNU_VERSYM);

  const imports: ElfSymbol[] = [];
  const exports: string[] = [];
  const count = dynsym.size / (dynsym.entsize || 24);
  for (let i = 1; i < count; i++) {
    const at = dynsym.offset + i * 24;
    const name = str(dynstr, b.readUInt32LE(at));
    const bind = b[at + 4]! >> 4;
    const shndx = b.readUInt16LE(at + 6);
    if (shndx === 0) {
      const v = versym ? versionOf.get(b.readUInt16LE(versym.offset + i * 2) & 0x7fff) : undefined;
      imports.push({ name, version: v?.name ?? null, library: v?.library ?? null, weak: bind === 2 });
    } else if (bind === 1 || bind === 2) {
      exports.push(name);
    }
  }

  const needed: string[] = [];
  const dynamic = find(SHT_DYNAMIC);
  if (dynamic) {
    const strings = sections[dynamic.link]!;
    for (let at = dynamic.offset; at + 16 <= dynamic.offset + dynamic.size; at += 16) {
      const tag = b.readBigInt64LE(at);
      if (tag === 0n) break;
      if (tag === 1n) needed.push(str(strings, Number(b.readBigUInt64LE(at + 8))));
    }
  }
  return { needed, imports, exports, versionsNeeded };
}

/** The newest version with `prefix` (e.g. 'GLIBC_') that the object needs, as '2.27'; null if none. */
export function newestVersion(info: ElfDynamicInfo, prefix: string): string | null {
  let newest: string | null = null;
  for (const names of Object.values(info.versionsNeeded)) {
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const v = name.slice(prefix.length);
      if (newest === null || compareVersions(v, newest) > 0) newest = v;
    }
  }
  return newest;
}
