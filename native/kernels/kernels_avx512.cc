// AVX-512 kernel table (compiled with -mavx512f -mavx512dq -mavx512bw
// -mavx512vl -mfma, and only this file). Same signatures and semantics as the
// scalar reference in reference.h; test/kernels.test.ts compares them.
//
// Rules for ISA files (see ../shared/notes/BUILD.md): every helper here is
// static (internal linkage) and nothing includes C++ headers with inline or
// template functions, so no AVX-512 code can leak into baseline code through
// a COMDAT picked by the linker. The only external symbol is fc_kernels_avx512.
//
// GEMM: C = beta*C + op(A)·op(B). op(B) must be row-major [K, N] for the
// micro-kernel (NN and TN); NT packs B^T first. k is summed in slices of
// kKC = 256 on every path (the order kernels.h states). The micro-kernel holds a 4 x 32 block of C in 8 zmm registers
// and streams k: broadcast one A element per row, load 32 floats of B row k,
// 8 FMAs. Column tails use masked loads and stores.
//
// Activations: exp by Cody-Waite range reduction x = n ln2 + r and a
// degree-6 minimax polynomial for e^r (Cephes expf), 2^n from the exponent
// bits; sigmoid(z) = 1 / (1 + e^-z); tanh(z) = sign(z) (1 - e^-2|z|) / (1 + e^-2|z|),
// with z - z^3/3 + 2z^5/15 for |z| < 0.0625 where that form would cancel.
// Maximum absolute error against sigmoid / tanh in double precision, over
// 400,000 points in [-20, 20] (binding.kernelActivationError, asserted in
// test/kernels.test.ts): sigmoid 8.9e-8, tanh 8.9e-8 (the scalar table's
// std::exp / std::tanh in float: 8.9e-8 and 1.0e-7).
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12's avx512fintrin.h builds some intrinsics on a deliberately
// uninitialized __Y and then warns about it (a known false positive).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <cstdint>
#include <immintrin.h>
#include <stdlib.h>

#include "kernels/aligned_memory.h"
#include "kernels/gemm_fallback.h"
#include "kernels/kernels.h"

namespace {

constexpr int kNR = 32;  // columns per micro-kernel block (2 zmm)
constexpr int kMR = 4;   // rows per micro-kernel block
// k is summed in slices of kKC (see gemm()); also the cache blocking depth.
constexpr int kKC = 256;

static inline __mmask16 tail_mask(int n) {
  return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1u);
}

// C[r, 0:nr) (=|+=) sum_k A(r, k) B[k, 0:nr) for r < 4 rows, where
// A(r, k) = A[r*ars + k*acs]. nr <= 32.
static void block4(int K, const float* A, int64_t ars, int64_t acs, const float* B, int64_t ldb, float* C, int64_t ldc,
                   int nr, bool accumulate) {
  const __mmask16 m0 = tail_mask(nr), m1 = tail_mask(nr - 16);
  __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps();
  __m512 c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
  __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps();
  __m512 c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
  const float* a0 = A;
  const float* a1 = A + ars;
  const float* a2 = A + 2 * ars;
  const float* a3 = A + 3 * ars;
  for (int k = 0; k < K; k++) {
    const float* b = B + (int64_t)k * ldb;
    const __m512 b0 = _mm512_maskz_loadu_ps(m0, b);
    const __m512 b1 = _mm512_maskz_loadu_ps(m1, b + 16);
    const int64_t ka = (int64_t)k * acs;
    __m512 x = _mm512_set1_ps(a0[ka]);
    c00 = _mm512_fmadd_ps(x, b0, c00);
    c01 = _mm512_fmadd_ps(x, b1, c01);
    x = _mm512_set1_ps(a1[ka]);
    c10 = _mm512_fmadd_ps(x, b0, c10);
    c11 = _mm512_fmadd_ps(x, b1, c11);
    x = _mm512_set1_ps(a2[ka]);
    c20 = _mm512_fmadd_ps(x, b0, c20);
    c21 = _mm512_fmadd_ps(x, b1, c21);
    x = _mm512_set1_ps(a3[ka]);
    c30 = _mm512_fmadd_ps(x, b0, c30);
    c31 = _mm512_fmadd_ps(x, b1, c31);
  }
  __m512 acc[8] = {c00, c01, c10, c11, c20, c21, c30, c31};
  for (int r = 0; r < 4; r++) {
    float* c = C + (int64_t)r * ldc;
    __m512 v0 = acc[2 * r], v1 = acc[2 * r + 1];
    if (accumulate) {
      v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, c));
      v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, c + 16));
    }
    _mm512_mask_storeu_ps(c, m0, v0);
    _mm512_mask_storeu_ps(c + 16, m1, v1);
  }
}

