// Standalone check of every kernel table against the scalar reference twin,
// without Node: it runs natively in CI and, cross-compiled, under
// qemu-aarch64 for the NEON table (scripts/check-kernels.sh).
//
// Oracle: kernels_scalar.cc. Tolerances: GEMM |d| <= 1e-6 K + 1e-5 |ref|
// (float32 sums of K products in another order, with FMA); LSTM pointwise
// |d| <= 2e-6 + 1e-5 |ref| (sigmoid/tanh approximations within 1e-7);
// activations over [-20, 20] within 2e-7 of double precision; Adam within
// float rounding of the reference, and non-finite updates always flagged.
// Each table against itself: a GEMM split into row or column blocks equals the
// whole product bit for bit (the summation order of kernels.h).
// Prints one line per failure and a closing "N passed, M failed".
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "kernels/gemm_fallback.h"
#include "kernels/kernels.h"

namespace {

int passed = 0, failed = 0;

struct Lcg {
  unsigned long long s;
  explicit Lcg(unsigned long long seed) : s(seed) {}
  float next(float lo, float hi) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + (hi - lo) * (float)((s >> 40) / 16777216.0);
  }
};

void check(bool ok, const char* isa, const char* what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    std::printf("FAIL [%s] %s\n", isa, what);
  }
}

bool close(const std::vector<float>& a, const std::vector<float>& b, double atol, double rtol, double* worst) {
  *worst = 0;
  bool ok = a.size() == b.size();
  for (size_t i = 0; ok && i < a.size(); i++) {
    const double d = std::fabs((double)a[i] - (double)b[i]);
    if (!(d <= atol + rtol * std::fabs((double)b[i]))) ok = false;
    if (d > *worst) *worst = d;
  }
  return ok;
}

void check_gemm(const fc::KernelTable<float>& k, const fc::KernelTable<float>& ref) {
  const int shapes[][3] = {{1, 1, 1},     {3, 5, 7},     {4, 32, 16},  {5, 33, 17},  {100, 400, 100},
                           {130, 100, 300}, {257, 13, 40}, {129, 1, 300}, {8, 64, 600}, {96, 48, 257}};
  Lcg rng(7);
  for (const auto& sh : shapes) {
    const int M = sh[0], N = sh[1], K = sh[2];
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++)
        for (int beta = 0; beta < 2; beta++) {
          // Row strides with padding, to catch stride bugs.
          const int lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 2, ldc = N + 5;
          std::vector<float> A((size_t)(ta ? K : M) * lda), B((size_t)(tb ? N : K) * ldb), C0((size_t)M * ldc);
          for (float& v : A) v = rng.next(-1, 1);
          for (float& v : B) v = rng.next(-1, 1);
          for (float& v : C0) v = rng.next(-1, 1);
          std::vector<float> C = C0, R = C0;
          k.gemm(ta, tb, M, N, K, A.data(), lda, B.data(), ldb, (float)beta, C.data(), ldc);
          ref.gemm(ta, tb, M, N, K, A.data(), lda, B.data(), ldb, (float)beta, R.data(), ldc);
          double worst;
          char what[160];
          const bool ok = close(C, R, 1e-6 * K, 1e-5, &worst);
          std::snprintf(what, sizeof what, "gemm M=%d N=%d K=%d ta=%d tb=%d beta=%d: max |d| %.3g", M, N, K, ta, tb,
                        beta, worst);
          check(ok, k.isa, what);
        }
    // Pre-packed B, whole and split into column ranges at multiples of 32.
    std::vector<float> A((size_t)M * K), B((size_t)K * N), R((size_t)M * N);
    for (float& v : A) v = rng.next(-1, 1);
    for (float& v : B) v = rng.next(-1, 1);
    for (float& v : R) v = rng.next(-1, 1);
    std::vector<float> C = R;
    std::vector<float> packed(k.packed_b_size(K, N));
    k.pack_b(K, N, B.data(), N, packed.data());
    for (int n0 = 0; n0 < N; n0 += 32) {
      const int n1 = n0 + 64 < N ? n0 + 32 : N;  // ranges of 32, the last one to N
      k.gemm_packed_b(M, n0, n1, N, K, A.data(), K, packed.data(), 1.0f, C.data(), N);
      if (n1 == N) break;
    }
    ref.gemm(false, false, M, N, K, A.data(), K, B.data(), N, 1.0f, R.data(), N);
    double worst;
    char what[160];
    const bool ok = close(C, R, 1e-6 * K, 1e-5, &worst);
    std::snprintf(what, sizeof what, "gemm_packed_b M=%d N=%d K=%d (column ranges of 32): max |d| %.3g", M, N, K,
                  worst);
    check(ok, k.isa, what);
  }
}

