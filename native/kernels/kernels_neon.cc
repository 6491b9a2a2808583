// NEON kernel table for aarch64 (NEON is baseline there: no extra flags).
// Same signatures and semantics as the scalar reference in reference.h;
// native/tests/kernel_check.cc compares them (cross-compiled and run under
// qemu-aarch64 by scripts/check-kernels.sh).
//
// GEMM: a 4 x 8 micro-kernel (8 q-register accumulators) streaming k with
// op(B) row-major; NT packs B^T first.
// Pre-packed B is B itself, row-major. Tails go through small zero-padded
// buffers (NEON has no masked loads).
// Activations: the same exp (Cody-Waite reduction, degree-6 polynomial) and
// sigmoid / tanh forms as kernels_avx512.cc.
#include <arm_neon.h>
#include <cstdint>
#include <stdlib.h>
#include <string.h>

#include "kernels/gemm_fallback.h"
#include "kernels/kernels.h"

namespace {

static inline float32x4_t load_n(const float* p, int n) {
  if (n >= 4) return vld1q_f32(p);
  float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  if (n > 0) memcpy(t, p, sizeof(float) * (size_t)n);
  return vld1q_f32(t);
}

static inline void store_n(float* p, float32x4_t v, int n) {
  if (n >= 4) {
    vst1q_f32(p, v);
    return;
  }
  float t[4];
  vst1q_f32(t, v);
  if (n > 0) memcpy(p, t, sizeof(float) * (size_t)n);
}

// C[r, 0:nr) (=|+=) sum_k A(r, k) B[k, 0:nr) for r < MR (1..4, compile
// time, so a short block does only its own rows' FMAs), nr <= 8,
// A(r, k) = A[r*ars + k*acs].
template <int MR>
static void block_r(int K, const float* A, int64_t ars, int64_t acs, const float* B, int64_t ldb, float* C, int64_t ldc, int nr,
                    bool accumulate) {
  const float* a[MR];
  for (int r = 0; r < MR; r++) a[r] = A + r * ars;
  float32x4_t c[MR][2];
  for (int r = 0; r < MR; r++) c[r][0] = c[r][1] = vdupq_n_f32(0.0f);
  const int n0 = nr < 4 ? nr : 4, n1 = nr - 4;
  for (int k = 0; k < K; k++) {
    const float* b = B + (int64_t)k * ldb;
    const float32x4_t b0 = load_n(b, n0);
    const float32x4_t b1 = load_n(b + 4, n1);
    const int64_t ka = (int64_t)k * acs;
    for (int r = 0; r < MR; r++) {
      const float32x4_t x = vdupq_n_f32(a[r][ka]);
      c[r][0] = vfmaq_f32(c[r][0], x, b0);
      c[r][1] = vfmaq_f32(c[r][1], x, b1);
    }
  }
  for (int r = 0; r < MR; r++) {
    float* cr = C + (int64_t)r * ldc;
    float32x4_t v0 = c[r][0], v1 = c[r][1];
    if (accumulate) {
      v0 = vaddq_f32(v0, load_n(cr, n0));
      v1 = vaddq_f32(v1, load_n(cr + 4, n1));
    }
    store_n(cr, v0, n0);
    store_n(cr + 4, v1, n1);
  }
}

// block_r for mr (1..4) rows; rows >= mr are never read.
static void block(int K, const float* A, int64_t ars, int64_t acs, const float* B, int64_t ldb, float* C, int64_t ldc, int mr,
                  int nr, bool accumulate) {
  switch (mr) {
    case 1: return block_r<1>(K, A, ars, acs, B, ldb, C, ldc, nr, accumulate);
    case 2: return block_r<2>(K, A, ars, acs, B, ldb, C, ldc, nr, accumulate);
    case 3: return block_r<3>(K, A, ars, acs, B, ldb, C, ldc, nr, accumulate);
    default: return block_r<4>(K, A, ars, acs, B, ldb, C, ldc, nr, accumulate);
  }
}

static void gemm_rowmajor_b(int M, int N, int K, const float* A, int64_t ars, int64_t acs, const float* B, int64_t ldb,
                            bool accumulate, float* C, int64_t ldc) {
  for (int n0 = 0; n0 < N; n0 += 8) {
    const int nr = N - n0 < 8 ? N - n0 : 8;
    for (int m0 = 0; m0 < M; m0 += 4) {
      const int mr = M - m0 < 4 ? M - m0 : 4;
      block(K, A + (int64_t)m0 * ars, ars, acs, B + n0, ldb, C + (int64_t)m0 * ldc + n0, ldc, mr, nr, accumulate);
    }
  }
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
    gemm_rowmajor_b(M, N, K, A, ars, acs, B, ldb, acc, C, ldc);
    return;
  }
  float* bt = (float*)malloc(sizeof(float) * (size_t)K * (size_t)N);
  if (bt == nullptr) {
    // Out of memory for the pack: the same sums element by element (one slice of all K).
    fc::gemm_fma_elementwise(M, N, K, K, A, ars, acs, B, 1, ldb, acc, C, ldc);
    return;
  }
  for (int n = 0; n < N; n++)
    for (int k = 0; k < K; k++) bt[(int64_t)k * N + n] = B[(int64_t)n * ldb + k];
  gemm_rowmajor_b(M, N, K, A, ars, acs, bt, N, acc, C, ldc);
  free(bt);
}