// The same for a single row.
static void block1(int K, const float* A, int64_t acs, const float* B, int64_t ldb, float* C, int nr, bool accumulate) {
  const __mmask16 m0 = tail_mask(nr), m1 = tail_mask(nr - 16);
  __m512 c0 = _mm512_setzero_ps(), c1 = _mm512_setzero_ps();
  for (int k = 0; k < K; k++) {
    const float* b = B + (int64_t)k * ldb;
    const __m512 x = _mm512_set1_ps(A[(int64_t)k * acs]);
    c0 = _mm512_fmadd_ps(x, _mm512_maskz_loadu_ps(m0, b), c0);
    c1 = _mm512_fmadd_ps(x, _mm512_maskz_loadu_ps(m1, b + 16), c1);
  }
  if (accumulate) {
    c0 = _mm512_add_ps(c0, _mm512_maskz_loadu_ps(m0, C));
    c1 = _mm512_add_ps(c1, _mm512_maskz_loadu_ps(m1, C + 16));
  }
  _mm512_mask_storeu_ps(C, m0, c0);
  _mm512_mask_storeu_ps(C + 16, m1, c1);
}

// C[M,N] (=|+=) A'·B with A'(m,k) = A[m*ars + k*acs], B row-major [K,N].
static void gemm_rowmajor_b(int M, int N, int K, const float* A, int64_t ars, int64_t acs, const float* B, int64_t ldb,
                            bool accumulate, float* C, int64_t ldc) {
  // k in slices of kKC, as gemm_blocked and gemm_packed_b sum: see gemm().
  for (int k0 = 0; k0 < K; k0 += kKC) {
    const int kc = K - k0 < kKC ? K - k0 : kKC;
    const bool acc = accumulate || k0 > 0;
    const float* Ak = A + (int64_t)k0 * acs;
    const float* Bk = B + (int64_t)k0 * ldb;
    for (int n0 = 0; n0 < N; n0 += kNR) {
      const int nr = N - n0 < kNR ? N - n0 : kNR;
      int m0 = 0;
      for (; m0 + kMR <= M; m0 += kMR)
        block4(kc, Ak + (int64_t)m0 * ars, ars, acs, Bk + n0, ldb, C + (int64_t)m0 * ldc + n0, ldc, nr, acc);
      for (; m0 < M; m0++) block1(kc, Ak + (int64_t)m0 * ars, acs, Bk + n0, ldb, C + (int64_t)m0 * ldc + n0, nr, acc);
    }
  }
}

// ---- Cache-blocked GEMM for large M (the weight gradients dZ^T X and
// dZ^T H with K = T*B, Dense layers over many rows) ----
// BLIS-style: for each KC slice of k, op(B) is packed into NR-wide panels
// (KC x 32, contiguous, stays in L1 while the micro-kernel sweeps M); a
// transposed op(A) is packed into MR-tall micro-panels of MC rows (in L2),
// a row-major one is read in place. The 12 x 32 micro-kernel keeps 24 zmm
// accumulators. Packing costs O(MK + KN) against O(MNK) work, so it is used
// only when M is large; small-M calls take gemm_rowmajor_b.
constexpr int kBMR = 12;
constexpr int kBNR = 32;
constexpr int kMC = 96;

// Per-thread packing buffers, kept between calls (allocating 1 MB per call
// would cost page faults every time).
struct Scratch {
  float* p = nullptr;
  size_t cap = 0;
  ~Scratch() { fc::aligned_free(p); }
  float* get(size_t n) {
    if (n > cap) {
      fc::aligned_free(p);
      p = (float*)fc::aligned_malloc(64, n * sizeof(float));
      cap = p ? n : 0;
    }
    return p;
  }
};
thread_local Scratch tl_pack_a, tl_pack_b;

