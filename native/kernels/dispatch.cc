// Chooses the float kernel table once, at load, from CPU detection.
//
// Each SIMD source file exports one plain function that returns its table
// (fc_kernels_avx2, fc_kernels_avx512, fc_kernels_neon); CMake compiles only
// that file with ISA flags and defines FLOWCAST_HAVE_<ISA> when it is built.
// We check the CPU bit *and* OS support for the register state (libgcc's
// __builtin_cpu_supports does both on x86). FLOWCAST_ISA=scalar|avx2|avx512|neon
// forces a table (tests, benchmarks, bug reports); forcing one this CPU or
// build lacks falls back to the best available, and isa() says which runs.
#include <cstdlib>
#include <cstring>
#include <initializer_list>

#include "kernels/kernels.h"

#if defined(FLOWCAST_HAVE_AVX2)
extern "C" const fc::KernelTable<float>* fc_kernels_avx2();
#endif
#if defined(FLOWCAST_HAVE_AVX512)
extern "C" const fc::KernelTable<float>* fc_kernels_avx512();
#endif
#if defined(FLOWCAST_HAVE_NEON)
extern "C" const fc::KernelTable<float>* fc_kernels_neon();
#endif

namespace fc {
namespace {

bool cpu_has(const char* isa) {
  if (std::strcmp(isa, "scalar") == 0) return true;
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#if defined(__GNUC__)
  __builtin_cpu_init();
  if (std::strcmp(isa, "avx2") == 0) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (std::strcmp(isa, "avx512") == 0)
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#endif
#endif
#if defined(__aarch64__)
  if (std::strcmp(isa, "neon") == 0) return true;  // NEON is baseline on aarch64
#endif
  return false;
}

}  // namespace

const KernelTable<float>* kernels_for_isa(const char* isa) {
  if (!cpu_has(isa)) return nullptr;
  if (std::strcmp(isa, "scalar") == 0) return &scalar_kernels_f32();
#if defined(FLOWCAST_HAVE_AVX512)
  if (std::strcmp(isa, "avx512") == 0) return fc_kernels_avx512();
#endif
#if defined(FLOWCAST_HAVE_AVX2)
  if (std::strcmp(isa, "avx2") == 0) return fc_kernels_avx2();
#endif
#if defined(FLOWCAST_HAVE_NEON)
  if (std::strcmp(isa, "neon") == 0) return fc_kernels_neon();
#endif
  return nullptr;
}

const KernelTable<float>& active_kernels() {
  static const KernelTable<float>* chosen = [] {
    const char* forced = std::getenv("FLOWCAST_ISA");
    if (forced != nullptr && *forced != '\0') {
      if (const KernelTable<float>* t = kernels_for_isa(forced)) return t;
    }
    for (const char* isa : {"avx512", "avx2", "neon"}) {
      if (const KernelTable<float>* t = kernels_for_isa(isa)) return t;
    }
    return &scalar_kernels_f32();
  }();
  return *chosen;
}

}  // namespace fc