static int64_t packed_b_size(int K, int N) { return (int64_t)K * N; }

static void pack_b(int K, int N, const float* B, int ldb, float* packed) {
  for (int k = 0; k < K; k++) memcpy(packed + (int64_t)k * N, B + (int64_t)k * ldb, sizeof(float) * (size_t)N);
}

static void gemm_packed_b(int M, int n_begin, int n_end, int N, int K, const float* A, int lda, const float* packed,
                          float beta, float* C, int ldc) {
  gemm_rowmajor_b(M, n_end - n_begin, K, A, lda, 1, packed + n_begin, N, beta != 0.0f, C + n_begin, ldc);
}

static inline float32x4_t exp_ps(float32x4_t x) {
  x = vminq_f32(vmaxq_f32(x, vdupq_n_f32(-87.3f)), vdupq_n_f32(88.3f));
  const float32x4_t n = vrndnq_f32(vmulq_f32(x, vdupq_n_f32(1.44269504088896341f)));
  float32x4_t r = vfmsq_f32(x, n, vdupq_n_f32(0.693359375f));
  r = vfmsq_f32(r, n, vdupq_n_f32(-2.12194440e-4f));
  float32x4_t p = vdupq_n_f32(1.9875691500e-4f);
  p = vfmaq_f32(vdupq_n_f32(1.3981999507e-3f), p, r);
  p = vfmaq_f32(vdupq_n_f32(8.3334519073e-3f), p, r);
  p = vfmaq_f32(vdupq_n_f32(4.1665795894e-2f), p, r);
  p = vfmaq_f32(vdupq_n_f32(1.6666665459e-1f), p, r);
  p = vfmaq_f32(vdupq_n_f32(5.0000001201e-1f), p, r);
  p = vfmaq_f32(vaddq_f32(r, vdupq_n_f32(1.0f)), p, vmulq_f32(r, r));
  const int32x4_t e = vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(n), vdupq_n_s32(127)), 23);
  return vmulq_f32(p, vreinterpretq_f32_s32(e));
}

static inline float32x4_t sigmoid_ps(float32x4_t z) {
  const float32x4_t one = vdupq_n_f32(1.0f);
  return vdivq_f32(one, vaddq_f32(one, exp_ps(vnegq_f32(z))));
}

static inline float32x4_t tanh_ps(float32x4_t z) {
  const float32x4_t one = vdupq_n_f32(1.0f);
  const float32x4_t az = vabsq_f32(z);
  const float32x4_t t = exp_ps(vmulq_f32(az, vdupq_n_f32(-2.0f)));
  float32x4_t y = vdivq_f32(vsubq_f32(one, t), vaddq_f32(one, t));
  const float32x4_t z2 = vmulq_f32(az, az);
  float32x4_t poly = vfmaq_f32(vdupq_n_f32(-1.0f / 3.0f), z2, vdupq_n_f32(2.0f / 15.0f));
  poly = vfmaq_f32(az, vmulq_f32(poly, z2), az);
  y = vbslq_f32(vcltq_f32(az, vdupq_n_f32(0.0625f)), poly, y);
  const uint32x4_t sign = vandq_u32(vreinterpretq_u32_f32(z), vdupq_n_u32(0x80000000u));
  return vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(y), sign));
}

static void lstm_cell_forward(int B, int H, float* gates, const float* c_prev, float* c, float* tanh_c, float* h) {
  for (int b = 0; b < B; b++) {
    float* z = gates + (int64_t)b * 4 * H;
    const int64_t row = (int64_t)b * H;
    for (int j = 0; j < H; j += 4) {
      const int n = H - j < 4 ? H - j : 4;
      const float32x4_t i = sigmoid_ps(load_n(z + j, n));
      const float32x4_t f = sigmoid_ps(load_n(z + H + j, n));
      const float32x4_t g = tanh_ps(load_n(z + 2 * H + j, n));
      const float32x4_t o = sigmoid_ps(load_n(z + 3 * H + j, n));
      store_n(z + j, i, n);
      store_n(z + H + j, f, n);
      store_n(z + 2 * H + j, g, n);
      store_n(z + 3 * H + j, o, n);
      const float32x4_t cs = vfmaq_f32(vmulq_f32(i, g), f, load_n(c_prev + row + j, n));
      const float32x4_t tc = tanh_ps(cs);
      store_n(c + row + j, cs, n);
      store_n(tanh_c + row + j, tc, n);
      store_n(h + row + j, vmulq_f32(o, tc), n);
    }
  }
}