// C[0:MR, 0:nr) (=|+=) A(0:MR, 0:kc) * Bp, Bp a packed kc x 32 panel and
// A(r, k) = A[r*ars + k*acs] (a packed 12-row micro-panel: ars 1, acs 12; or
// rows of a row-major matrix: ars lda, acs 1). MR (1..12 rows) and NV (1 or 2
// zmm of 16 columns) are compile-time, so a short block (one streaming row,
// a batch tail) or a narrow panel (the last 16 or fewer columns, as in
// H = 100 = 3 x 32 + 4) does only the FMAs it needs; each element's sum runs
// in the same k order whatever MR and NV are.
template <int MR, int NV>
static void micro_tile(int kc, const float* A, int64_t ars, int64_t acs, const float* Bp, float* C, int64_t ldc, int nr,
                       bool accumulate) {
  const float* a[MR];
  for (int r = 0; r < MR; r++) a[r] = A + r * ars;
  __m512 c[MR][NV];
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) c[r][v] = _mm512_setzero_ps();
  for (int k = 0; k < kc; k++) {
    __m512 b[NV];
    for (int v = 0; v < NV; v++) b[v] = _mm512_loadu_ps(Bp + k * 32 + 16 * v);
    const int64_t ka = k * acs;
    for (int r = 0; r < MR; r++) {
      const __m512 x = _mm512_set1_ps(a[r][ka]);
      for (int v = 0; v < NV; v++) c[r][v] = _mm512_fmadd_ps(x, b[v], c[r][v]);
    }
  }
  for (int r = 0; r < MR; r++) {
    float* cr = C + (int64_t)r * ldc;
    for (int v = 0; v < NV; v++) {
      const __mmask16 m = tail_mask(nr - 16 * v);
      __m512 acc = c[r][v];
      if (accumulate) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(m, cr + 16 * v));
      _mm512_mask_storeu_ps(cr + 16 * v, m, acc);
    }
  }
}

template <int MR>
static void micro_rows(int kc, const float* A, int64_t ars, int64_t acs, const float* Bp, float* C, int64_t ldc, int nr,
                       bool accumulate) {
  if (nr > 16)
    micro_tile<MR, 2>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
  else
    micro_tile<MR, 1>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
}

// The micro-kernel for mr (1..12) rows and nr (1..32) columns. Rows >= mr
// are never read. Up to 12 rows fit: 24 accumulators + 2 B vectors of 32 zmm.
static void micro_8x32(int kc, const float* A, int64_t ars, int64_t acs, const float* Bp, float* C, int64_t ldc, int mr, int nr,
                       bool accumulate) {
  switch (mr) {
    case 1: return micro_rows<1>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    case 2: return micro_rows<2>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    case 3: return micro_rows<3>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    case 4: return micro_rows<4>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    case 5: return micro_rows<5>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    case 6: return micro_rows<6>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    case 7: return micro_rows<7>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    case 8: return micro_rows<8>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    case 9: return micro_rows<9>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    case 10: return micro_rows<10>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    case 11: return micro_rows<11>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    default: return micro_rows<12>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
  }
}

// Packs op(B)[k0:k0+kc, :] (row-major, stride ldb) into 32-column panels of
// kc rows each, zero-padded: panel p at dst + p*kc*32.
static void pack_panels(int kc, int N, const float* B, int64_t ldb, float* dst) {
  const int panels = (N + kBNR - 1) / kBNR;
  for (int p = 0; p < panels; p++) {
    const int n0 = p * kBNR, nr = N - n0 < kBNR ? N - n0 : kBNR;
    const __mmask16 m0 = tail_mask(nr), m1 = tail_mask(nr - 16);
    float* d = dst + (size_t)p * kc * kBNR;
    for (int k = 0; k < kc; k++) {
      const float* src = B + (int64_t)k * ldb + n0;
      _mm512_storeu_ps(d + k * 32, _mm512_maskz_loadu_ps(m0, src));
      _mm512_storeu_ps(d + k * 32 + 16, _mm512_maskz_loadu_ps(m1, src + 16));
    }
  }
}

