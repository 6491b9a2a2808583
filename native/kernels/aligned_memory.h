// Aligned heap blocks for the SIMD files' packing buffers. Declarations only
// (no inline code), so ISA files may include it (the rules in
// kernels_avx512.cc); compiled for the baseline target in aligned_memory.cc.
// Why not std::aligned_alloc: the Windows C runtime has none (its aligned
// blocks come from _aligned_malloc and must go back through _aligned_free).
#ifndef FLOWCAST_KERNELS_ALIGNED_MEMORY_H
#define FLOWCAST_KERNELS_ALIGNED_MEMORY_H

#include <cstddef>

namespace fc {

// `bytes` rounded up to a multiple of `alignment` (a power of two), aligned
// to it; nullptr when out of memory. Free with aligned_free.
void* aligned_malloc(size_t alignment, size_t bytes);
void aligned_free(void* p);

}  // namespace fc

#endif
