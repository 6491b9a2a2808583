// AVX2 + FMA kernel table (compiled with -mavx2 -mfma, and only this file).
// Same algorithms as kernels_avx512.cc at 8 lanes: a 4 x 16 micro-kernel
// (8 ymm accumulators), masked tails through _mm256_maskload/maskstore, and
// the same exp / sigmoid / tanh approximations (errors asserted in
// test/kernels.test.ts). Every helper is static; the only external symbol
// is fc_kernels_avx2 (see the rules in kernels_avx512.cc).
#include <cstdint>
#include <immintrin.h>
#include <stdlib.h>

#include "kernels/aligned_memory.h"
#include "kernels/gemm_fallback.h"
#include "kernels/kernels.h"

namespace {

constexpr int kNR = 16;  // columns per micro-kernel block (2 ymm)
constexpr int kMR = 4;
// k is summed in slices of kKC (see gemm()); also the cache blocking depth.
constexpr int kKC = 256;

// Lanes [0, n) enabled (n clamped to [0, 8]).
static inline __m256i tail_mask(int n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

static inline __m256 load(__m256i m, const float* p) { return _mm256_maskload_ps(p, m); }
static inline void store(float* p, __m256i m, __m256 v) { _mm256_maskstore_ps(p, m, v); }

static void block4(int K, const float* A, int64_t ars, int64_t acs, const float* B, int64_t ldb, float* C, int64_t ldc,
                   int nr, bool accumulate) {
  const __m256i m0 = tail_mask(nr), m1 = tail_mask(nr - 8);
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  const float* a0 = A;
  const float* a1 = A + ars;
  const float* a2 = A + 2 * ars;
  const float* a3 = A + 3 * ars;
  for (int k = 0; k < K; k++) {
    const float* b = B + (int64_t)k * ldb;
    const __m256 b0 = load(m0, b);
    const __m256 b1 = load(m1, b + 8);
    const int64_t ka = (int64_t)k * acs;
    __m256 x = _mm256_broadcast_ss(a0 + ka);
    c00 = _mm256_fmadd_ps(x, b0, c00);
    c01 = _mm256_fmadd_ps(x, b1, c01);
    x = _mm256_broadcast_ss(a1 + ka);
    c10 = _mm256_fmadd_ps(x, b0, c10);
    c11 = _mm256_fmadd_ps(x, b1, c11);
    x = _mm256_broadcast_ss(a2 + ka);
    c20 = _mm256_fmadd_ps(x, b0, c20);
    c21 = _mm256_fmadd_ps(x, b1, c21);
    x = _mm256_broadcast_ss(a3 + ka);
    c30 = _mm256_fmadd_ps(x, b0, c30);
    c31 = _mm256_fmadd_ps(x, b1, c31);
  }
  __m256 acc[8] = {c00, c01, c10, c11, c20, c21, c30, c31};
  for (int r = 0; r < 4; r++) {
    float* c = C + (int64_t)r * ldc;
    __m256 v0 = acc[2 * r], v1 = acc[2 * r + 1];
    if (accumulate) {
      v0 = _mm256_add_ps(v0, load(m0, c));
      v1 = _mm256_add_ps(v1, load(m1, c + 8));
    }
    store(c, m0, v0);
    store(c + 8, m1, v1);
  }
}

static void block1(int K, const float* A, int64_t acs, const float* B, int64_t ldb, float* C, int nr, bool accumulate) {
  const __m256i m0 = tail_mask(nr), m1 = tail_mask(nr - 8);
  __m256 c0 = _mm256_setzero_ps(), c1 = _mm256_setzero_ps();
  for (int k = 0; k < K; k++) {
    const float* b = B + (int64_t)k * ldb;
    const __m256 x = _mm256_broadcast_ss(A + (int64_t)k * acs);
    c0 = _mm256_fmadd_ps(x, load(m0, b), c0);
    c1 = _mm256_fmadd_ps(x, load(m1, b + 8), c1);
  }
  if (accumulate) {
    c0 = _mm256_add_ps(c0, load(m0, C));
    c1 = _mm256_add_ps(c1, load(m1, C + 8));
  }
  store(C, m0, c0);
  store(C + 8, m1, c1);
}

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

// ---- Cache-blocked GEMM for large M, and pre-packed B ----
// The same scheme as kernels_avx512.cc with a 6 x 16 micro-kernel (12 ymm
// accumulators): op(B) in 16-column panels of up to kKC rows, op(A) in
// 6-row micro-panels of kMC rows. Pre-packed B (recurrent weights): K in
// slices of kKC rows, slice s holding its panels back to back.
constexpr int kBMR = 6;
constexpr int kBNR = 16;
constexpr int kMC = 96;

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

// C[0:MR, 0:nr) (=|+=) A(0:MR, 0:kc) * Bp with A(r, k) = A[r*ars + k*acs].
// MR (1..6) is a compile-time row count, so a short block (one streaming row,
// a batch tail) does only its own rows' FMAs, each row's sum in the same k order.
template <int MR>
static void micro_rx16(int kc, const float* A, int64_t ars, int64_t acs, const float* Bp, float* C, int64_t ldc, int nr,
                       bool accumulate) {
  const float* a[MR];
  for (int r = 0; r < MR; r++) a[r] = A + r * ars;
  __m256 c[MR][2];
  for (int r = 0; r < MR; r++) c[r][0] = c[r][1] = _mm256_setzero_ps();
  for (int k = 0; k < kc; k++) {
    const __m256 b0 = _mm256_loadu_ps(Bp + k * 16);
    const __m256 b1 = _mm256_loadu_ps(Bp + k * 16 + 8);
    const int64_t ka = k * acs;
    for (int r = 0; r < MR; r++) {
      const __m256 x = _mm256_broadcast_ss(a[r] + ka);
      c[r][0] = _mm256_fmadd_ps(x, b0, c[r][0]);
      c[r][1] = _mm256_fmadd_ps(x, b1, c[r][1]);
    }
  }
  const __m256i m0 = tail_mask(nr), m1 = tail_mask(nr - 8);
  for (int r = 0; r < MR; r++) {
    float* cr = C + (int64_t)r * ldc;
    __m256 v0 = c[r][0], v1 = c[r][1];
    if (accumulate) {
      v0 = _mm256_add_ps(v0, load(m0, cr));
      v1 = _mm256_add_ps(v1, load(m1, cr + 8));
    }
    store(cr, m0, v0);
    store(cr + 8, m1, v1);
  }
}

// micro_rx16 for mr (1..6) rows; rows >= mr are never read.
static void micro_6x16(int kc, const float* A, int64_t ars, int64_t acs, const float* Bp, float* C, int64_t ldc, int mr, int nr,
                       bool accumulate) {
  switch (mr) {
    case 1: return micro_rx16<1>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    case 2: return micro_rx16<2>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    case 3: return micro_rx16<3>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    case 4: return micro_rx16<4>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    case 5: return micro_rx16<5>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
    default: return micro_rx16<6>(kc, A, ars, acs, Bp, C, ldc, nr, accumulate);
  }
}

static void pack_panels(int kc, int N, const float* B, int64_t ldb, float* dst) {
  const int panels = (N + kBNR - 1) / kBNR;
  for (int p = 0; p < panels; p++) {
    const int n0 = p * kBNR, nr = N - n0 < kBNR ? N - n0 : kBNR;
    const __m256i m0 = tail_mask(nr), m1 = tail_mask(nr - 8);
    float* d = dst + (size_t)p * kc * kBNR;
    for (int k = 0; k < kc; k++) {
      const float* src = B + (int64_t)k * ldb + n0;
      _mm256_storeu_ps(d + k * 16, load(m0, src));
      _mm256_storeu_ps(d + k * 16 + 8, load(m1, src + 8));
    }
  }
}

// Packs op(A)[0:mc, 0:kc] (A(m, k) = A[m*ars + k*acs]) into micro-panels of
// kBMR rows, k-major (panel q at Ap + q*kc, element (r, k) at k*kBMR + r),
// zero-padded below mc.
static void pack_a(int mc, int kc, const float* A, int64_t ars, int64_t acs, float* Ap) {
  for (int q = 0; q < mc; q += kBMR) {
    const int mr = mc - q < kBMR ? mc - q : kBMR;
    float* dst = Ap + (size_t)q * kc;
    const float* src = A + (int64_t)q * ars;
    if (ars == 1) {
      // op(A) = A^T stored (K, M): each k gives mr consecutive floats.
      for (int k = 0; k < kc; k++) {
        const float* a = src + (int64_t)k * acs;
        float* d = dst + k * kBMR;
        for (int r = 0; r < kBMR; r++) d[r] = r < mr ? a[r] : 0.0f;
      }
      continue;
    }
    for (int r = 0; r < kBMR; r++) {
      const float* row = src + (int64_t)(r < mr ? r : 0) * ars;
      const float keep = r < mr ? 1.0f : 0.0f;
      for (int k = 0; k < kc; k++) dst[k * kBMR + r] = keep * row[(int64_t)k * acs];
    }
  }
}

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
      // op(A) = A^T is packed into micro-panels (k-major) for contiguous reads;
      // a row-major A (acs 1) is read in place, rows streaming along k.
      const bool packed = acs != 1;
      if (packed) pack_a(mc, kc, Am, ars, acs, Ap);
      for (int p = 0; p < panels; p++) {
        const int n0 = p * kBNR, nr = N - n0 < kBNR ? N - n0 : kBNR;
        for (int q = 0; q < mc; q += kBMR) {
          const int mr = mc - q < kBMR ? mc - q : kBMR;
          float* Cq = C + (int64_t)(m0 + q) * ldc + n0;
          const float* Bq = Bp + (size_t)p * kc * kBNR;
          if (packed)
            micro_6x16(kc, Ap + (size_t)q * kc, 1, kBMR, Bq, Cq, ldc, mr, nr, acc);
          else
            micro_6x16(kc, Am + (int64_t)q * ars, ars, 1, Bq, Cq, ldc, mr, nr, acc);
        }
      }
    }
  }
  return true;
}