// Packs op(A)[0:mc, 0:kc] = A^T (A stored (K, M) with row stride acs) into
// micro-panels of kBMR rows, k-major (panel q at Ap + q*kc, element (r, k)
// at k*kBMR + r), zero-padded below mc: each k gives kBMR consecutive floats.
static void pack_a(int mc, int kc, const float* A, int64_t acs, float* Ap) {
  for (int q = 0; q < mc; q += kBMR) {
    const int mr = mc - q < kBMR ? mc - q : kBMR;
    const __mmask16 m = tail_mask(mr);
    float* dst = Ap + (size_t)q * kc;
    const float* src = A + q;
    for (int k = 0; k < kc; k++)
      _mm512_mask_storeu_ps(dst + k * kBMR, (__mmask16)((1u << kBMR) - 1u), _mm512_maskz_loadu_ps(m, src + (int64_t)k * acs));
  }
}

// Returns false (nothing written) if the packing buffers cannot be allocated.
static bool gemm_blocked(int M, int N, int K, const float* A, int64_t ars, int64_t acs, const float* B, int64_t ldb,
                         bool accumulate, float* C, int64_t ldc) {
  const int panels = (N + kBNR - 1) / kBNR;
  float* Bp = tl_pack_b.get((size_t)kKC * panels * kBNR);
  float* Ap = tl_pack_a.get((size_t)kKC * kMC);
  if (Bp == nullptr || Ap == nullptr) return false;
  for (int k0 = 0; k0 < K; k0 += kKC) {
    const int kc = K - k0 < kKC ? K - k0 : kKC;
    const bool acc = accumulate || k0 > 0;
    pack_panels(kc, N, B + (int64_t)k0 * ldb, ldb, Bp);
    for (int m0 = 0; m0 < M; m0 += kMC) {
      const int mc = M - m0 < kMC ? M - m0 : kMC;
      const float* Am = A + (int64_t)m0 * ars + (int64_t)k0 * acs;
      // op(A) = A^T (ars 1) is packed into 12-row micro-panels (k-major, zero-padded)
      // so the micro-kernel reads it contiguously; a row-major A (acs 1) is read
      // in place, 12 rows streaming along k, as the recurrent steps do.
      const bool packed = acs != 1;
      if (packed) pack_a(mc, kc, Am, acs, Ap);
      for (int p = 0; p < panels; p++) {
        const int n0 = p * kBNR, nr = N - n0 < kBNR ? N - n0 : kBNR;
        for (int q = 0; q < mc; q += kBMR) {
          const int mr = mc - q < kBMR ? mc - q : kBMR;
          float* Cq = C + (int64_t)(m0 + q) * ldc + n0;
          const float* Bq = Bp + (size_t)p * kc * kBNR;
          if (packed)
            micro_8x32(kc, Ap + (size_t)q * kc, 1, kBMR, Bq, Cq, ldc, mr, nr, acc);
          else
            micro_8x32(kc, Am + (int64_t)q * ars, ars, 1, Bq, Cq, ldc, mr, nr, acc);
        }
      }
    }
  }
  return true;
}

// ---- Pre-packed B (recurrent weights, packed once per batch) ----
// Layout: K in slices of kKC rows; slice s holds its 32-column panels back
// to back, panel p at s*kKC*panels*32 + p*kc_s*32.
static int64_t packed_b_size(int K, int N) { return (int64_t)K * ((N + kBNR - 1) / kBNR) * kBNR; }

static void pack_b(int K, int N, const float* B, int ldb, float* packed) {
  const int64_t panels = (N + kBNR - 1) / kBNR;
  for (int k0 = 0; k0 < K; k0 += kKC) {
    const int kc = K - k0 < kKC ? K - k0 : kKC;
    pack_panels(kc, N, B + (int64_t)k0 * ldb, ldb, packed + (int64_t)k0 * panels * kBNR);
  }
}

constexpr int kMaxTileRows = 12;