static void lstm_cell_backward(int B, int H, const float* gates, const float* c_prev, const float* tanh_c,
                               const float* dh, float* dc, float* dgates) {
  const float32x4_t one = vdupq_n_f32(1.0f);
  for (int b = 0; b < B; b++) {
    const float* a = gates + (int64_t)b * 4 * H;
    float* dz = dgates + (int64_t)b * 4 * H;
    const int64_t row = (int64_t)b * H;
    for (int j = 0; j < H; j += 4) {
      const int n = H - j < 4 ? H - j : 4;
      const float32x4_t i = load_n(a + j, n), f = load_n(a + H + j, n);
      const float32x4_t g = load_n(a + 2 * H + j, n), o = load_n(a + 3 * H + j, n);
      const float32x4_t tc = load_n(tanh_c + row + j, n), dhv = load_n(dh + row + j, n);
      // dc_t = dc + dh*o*(1 - tanh_c^2)
      const float32x4_t dct = vfmaq_f32(load_n(dc + row + j, n), vmulq_f32(dhv, o), vfmsq_f32(one, tc, tc));
      store_n(dz + j, vmulq_f32(vmulq_f32(dct, g), vmulq_f32(i, vsubq_f32(one, i))), n);
      store_n(dz + H + j, vmulq_f32(vmulq_f32(dct, load_n(c_prev + row + j, n)), vmulq_f32(f, vsubq_f32(one, f))), n);
      store_n(dz + 2 * H + j, vmulq_f32(vmulq_f32(dct, i), vfmsq_f32(one, g, g)), n);
      store_n(dz + 3 * H + j, vmulq_f32(vmulq_f32(dhv, tc), vmulq_f32(o, vsubq_f32(one, o))), n);
      store_n(dc + row + j, vmulq_f32(dct, f), n);
    }
  }
}

// Adam over the parameter buffer, 4 lanes at a time (see kernels.h); the
// tail goes through zero-padded buffers (0 - 0 == 0 passes the check).
struct AdamStep {
  float32x4_t m, v, p;  // the updated moments and parameters of 4 lanes
};

static inline AdamStep adam_lanes(int c, const float* params, const float* grads, const float* m, const float* v,
                                  float alpha, float b1, float b2, float eps) {
  const float32x4_t g = load_n(grads, c);
  AdamStep s;
  s.m = vfmaq_f32(vmulq_n_f32(g, 1.0f - b1), load_n(m, c), vdupq_n_f32(b1));
  s.v = vfmaq_f32(vmulq_f32(vmulq_n_f32(g, 1.0f - b2), g), load_n(v, c), vdupq_n_f32(b2));
  s.p = vsubq_f32(load_n(params, c), vdivq_f32(vmulq_n_f32(s.m, alpha), vaddq_f32(vsqrtq_f32(s.v), vdupq_n_f32(eps))));
  return s;
}

static int adam_check(int64_t n, const float* params, const float* grads, const float* m, const float* v, float alpha,
                      float b1, float b2, float eps) {
  uint32x4_t bad = vdupq_n_u32(0);
  for (int64_t i = 0; i < n; i += 4) {
    const AdamStep s = adam_lanes((int)(n - i < 4 ? n - i : 4), params + i, grads + i, m + i, v + i, alpha, b1, b2, eps);
    // x - x == 0 exactly when x is finite.
    bad = vorrq_u32(bad, vmvnq_u32(vceqq_f32(vsubq_f32(s.p, s.p), vdupq_n_f32(0.0f))));
    bad = vorrq_u32(bad, vmvnq_u32(vceqq_f32(vsubq_f32(s.v, s.v), vdupq_n_f32(0.0f))));
  }
  return vmaxvq_u32(bad) != 0;
}

static void adam_apply(int64_t n, float* params, const float* grads, float* m, float* v, float alpha, float b1, float b2,
                       float eps) {
  for (int64_t i = 0; i < n; i += 4) {
    const int c = (int)(n - i < 4 ? n - i : 4);
    const AdamStep s = adam_lanes(c, params + i, grads + i, m + i, v + i, alpha, b1, b2, eps);
    store_n(m + i, s.m, c);
    store_n(v + i, s.v, c);
    store_n(params + i, s.p, c);
  }
}

// 12 independent FMA chains of 4 lanes.
static double fma_loop(int64_t iterations) {
  float32x4_t acc[12];
  for (int i = 0; i < 12; i++) acc[i] = vdupq_n_f32(0.001f * (float)i);
  const float32x4_t a = vdupq_n_f32(0.999999f), b = vdupq_n_f32(1e-7f);
  for (int64_t it = 0; it < iterations; it++)
    for (int i = 0; i < 12; i++) acc[i] = vfmaq_f32(b, acc[i], a);
  float32x4_t s = acc[0];
  for (int i = 1; i < 12; i++) s = vaddq_f32(s, acc[i]);
  return (double)vaddvq_f32(s);
}

}  // namespace

extern "C" const fc::KernelTable<float>* fc_kernels_neon() {
  static const fc::KernelTable<float> table = {
      "neon",            &gemm,       &packed_b_size, &pack_b,   &gemm_packed_b, &lstm_cell_forward,
      &lstm_cell_backward, &adam_check, &adam_apply,    &fma_loop, 12 * 4 * 2};
  return &table;
}