static int64_t packed_b_size(int K, int N) { return (int64_t)K * ((N + kBNR - 1) / kBNR) * kBNR; }

static void pack_b(int K, int N, const float* B, int ldb, float* packed) {
  const int64_t panels = (N + kBNR - 1) / kBNR;
  for (int k0 = 0; k0 < K; k0 += kKC) {
    const int kc = K - k0 < kKC ? K - k0 : kKC;
    pack_panels(kc, N, B + (int64_t)k0 * ldb, ldb, packed + (int64_t)k0 * panels * kBNR);
  }
}

// n_begin is a multiple of 32 (the table contract), so also of this table's 16.
static void gemm_packed_b(int M, int n_begin, int n_end, int N, int K, const float* A, int lda, const float* packed,
                          float beta, float* C, int ldc) {
  const int64_t panels = (N + kBNR - 1) / kBNR;
  for (int k0 = 0; k0 < K; k0 += kKC) {
    const int kc = K - k0 < kKC ? K - k0 : kKC;
    const bool acc = beta != 0.0f || k0 > 0;
    for (int n0 = n_begin; n0 < n_end; n0 += kBNR) {
      const int nr = n_end - n0 < kBNR ? n_end - n0 : kBNR;
      const float* Bp = packed + (int64_t)k0 * panels * kBNR + (int64_t)(n0 / kBNR) * kc * kBNR;
      // Rows in near-equal tiles of at most 6 (50 rows: 5 x 6 + 4 x 5, not 8 x 6 + 2).
      const int tiles = (M + kBMR - 1) / kBMR;
      for (int q = 0; q < tiles; q++) {
        const int m0 = (int)((int64_t)M * q / tiles), mr = (int)((int64_t)M * (q + 1) / tiles) - m0;
        micro_6x16(kc, A + (int64_t)m0 * lda + k0, lda, 1, Bp, C + (int64_t)m0 * ldc + n0, ldc, mr, nr, acc);
      }
    }
  }
}