static void gemm_packed_b(int M, int n_begin, int n_end, int N, int K, const float* A, int lda, const float* packed,
                          float beta, float* C, int ldc) {
  const int64_t panels = (N + kBNR - 1) / kBNR;
  for (int k0 = 0; k0 < K; k0 += kKC) {
    const int kc = K - k0 < kKC ? K - k0 : kKC;
    const bool acc = beta != 0.0f || k0 > 0;
    for (int n0 = n_begin; n0 < n_end; n0 += kBNR) {
      const int nr = n_end - n0 < kBNR ? n_end - n0 : kBNR;
      const float* Bp = packed + (int64_t)k0 * panels * kBNR + (int64_t)(n0 / kBNR) * kc * kBNR;
      // Rows in near-equal tiles of at most 12 (50 rows: 5 x 10, not 6 x 8 + 2).
      const int tiles = (M + kMaxTileRows - 1) / kMaxTileRows;
      for (int q = 0; q < tiles; q++) {
        const int m0 = (int)((int64_t)M * q / tiles), mr = (int)((int64_t)M * (q + 1) / tiles) - m0;
        micro_8x32(kc, A + (int64_t)m0 * lda + k0, lda, 1, Bp, C + (int64_t)m0 * ldc + n0, ldc, mr, nr, acc);
      }
    }
  }
}

static inline float hsum(__m512 v) {
  // Reduce by hand: GCC 12's _mm512_reduce_add_ps warns under -Wall.
  const __m256 lo = _mm512_castps512_ps256(v);
  const __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
  __m256 s8 = _mm256_add_ps(lo, hi);
  __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
  s4 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
  s4 = _mm_add_ss(s4, _mm_movehdup_ps(s4));
  return _mm_cvtss_f32(s4);
}

static void gemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
                 float beta, float* C, int ldc) {
  const bool acc = beta != 0.0f;
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!acc)
      for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++) C[(int64_t)m * ldc + n] = 0.0f;
    return;
  }
  const int64_t ars = trans_a ? 1 : lda;  // step between rows of op(A)
  const int64_t acs = trans_a ? lda : 1;  // step along k
  if (!trans_b) {
    if (M >= 128 && K >= 32 && gemm_blocked(M, N, K, A, ars, acs, B, ldb, acc, C, ldc)) return;
    gemm_rowmajor_b(M, N, K, A, ars, acs, B, ldb, acc, C, ldc);
    return;
  }
  // Pack B^T ([N,K] -> [K,N]) once, then the row-major micro-kernel.
  float* bt = (float*)malloc(sizeof(float) * (size_t)K * (size_t)N);
  if (bt == nullptr) {
    fc::gemm_fma_elementwise(M, N, K, kKC, A, ars, acs, B, 1, ldb, acc, C, ldc);
    return;
  }
  for (int n = 0; n < N; n++)
    for (int k = 0; k < K; k++) bt[(int64_t)k * N + n] = B[(int64_t)n * ldb + k];
  gemm_rowmajor_b(M, N, K, A, ars, acs, bt, N, acc, C, ldc);
  free(bt);
}

// e^x, see the header comment. Inputs are clamped to [-87.3, 88.3] so 2^n
// stays a normal float.
static inline __m512 exp_ps(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.3f)), _mm512_set1_ps(88.3f));
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  const __m512i e = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
  return _mm512_mul_ps(p, _mm512_castsi512_ps(e));
}

static inline __m512 sigmoid_ps(__m512 z) {
  const __m512 one = _mm512_set1_ps(1.0f);
  return _mm512_div_ps(one, _mm512_add_ps(one, exp_ps(_mm512_sub_ps(_mm512_setzero_ps(), z))));
}

static inline __m512 tanh_ps(__m512 z) {
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 az = _mm512_abs_ps(z);
  const __m512 t = exp_ps(_mm512_mul_ps(az, _mm512_set1_ps(-2.0f)));
  __m512 y = _mm512_div_ps(_mm512_sub_ps(one, t), _mm512_add_ps(one, t));
  // Small |z|: odd Taylor polynomial, no cancellation.
  const __m512 z2 = _mm512_mul_ps(az, az);
  __m512 poly = _mm512_fmadd_ps(z2, _mm512_set1_ps(2.0f / 15.0f), _mm512_set1_ps(-1.0f / 3.0f));
  poly = _mm512_fmadd_ps(_mm512_mul_ps(poly, z2), az, az);
  const __mmask16 small = _mm512_cmp_ps_mask(az, _mm512_set1_ps(0.0625f), _CMP_LT_OQ);
  y = _mm512_mask_blend_ps(small, y, poly);
  // Copy the sign of z.
  const __m512i sign = _mm512_and_si512(_mm512_castps_si512(z), _mm512_set1_epi32((int)0x80000000u));
  return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(y), sign));
}

