/**
 * Which CPU this is: vendor, family / model, and the microarchitecture they
 * name, read from /proc/cpuinfo (Linux) or os.cpus() elsewhere. Speed figures
 * mean little without it: the same "AMD EPYC" in a VM is a Zen 3 with AVX2
 * only, a Zen 4 that runs AVX-512 at half width ("double-pumped"), or a Zen 5
 * with full-width AVX-512, and the peak per core differs almost threefold.
 * `npm run bench` prints it with every figure.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface CpuInfo {
  /** 'AMD', 'Intel', 'ARM', 'Apple', ... or the raw vendor string. */
  vendor: string;
  /** The marketing name as the OS reports it (a VM may shorten it, e.g. "AMD EPYC"). */
  modelName: string;
  /** x86: CPUID family and model (decimal); ARM: implementer and part. Null where unknown. */
  family: number | null;
  model: number | null;
  /** e.g. 'Zen 3', 'Zen 4', 'Sapphire Rapids', 'Neoverse N1'; null if not in the table. */
  microarchitecture: string | null;
  /** SIMD the kernels can use, from the OS's flags. */
  simd: { avx2: boolean; avx512f: boolean; avx512bf16: boolean; neon: boolean };
  /** Logical CPUs this process may use. */
  cores: number;
}

// AMD family 25 (0x19) holds both Zen 3 and Zen 4; the model ranges tell them apart.
function amd(family: number, model: number): string | null {
  if (family === 23) return model < 0x30 ? 'Zen / Zen+' : 'Zen 2';
  if (family === 25) {
    const zen4 = (model >= 0x10 && model <= 0x1f) || (model >= 0x60 && model <= 0x7f) || (model >= 0xa0 && model <= 0xaf);
    return zen4 ? 'Zen 4' : 'Zen 3';
  }
  if (family === 26) return 'Zen 5';
  return null;
}

const INTEL_FAMILY_6: Record<number, string> = {
  0x3c: 'Haswell', 0x3f: 'Haswell', 0x45: 'Haswell', 0x46: 'Haswell',
  0x3d: 'Broadwell', 0x47: 'Broadwell', 0x4f: 'Broadwell', 0x56: 'Broadwell',
  0x4e: 'Skylake', 0x5e: 'Skylake', 0x55: 'Skylake-SP / Cascade Lake',
  0x8e: 'Kaby / Coffee Lake', 0x9e: 'Kaby / Coffee Lake', 0xa5: 'Comet Lake',
  0x6a: 'Ice Lake-SP', 0x6c: 'Ice Lake-SP', 0x7d: 'Ice Lake', 0x7e: 'Ice Lake',
  0x8c: 'Tiger Lake', 0x8d: 'Tiger Lake', 0x97: 'Alder Lake', 0x9a: 'Alder Lake',
  0xb7: 'Raptor Lake', 0xba: 'Raptor Lake', 0xbf: 'Raptor Lake',
  0x8f: 'Sapphire Rapids', 0xcf: 'Emerald Rapids', 0xad: 'Granite Rapids', 0xae: 'Granite Rapids',
  0xaa: 'Meteor Lake', 0xc5: 'Arrow Lake', 0xc6: 'Arrow Lake', 0xbd: 'Lunar Lake',
};

// ARM "CPU implementer" 0x41 (Arm Ltd) parts.
const ARM_PARTS: Record<number, string> = {
  0xd08: 'Cortex-A72', 0xd0b: 'Cortex-A76', 0xd0c: 'Neoverse N1', 0xd40: 'Neoverse V1',
  0xd49: 'Neoverse N2', 0xd4f: 'Neoverse V2', 0xd8e: 'Neoverse N3', 0xd84: 'Neoverse V3',
};

/** The first value of `key` in /proc/cpuinfo text ("key\t: value"). */
function field(text: string, key: string): string | null {
  const m = new RegExp(`^${key}\\s*:\\s*(.*)$`, 'mi').exec(text);
  return m ? m[1]!.trim() : null;
}

function int(value: string | null): number | null {
  if (value === null) return null;
  const n = value.startsWith('0x') ? parseInt(value, 16) : parseInt(value, 10);
  return Number.isFinite(n) ? n : null;
}

/**
 * Describes a CPU from /proc/cpuinfo text (tests pass their own), else from
 * this machine's /proc/cpuinfo, else from os.cpus().
 * @example cpuInfo().microarchitecture  // 'Zen 4'
 */
export function cpuInfo(cpuinfo?: string): CpuInfo {
  let text = cpuinfo;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      text = '';
    }
  }
  const cores = cpuinfo === undefined ? os.availableParallelism() : Math.max(1, (text.match(/^processor\s*:/gim) ?? []).length);
  const flags = ` ${field(text, 'flags') ?? field(text, 'Features') ?? ''} `;
  const simd = {
    avx2: flags.includes(' avx2 '),
    avx512f: flags.includes(' avx512f '),
    avx512bf16: flags.includes(' avx512_bf16 '),
    neon: flags.includes(' asimd ') || (cpuinfo === undefined && process.arch === 'arm64'),
  };
  const vendorId = field(text, 'vendor_id');
  if (vendorId !== null) {
    const family = int(field(text, 'cpu family'));
    const model = int(field(text, 'model'));
    const vendor = vendorId === 'AuthenticAMD' ? 'AMD' : vendorId === 'GenuineIntel' ? 'Intel' : vendorId;
    let micro: string | null = null;
    if (vendor === 'AMD' && family !== null && model !== null) micro = amd(family, model);
    if (vendor === 'Intel' && family === 6 && model !== null) micro = INTEL_FAMILY_6[model] ?? null;
    return { vendor, modelName: field(text, 'model name') ?? vendorId, family, model, microarchitecture: micro, simd, cores };
  }
  const implementer = int(field(text, 'CPU implementer'));
  if (implementer !== null) {
    const part = int(field(text, 'CPU part'));
    const vendor = implementer === 0x41 ? 'ARM' : implementer === 0x61 ? 'Apple' : implementer === 0xc0 ? 'Ampere' : `implementer 0x${implementer.toString(16)}`;
    const micro = implementer === 0x41 && part !== null ? (ARM_PARTS[part] ?? null) : null;
    return { vendor, modelName: field(text, 'model name') ?? vendor, family: implementer, model: part, microarchitecture: micro, simd, cores };
  }
  const name = cpuinfo === undefined ? (os.cpus()[0]?.model ?? 'unknown') : 'unknown';
  return { vendor: /apple/i.test(name) ? 'Apple' : /amd/i.test(name) ? 'AMD' : /intel/i.test(name) ? 'Intel' : 'unknown', modelName: name, family: null, model: null, microarchitecture: null, simd, cores };
}

/** One line for reports: "AMD EPYC (AMD family 25 model 1, Zen 3, AVX2)". */
export function describeCpu(info: CpuInfo = cpuInfo()): string {
  const id = info.family !== null && info.model !== null
    ? info.vendor === 'AMD' || info.vendor === 'Intel'
      ? `${info.vendor} family ${info.family} model ${info.model}`
      : `${info.vendor} part 0x${info.model.toString(16)}`
    : info.vendor;
  const simd = info.simd.avx512f ? `AVX-512${info.simd.avx512bf16 ? ' + BF16' : ''}` : info.simd.avx2 ? 'AVX2' : info.simd.neon ? 'NEON' : 'no AVX2';
  return `${info.modelName} (${[id, info.microarchitecture ?? 'microarchitecture not in flowcast\'s table', simd].join(', ')})`;
}