static inline float hsum(__m256 v) {
  __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
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
  const int64_t ars = trans_a ? 1 : lda;
  const int64_t acs = trans_a ? lda : 1;
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

static inline __m256 exp_ps(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

static inline __m256 sigmoid_ps(__m256 z) {
  const __m256 one = _mm256_set1_ps(1.0f);
  return _mm256_div_ps(one, _mm256_add_ps(one, exp_ps(_mm256_sub_ps(_mm256_setzero_ps(), z))));
}

static inline __m256 tanh_ps(__m256 z) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 sign_bit = _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000u));
  const __m256 az = _mm256_andnot_ps(sign_bit, z);
  const __m256 t = exp_ps(_mm256_mul_ps(az, _mm256_set1_ps(-2.0f)));
  __m256 y = _mm256_div_ps(_mm256_sub_ps(one, t), _mm256_add_ps(one, t));
  const __m256 z2 = _mm256_mul_ps(az, az);
  __m256 poly = _mm256_fmadd_ps(z2, _mm256_set1_ps(2.0f / 15.0f), _mm256_set1_ps(-1.0f / 3.0f));
  poly = _mm256_fmadd_ps(_mm256_mul_ps(poly, z2), az, az);
  y = _mm256_blendv_ps(y, poly, _mm256_cmp_ps(az, _mm256_set1_ps(0.0625f), _CMP_LT_OQ));
  return _mm256_or_ps(y, _mm256_and_ps(z, sign_bit));
}