static void lstm_cell_forward(int B, int H, float* gates, const float* c_prev, float* c, float* tanh_c, float* h) {
  for (int b = 0; b < B; b++) {
    float* z = gates + (int64_t)b * 4 * H;
    const int64_t row = (int64_t)b * H;
    for (int j = 0; j < H; j += 16) {
      const __mmask16 m = tail_mask(H - j);
      const __m512 i = sigmoid_ps(_mm512_maskz_loadu_ps(m, z + j));
      const __m512 f = sigmoid_ps(_mm512_maskz_loadu_ps(m, z + H + j));
      const __m512 g = tanh_ps(_mm512_maskz_loadu_ps(m, z + 2 * H + j));
      const __m512 o = sigmoid_ps(_mm512_maskz_loadu_ps(m, z + 3 * H + j));
      _mm512_mask_storeu_ps(z + j, m, i);
      _mm512_mask_storeu_ps(z + H + j, m, f);
      _mm512_mask_storeu_ps(z + 2 * H + j, m, g);
      _mm512_mask_storeu_ps(z + 3 * H + j, m, o);
      // c = f*c_prev + i*g; h = o*tanh(c)
      const __m512 cs = _mm512_fmadd_ps(f, _mm512_maskz_loadu_ps(m, c_prev + row + j), _mm512_mul_ps(i, g));
      const __m512 tc = tanh_ps(cs);
      _mm512_mask_storeu_ps(c + row + j, m, cs);
      _mm512_mask_storeu_ps(tanh_c + row + j, m, tc);
      _mm512_mask_storeu_ps(h + row + j, m, _mm512_mul_ps(o, tc));
    }
  }
}

static void lstm_cell_backward(int B, int H, const float* gates, const float* c_prev, const float* tanh_c,
                               const float* dh, float* dc, float* dgates) {
  const __m512 one = _mm512_set1_ps(1.0f);
  for (int b = 0; b < B; b++) {
    const float* a = gates + (int64_t)b * 4 * H;
    float* dz = dgates + (int64_t)b * 4 * H;
    const int64_t row = (int64_t)b * H;
    for (int j = 0; j < H; j += 16) {
      const __mmask16 m = tail_mask(H - j);
      const __m512 i = _mm512_maskz_loadu_ps(m, a + j);
      const __m512 f = _mm512_maskz_loadu_ps(m, a + H + j);
      const __m512 g = _mm512_maskz_loadu_ps(m, a + 2 * H + j);
      const __m512 o = _mm512_maskz_loadu_ps(m, a + 3 * H + j);
      const __m512 tc = _mm512_maskz_loadu_ps(m, tanh_c + row + j);
      const __m512 dhv = _mm512_maskz_loadu_ps(m, dh + row + j);
      // dc_t = dc + dh*o*(1 - tanh_c^2)
      const __m512 dct = _mm512_fmadd_ps(_mm512_mul_ps(dhv, o), _mm512_fnmadd_ps(tc, tc, one),
                                         _mm512_maskz_loadu_ps(m, dc + row + j));
      // dz_i = dc_t*g*i(1-i), dz_f = dc_t*c_prev*f(1-f), dz_g = dc_t*i*(1-g^2), dz_o = dh*tanh_c*o(1-o)
      _mm512_mask_storeu_ps(dz + j, m, _mm512_mul_ps(_mm512_mul_ps(dct, g), _mm512_mul_ps(i, _mm512_sub_ps(one, i))));
      _mm512_mask_storeu_ps(dz + H + j, m,
                            _mm512_mul_ps(_mm512_mul_ps(dct, _mm512_maskz_loadu_ps(m, c_prev + row + j)),
                                          _mm512_mul_ps(f, _mm512_sub_ps(one, f))));
      _mm512_mask_storeu_ps(dz + 2 * H + j, m, _mm512_mul_ps(_mm512_mul_ps(dct, i), _mm512_fnmadd_ps(g, g, one)));
      _mm512_mask_storeu_ps(dz + 3 * H + j, m, _mm512_mul_ps(_mm512_mul_ps(dhv, tc), _mm512_mul_ps(o, _mm512_sub_ps(one, o))));
      _mm512_mask_storeu_ps(dc + row + j, m, _mm512_mul_ps(dct, f));
    }
  }
}