// The summation-order contract of kernels.h: a GEMM computed in row blocks
// or column blocks (as Network::gemm splits it across threads) equals the
// whole product bit for bit, on every path (M across the blocked-path
// threshold, NT with narrow N, K across a 256 slice), and gemm_packed_b
// equals gemm. Oracle: the same table's whole-C call. Tolerance: none.
void check_gemm_splits(const fc::KernelTable<float>& k) {
  const int shapes[][3] = {{128, 32, 300}, {400, 16, 700}, {256, 100, 513}, {130, 5, 40}, {64, 100, 257}, {7, 4, 1000}};
  Lcg rng(17);
  for (const auto& sh : shapes) {
    const int M = sh[0], N = sh[1], K = sh[2];
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++) {
        const int lda = ta ? M : K, ldb = tb ? K : N;
        std::vector<float> A((size_t)(ta ? K : M) * lda), B((size_t)(tb ? N : K) * ldb), C0((size_t)M * N);
        for (float& v : A) v = rng.next(-1, 1);
        for (float& v : B) v = rng.next(-1, 1);
        for (float& v : C0) v = rng.next(-1, 1);
        for (int beta = 0; beta < 2; beta++) {
          std::vector<float> whole = C0;
          k.gemm(ta, tb, M, N, K, A.data(), lda, B.data(), ldb, (float)beta, whole.data(), N);
          for (int rows : {1, 7, 64, 96}) {
            std::vector<float> C = C0;
            for (int m0 = 0; m0 < M; m0 += rows) {
              const int m = M - m0 < rows ? M - m0 : rows;
              k.gemm(ta, tb, m, N, K, ta ? A.data() + m0 : A.data() + (int64_t)m0 * lda, lda, B.data(), ldb, (float)beta,
                     C.data() + (int64_t)m0 * N, N);
            }
            char what[160];
            std::snprintf(what, sizeof what, "gemm M=%d N=%d K=%d ta=%d tb=%d beta=%d in blocks of %d rows == whole, bitwise",
                          M, N, K, ta, tb, beta, rows);
            check(std::memcmp(C.data(), whole.data(), sizeof(float) * C.size()) == 0, k.isa, what);
          }
          for (int cols : {4, 32}) {
            std::vector<float> C = C0;
            for (int n0 = 0; n0 < N; n0 += cols) {
              const int n = N - n0 < cols ? N - n0 : cols;
              k.gemm(ta, tb, M, n, K, A.data(), lda, tb ? B.data() + (int64_t)n0 * ldb : B.data() + n0, ldb, (float)beta,
                     C.data() + n0, N);
            }
            char what[160];
            std::snprintf(what, sizeof what, "gemm M=%d N=%d K=%d ta=%d tb=%d beta=%d in blocks of %d columns == whole, bitwise",
                          M, N, K, ta, tb, beta, cols);
            check(std::memcmp(C.data(), whole.data(), sizeof(float) * C.size()) == 0, k.isa, what);
          }
          // The out-of-memory fallback of the SIMD tables sums as they do.
          const int slice = std::strcmp(k.isa, "neon") == 0 ? K : 256;
          if (std::strcmp(k.isa, "scalar") != 0) {
            std::vector<float> C = C0;
            fc::gemm_fma_elementwise(M, N, K, slice, A.data(), ta ? 1 : lda, ta ? lda : 1, B.data(), tb ? 1 : ldb,
                                     tb ? ldb : 1, beta != 0, C.data(), N);
            char what[160];
            std::snprintf(what, sizeof what, "gemm_fma_elementwise M=%d N=%d K=%d ta=%d tb=%d beta=%d == gemm, bitwise", M,
                          N, K, ta, tb, beta);
            check(std::memcmp(C.data(), whole.data(), sizeof(float) * C.size()) == 0, k.isa, what);
          }
          if (!ta && !tb) {
            std::vector<float> packed(k.packed_b_size(K, N)), C = C0;
            k.pack_b(K, N, B.data(), N, packed.data());
            k.gemm_packed_b(M, 0, N, N, K, A.data(), K, packed.data(), (float)beta, C.data(), N);
            char what[160];
            std::snprintf(what, sizeof what, "gemm_packed_b M=%d N=%d K=%d beta=%d == gemm, bitwise", M, N, K, beta);
            check(std::memcmp(C.data(), whole.data(), sizeof(float) * C.size()) == 0, k.isa, what);
          }
        }
      }
  }
}