static void lstm_cell_forward(int B, int H, float* gates, const float* c_prev, float* c, float* tanh_c, float* h) {
  for (int b = 0; b < B; b++) {
    float* z = gates + (int64_t)b * 4 * H;
    const int64_t row = (int64_t)b * H;
    for (int j = 0; j < H; j += 8) {
      const __m256i m = tail_mask(H - j);
      const __m256 i = sigmoid_ps(load(m, z + j));
      const __m256 f = sigmoid_ps(load(m, z + H + j));
      const __m256 g = tanh_ps(load(m, z + 2 * H + j));
      const __m256 o = sigmoid_ps(load(m, z + 3 * H + j));
      store(z + j, m, i);
      store(z + H + j, m, f);
      store(z + 2 * H + j, m, g);
      store(z + 3 * H + j, m, o);
      const __m256 cs = _mm256_fmadd_ps(f, load(m, c_prev + row + j), _mm256_mul_ps(i, g));
      const __m256 tc = tanh_ps(cs);
      store(c + row + j, m, cs);
      store(tanh_c + row + j, m, tc);
      store(h + row + j, m, _mm256_mul_ps(o, tc));
    }
  }
}

static void lstm_cell_backward(int B, int H, const float* gates, const float* c_prev, const float* tanh_c,
                               const float* dh, float* dc, float* dgates) {
  const __m256 one = _mm256_set1_ps(1.0f);
  for (int b = 0; b < B; b++) {
    const float* a = gates + (int64_t)b * 4 * H;
    float* dz = dgates + (int64_t)b * 4 * H;
    const int64_t row = (int64_t)b * H;
    for (int j = 0; j < H; j += 8) {
      const __m256i m = tail_mask(H - j);
      const __m256 i = load(m, a + j);
      const __m256 f = load(m, a + H + j);
      const __m256 g = load(m, a + 2 * H + j);
      const __m256 o = load(m, a + 3 * H + j);
      const __m256 tc = load(m, tanh_c + row + j);
      const __m256 dhv = load(m, dh + row + j);
      const __m256 dct = _mm256_fmadd_ps(_mm256_mul_ps(dhv, o), _mm256_fnmadd_ps(tc, tc, one), load(m, dc + row + j));
      store(dz + j, m, _mm256_mul_ps(_mm256_mul_ps(dct, g), _mm256_mul_ps(i, _mm256_sub_ps(one, i))));
      store(dz + H + j, m,
            _mm256_mul_ps(_mm256_mul_ps(dct, load(m, c_prev + row + j)), _mm256_mul_ps(f, _mm256_sub_ps(one, f))));
      store(dz + 2 * H + j, m, _mm256_mul_ps(_mm256_mul_ps(dct, i), _mm256_fnmadd_ps(g, g, one)));
      store(dz + 3 * H + j, m, _mm256_mul_ps(_mm256_mul_ps(dhv, tc), _mm256_mul_ps(o, _mm256_sub_ps(one, o))));
      store(dc + row + j, m, _mm256_mul_ps(dct, f));
    }
  }
}