// Adam over the parameter buffer, 16 lanes at a time (see kernels.h).
struct AdamStep {
  __m512 m, v, p;  // the updated moments and parameters of 16 lanes
};

static inline AdamStep adam_lanes(__mmask16 k, const float* params, const float* grads, const float* m, const float* v,
                                  float alpha, float b1, float b2, float eps) {
  const __m512 g = _mm512_maskz_loadu_ps(k, grads);
  AdamStep s;
  s.m = _mm512_fmadd_ps(_mm512_set1_ps(b1), _mm512_maskz_loadu_ps(k, m), _mm512_mul_ps(_mm512_set1_ps(1.0f - b1), g));
  s.v = _mm512_fmadd_ps(_mm512_set1_ps(b2), _mm512_maskz_loadu_ps(k, v),
                        _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(1.0f - b2), g), g));
  s.p = _mm512_sub_ps(_mm512_maskz_loadu_ps(k, params),
                      _mm512_div_ps(_mm512_mul_ps(_mm512_set1_ps(alpha), s.m),
                                    _mm512_add_ps(_mm512_sqrt_ps(s.v), _mm512_set1_ps(eps))));
  return s;
}

static int adam_check(int64_t n, const float* params, const float* grads, const float* m, const float* v, float alpha,
                      float b1, float b2, float eps) {
  __mmask16 bad = 0;
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = tail_mask((int)(n - i < 16 ? n - i : 16));
    const AdamStep s = adam_lanes(k, params + i, grads + i, m + i, v + i, alpha, b1, b2, eps);
    // x - x == 0 exactly when x is finite (unordered compare: NaN counts as bad).
    bad |= _mm512_mask_cmp_ps_mask(k, _mm512_sub_ps(s.p, s.p), _mm512_setzero_ps(), _CMP_NEQ_UQ);
    bad |= _mm512_mask_cmp_ps_mask(k, _mm512_sub_ps(s.v, s.v), _mm512_setzero_ps(), _CMP_NEQ_UQ);
  }
  return bad != 0;
}

static void adam_apply(int64_t n, float* params, const float* grads, float* m, float* v, float alpha, float b1, float b2,
                       float eps) {
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = tail_mask((int)(n - i < 16 ? n - i : 16));
    const AdamStep s = adam_lanes(k, params + i, grads + i, m + i, v + i, alpha, b1, b2, eps);
    _mm512_mask_storeu_ps(m + i, k, s.m);
    _mm512_mask_storeu_ps(v + i, k, s.v);
    _mm512_mask_storeu_ps(params + i, k, s.p);
  }
}

// 12 independent FMA chains of 16 lanes: enough to cover FMA latency on two ports.
static double fma_loop(int64_t iterations) {
  __m512 acc[12];
  for (int i = 0; i < 12; i++) acc[i] = _mm512_set1_ps(0.001f * (float)i);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (int64_t it = 0; it < iterations; it++)
    for (int i = 0; i < 12; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  __m512 s = acc[0];
  for (int i = 1; i < 12; i++) s = _mm512_add_ps(s, acc[i]);
  return (double)hsum(s);
}

}  // namespace

extern "C" const fc::KernelTable<float>* fc_kernels_avx512() {
  static const fc::KernelTable<float> table = {
      "avx512",          &gemm,       &packed_b_size, &pack_b,   &gemm_packed_b, &lstm_cell_forward,
      &lstm_cell_backward, &adam_check, &adam_apply,    &fma_loop, 12 * 16 * 2};
  return &table;
}