void check_lstm(const fc::KernelTable<float>& k, const fc::KernelTable<float>& ref) {
  Lcg rng(11);
  for (int H : {1, 3, 8, 17, 100, 257}) {
    for (int B : {1, 5}) {
      std::vector<float> z((size_t)B * 4 * H), cp((size_t)B * H), dh((size_t)B * H), dc((size_t)B * H);
      for (float& v : z) v = rng.next(-6, 6);
      for (float& v : cp) v = rng.next(-2, 2);
      for (float& v : dh) v = rng.next(-1, 1);
      for (float& v : dc) v = rng.next(-1, 1);
      std::vector<float> z1 = z, z2 = z, c1(B * H), c2(B * H), t1(B * H), t2(B * H), h1(B * H), h2(B * H);
      k.lstm_cell_forward(B, H, z1.data(), cp.data(), c1.data(), t1.data(), h1.data());
      ref.lstm_cell_forward(B, H, z2.data(), cp.data(), c2.data(), t2.data(), h2.data());
      double w1, w2, w3, w4;
      bool ok = close(z1, z2, 2e-6, 1e-5, &w1) & close(c1, c2, 2e-6, 1e-5, &w2) & close(t1, t2, 2e-6, 1e-5, &w3) &
                close(h1, h2, 2e-6, 1e-5, &w4);
      char what[160];
      std::snprintf(what, sizeof what, "lstm_cell_forward B=%d H=%d: max |d| %.3g", B, H,
                    std::fmax(std::fmax(w1, w2), std::fmax(w3, w4)));
      check(ok, k.isa, what);
      // Backward from the reference's activations, so only the backward differs.
      std::vector<float> dc1 = dc, dc2 = dc, dz1((size_t)B * 4 * H), dz2((size_t)B * 4 * H);
      k.lstm_cell_backward(B, H, z2.data(), cp.data(), t2.data(), dh.data(), dc1.data(), dz1.data());
      ref.lstm_cell_backward(B, H, z2.data(), cp.data(), t2.data(), dh.data(), dc2.data(), dz2.data());
      ok = close(dz1, dz2, 2e-6, 1e-5, &w1) & close(dc1, dc2, 2e-6, 1e-5, &w2);
      std::snprintf(what, sizeof what, "lstm_cell_backward B=%d H=%d: max |d| %.3g", B, H, std::fmax(w1, w2));
      check(ok, k.isa, what);
    }
  }
}

