/**
 * cpuInfo / describeCpu name the CPU behind every benchmark figure.
 * Oracle: /proc/cpuinfo excerpts of the machines flowcast has been measured
 * on (a Zen 3 and a Zen 4 EPYC in KVM, whose model name the hypervisor
 * shortens to "AMD EPYC") and of other common kinds, against AMD's and
 * Intel's family / model tables and Arm's part numbers.
 */
import t from 'tap';
import { cpuInfo, describeCpu } from '../lib/native/cpu.js';

const x86 = (vendor: string, family: number, model: number, name: string, flags: string) =>
  [0, 1].map((p) => `processor\t: ${p}\nvendor_id\t: ${vendor}\ncpu family\t: ${family}\nmodel\t\t: ${model}\nmodel name\t: ${name}\nflags\t\t: fpu sse ${flags} xsave\n`).join('\n');

t.test('AMD EPYC in a VM: the family and model name the generation', async (t) => {
  const zen3 = cpuInfo(x86('AuthenticAMD', 25, 1, 'AMD EPYC', 'avx fma avx2 bmi2'));
  t.match(zen3, { vendor: 'AMD', family: 25, model: 1, microarchitecture: 'Zen 3', cores: 2, simd: { avx2: true, avx512f: false, neon: false } });
  t.equal(describeCpu(zen3), 'AMD EPYC (AMD family 25 model 1, Zen 3, AVX2)');
  const zen4 = cpuInfo(x86('AuthenticAMD', 25, 17, 'AMD EPYC', 'avx2 avx512f avx512dq avx512_bf16'));
  t.equal(zen4.microarchitecture, 'Zen 4', 'Genoa is family 25 model 0x11');
  t.equal(describeCpu(zen4), 'AMD EPYC (AMD family 25 model 17, Zen 4, AVX-512 + BF16)');
  t.equal(cpuInfo(x86('AuthenticAMD', 25, 0x61, 'AMD Ryzen 9 7950X', 'avx2 avx512f')).microarchitecture, 'Zen 4');
  t.equal(cpuInfo(x86('AuthenticAMD', 25, 0x21, 'AMD Ryzen 9 5950X', 'avx2')).microarchitecture, 'Zen 3');
  t.equal(cpuInfo(x86('AuthenticAMD', 26, 2, 'AMD EPYC 9755', 'avx2 avx512f')).microarchitecture, 'Zen 5');
  t.equal(cpuInfo(x86('AuthenticAMD', 23, 0x31, 'AMD EPYC 7742', 'avx2')).microarchitecture, 'Zen 2');
});

t.test('Intel and Arm', async (t) => {
  t.equal(cpuInfo(x86('GenuineIntel', 6, 0x8f, 'Intel(R) Xeon(R) Platinum 8480+', 'avx2 avx512f')).microarchitecture, 'Sapphire Rapids');
  t.equal(cpuInfo(x86('GenuineIntel', 6, 0x3f, 'Intel(R) Xeon(R) CPU E5-2686 v4', 'avx2')).microarchitecture, 'Haswell');
  const unknown = cpuInfo(x86('GenuineIntel', 6, 0x01, 'Some Intel', 'sse2'));
  t.equal(unknown.microarchitecture, null);
  t.match(describeCpu(unknown), /not in flowcast's table, no AVX2/);
  const n1 = cpuInfo('processor\t: 0\nFeatures\t: fp asimd evtstrm aes crc32\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU part\t: 0xd0c\n');
  t.match(n1, { vendor: 'ARM', microarchitecture: 'Neoverse N1', simd: { neon: true, avx2: false } });
  t.equal(describeCpu(n1), 'ARM (ARM part 0xd0c, Neoverse N1, NEON)');
});

t.test('this machine is described without throwing', async (t) => {
  const here = cpuInfo();
  t.ok(here.cores >= 1);
  t.type(describeCpu(here), 'string');
});
