#include "kernels/gemm_fallback.h"

#include <cmath>

namespace fc {

void gemm_fma_elementwise(int M, int N, int K, int slice, const float* A, int64_t ars, int64_t acs, const float* B,
                          int64_t bks, int64_t bns, bool accumulate, float* C, int64_t ldc) {
  for (int m = 0; m < M; m++)
    for (int n = 0; n < N; n++) {
      float* c = C + (int64_t)m * ldc + n;
      for (int k0 = 0; k0 < K; k0 += slice) {
        const int k1 = K - k0 < slice ? K : k0 + slice;
        float s = 0.0f;
        // std::fma rounds once, as a hardware FMA lane does (in software where the baseline has none).
        for (int k = k0; k < k1; k++) s = std::fma(A[m * ars + k * acs], B[(int64_t)k * bks + (int64_t)n * bns], s);
        *c = accumulate || k0 > 0 ? *c + s : s;
      }
    }
}

}  // namespace fc