void check_adam(const fc::KernelTable<float>& k, const fc::KernelTable<float>& ref) {
  Lcg rng(13);
  for (int64_t n : {INT64_C(1), INT64_C(15), INT64_C(16), INT64_C(17), INT64_C(1000), INT64_C(4099)}) {
    std::vector<float> p(n), g(n), m(n), v(n);
    for (int64_t i = 0; i < n; i++) {
      p[i] = rng.next(-1, 1);
      g[i] = rng.next(-1e-3f, 1e-3f);
      m[i] = rng.next(-1e-3f, 1e-3f);
      v[i] = rng.next(0, 1e-6f);
    }
    const float alpha = 3e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-7f;
    std::vector<float> p1 = p, m1 = m, v1 = v, p2 = p, m2 = m, v2 = v;
    const int c1 = k.adam_check(n, p.data(), g.data(), m.data(), v.data(), alpha, b1, b2, eps);
    const int c2 = ref.adam_check(n, p.data(), g.data(), m.data(), v.data(), alpha, b1, b2, eps);
    k.adam_apply(n, p1.data(), g.data(), m1.data(), v1.data(), alpha, b1, b2, eps);
    ref.adam_apply(n, p2.data(), g.data(), m2.data(), v2.data(), alpha, b1, b2, eps);
    double w1, w2, w3;
    // Parameters move by up to alpha; FMA contraction changes m and v in the last bit.
    const bool ok = c1 == 0 && c2 == 0 && close(p1, p2, 1e-6, 1e-6, &w1) & close(m1, m2, 1e-9, 1e-6, &w2) &
                    close(v1, v2, 1e-12, 1e-6, &w3);
    char what[160];
    std::snprintf(what, sizeof what, "adam n=%lld: max |d| params %.3g, m %.3g, v %.3g", (long long)n, w1, w2, w3);
    check(ok, k.isa, what);
    // A non-finite update is reported, wherever it is (including the tail).
    std::vector<float> gbad = g;
    gbad[n - 1] = INFINITY;
    std::snprintf(what, sizeof what, "adam_check n=%lld flags an infinite gradient in the last element", (long long)n);
    check(k.adam_check(n, p.data(), gbad.data(), m.data(), v.data(), alpha, b1, b2, eps) == 1, k.isa, what);
    gbad[n - 1] = NAN;
    std::snprintf(what, sizeof what, "adam_check n=%lld flags a NaN gradient", (long long)n);
    check(k.adam_check(n, p.data(), gbad.data(), m.data(), v.data(), alpha, b1, b2, eps) == 1, k.isa, what);
  }
}

void check_activations(const fc::KernelTable<float>& k) {
  const int H = 1000, rows = 40;
  std::vector<float> z(4 * H), cp(H, 0.0f), c(H), t(H), h(H);
  double worst_sig = 0, worst_tanh = 0;
  for (int r = 0; r < rows; r++) {
    for (int j = 0; j < H; j++)
      for (int g = 0; g < 4; g++) z[g * H + j] = -20.0f + 40.0f * (float)(r * H + j) / (float)(rows * H);
    std::vector<float> in = z;
    k.lstm_cell_forward(1, H, z.data(), cp.data(), c.data(), t.data(), h.data());
    for (int j = 0; j < H; j++) {
      const double x = in[j];
      worst_sig = std::fmax(worst_sig, std::fabs(z[j] - 1.0 / (1.0 + std::exp(-x))));
      worst_tanh = std::fmax(worst_tanh, std::fabs(z[2 * H + j] - std::tanh(x)));
    }
  }
  char what[160];
  std::snprintf(what, sizeof what, "activations over [-20, 20]: sigmoid %.3g, tanh %.3g (<= 2e-7)", worst_sig,
                worst_tanh);
  check(worst_sig <= 2e-7 && worst_tanh <= 2e-7, k.isa, what);
  std::printf("[%s] %s\n", k.isa, what);
}

}  // namespace

int main() {
  const fc::KernelTable<float>& ref = fc::scalar_kernels_f32();
  int tables = 0;
  for (const char* isa : {"scalar", "avx2", "avx512", "neon"}) {
    const fc::KernelTable<float>* k = fc::kernels_for_isa(isa);
    if (k == nullptr) continue;
    tables++;
    check_activations(*k);
    check_adam(*k, ref);  // for the scalar table itself: the non-finite flags
    check_gemm_splits(*k);
    if (k == &ref) continue;
    check_gemm(*k, ref);
    check_lstm(*k, ref);
  }
  std::printf("kernel_check: %d tables (chosen at load: %s)\n", tables, fc::active_kernels().isa);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
