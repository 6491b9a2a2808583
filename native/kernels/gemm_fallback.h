// The GEMM that needs no scratch memory: for the SIMD tables when packing
// B^T cannot be allocated. Declarations only (no inline code), so ISA files
// may include it (see the rules in kernels_avx512.cc); compiled for the
// baseline target in gemm_fallback.cc.
#ifndef FLOWCAST_KERNELS_GEMM_FALLBACK_H
#define FLOWCAST_KERNELS_GEMM_FALLBACK_H

#include <cstdint>

namespace fc {

// C[m, n] (=|+=) sum_k A(m, k) B(k, n), A(m, k) = A[m*ars + k*acs],
// B(k, n) = B[k*bks + n*bns], one element at a time in the order of
// kernels.h: per slice of `slice` k (k increasing) a fused multiply-add chain
// from zero, added to C slice by slice. Each SIMD lane computes exactly these
// roundings, so the result is bit for bit the table's packed path.
void gemm_fma_elementwise(int M, int N, int K, int slice, const float* A, int64_t ars, int64_t acs, const float* B,
                          int64_t bks, int64_t bns, bool accumulate, float* C, int64_t ldc);

}  // namespace fc

#endif  // FLOWCAST_KERNELS_GEMM_FALLBACK_H