// Adam over the parameter buffer, 8 lanes at a time (see kernels.h).
struct AdamStep {
  __m256 m, v, p;  // the updated moments and parameters of 8 lanes
};

static inline AdamStep adam_lanes(__m256i k, const float* params, const float* grads, const float* m, const float* v,
                                  float alpha, float b1, float b2, float eps) {
  const __m256 g = load(k, grads);
  AdamStep s;
  s.m = _mm256_fmadd_ps(_mm256_set1_ps(b1), load(k, m), _mm256_mul_ps(_mm256_set1_ps(1.0f - b1), g));
  s.v = _mm256_fmadd_ps(_mm256_set1_ps(b2), load(k, v), _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(1.0f - b2), g), g));
  s.p = _mm256_sub_ps(load(k, params), _mm256_div_ps(_mm256_mul_ps(_mm256_set1_ps(alpha), s.m),
                                                     _mm256_add_ps(_mm256_sqrt_ps(s.v), _mm256_set1_ps(eps))));
  return s;
}

static int adam_check(int64_t n, const float* params, const float* grads, const float* m, const float* v, float alpha,
                      float b1, float b2, float eps) {
  __m256 bad = _mm256_setzero_ps();
  for (int64_t i = 0; i < n; i += 8) {
    const __m256i k = tail_mask((int)(n - i < 8 ? n - i : 8));
    const AdamStep s = adam_lanes(k, params + i, grads + i, m + i, v + i, alpha, b1, b2, eps);
    // x - x == 0 exactly when x is finite; masked-off lanes are 0 - 0 == 0.
    bad = _mm256_or_ps(bad, _mm256_cmp_ps(_mm256_sub_ps(s.p, s.p), _mm256_setzero_ps(), _CMP_NEQ_UQ));
    bad = _mm256_or_ps(bad, _mm256_cmp_ps(_mm256_sub_ps(s.v, s.v), _mm256_setzero_ps(), _CMP_NEQ_UQ));
  }
  return _mm256_movemask_ps(bad) != 0;
}

static void adam_apply(int64_t n, float* params, const float* grads, float* m, float* v, float alpha, float b1, float b2,
                       float eps) {
  for (int64_t i = 0; i < n; i += 8) {
    const __m256i k = tail_mask((int)(n - i < 8 ? n - i : 8));
    const AdamStep s = adam_lanes(k, params + i, grads + i, m + i, v + i, alpha, b1, b2, eps);
    store(m + i, k, s.m);
    store(v + i, k, s.v);
    store(params + i, k, s.p);
  }
}

// 12 independent FMA chains of 8 lanes: enough to cover FMA latency on two ports.
static double fma_loop(int64_t iterations) {
  __m256 acc[12];
  for (int i = 0; i < 12; i++) acc[i] = _mm256_set1_ps(0.001f * (float)i);
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (int64_t it = 0; it < iterations; it++)
    for (int i = 0; i < 12; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  __m256 s = acc[0];
  for (int i = 1; i < 12; i++) s = _mm256_add_ps(s, acc[i]);
  return (double)hsum(s);
}

}  // namespace

extern "C" const fc::KernelTable<float>* fc_kernels_avx2() {
  static const fc::KernelTable<float> table = {
      "avx2",            &gemm,       &packed_b_size, &pack_b,   &gemm_packed_b, &lstm_cell_forward,
      &lstm_cell_backward, &adam_check, &adam_apply,    &fma_loop, 12 * 8 * 2};
  return &table;
}
