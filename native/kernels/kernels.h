// The kernel table: the few functions where flowcast spends its time.
//
// One table per instruction set. kernels_scalar.cc is the plain reference
// twin; SIMD files (kernels_avx2.cc, kernels_avx512.cc, kernels_neon.cc) fill
// the same table with the same signatures. dispatch.cc picks one table once,
// at load, from CPU detection (FLOWCAST_ISA=scalar|avx2|avx512|neon forces
// one). Everything is row-major. Shape letters: B batch rows, H hidden units,
// G = 4H gate rows.
#ifndef FLOWCAST_KERNELS_KERNELS_H
#define FLOWCAST_KERNELS_KERNELS_H

#include <cstdint>

namespace fc {

template <typename T>
struct KernelTable {
  const char* isa;  // "scalar", "avx2", "avx512", "neon"

  // C = beta*C + op(A)·op(B), op(X) = X or X^T (row-major, BLAS semantics).
  // op(A) is (M,K), op(B) is (K,N), C is (M,N) with row stride ldc.
  // beta is 0 or 1; with beta 0, C is not read (so garbage/NaN in C is fine).
  // Summation order, the same for every path a table takes (row-major,
  // cache-blocked, packed B, the out-of-memory fallback): each element is
  //   C[m,n] = ((beta*C[m,n] + s_0) + s_1) + ...,
  //   s_j = fused multiply-add chain from 0 over k in slice j, k increasing,
  // with slices of 256 k (AVX2, AVX-512; NEON: one slice of all K; scalar: a
  // plain sum in k order). So an element depends on K and its own row of
  // op(A) and column of op(B) only, never on M, N or which block of C a call
  // covers: Network::gemm splits C across threads and the result is the same
  // at any thread count (test/determinism.test.ts, native/tests/kernel_check.cc).
  void (*gemm)(bool trans_a, bool trans_b, int M, int N, int K,
               const T* A, int lda, const T* B, int ldb, T beta, T* C, int ldc);

  // Pre-packed right-hand side, for a weight matrix used by every time step
  // of a batch: pack it once, multiply many times.
  // packed_b_size(K, N): floats pack_b writes for a (K, N) operand.
  // pack_b: B row-major (K, N), row stride ldb -> the table's private layout.
  // gemm_packed_b: C[:, n_begin:n_end) = beta*C + A (M, K, row-major) · B for
  //   the packed B of pack_b(K, N); n_begin must be a multiple of 32 (so
  //   callers can split columns across threads). beta is 0 or 1. Sums in
  //   gemm's order, so any row or column split gives the same elements.
  int64_t (*packed_b_size)(int K, int N);
  void (*pack_b)(int K, int N, const T* B, int ldb, T* packed);
  void (*gemm_packed_b)(int M, int n_begin, int n_end, int N, int K, const T* A, int lda, const T* packed,
                        T beta, T* C, int ldc);

  // One LSTM time step, pointwise part, for B rows of H units.
  //   gates (B,4H): in = pre-activations z = x W_ih^T + h_prev W_hh^T + b,
  //                 out = activations i=σ(z_i), f=σ(z_f), g=tanh(z_g), o=σ(z_o)
  //   c_prev (B,H); c, tanh_c, h (B,H) out:
  //   c = f*c_prev + i*g,  tanh_c = tanh(c),  h = o*tanh_c
  void (*lstm_cell_forward)(int B, int H, T* gates, const T* c_prev,
                            T* c, T* tanh_c, T* h);

  // The same step backwards. dh (B,H) is dL/dh_t (from above and from t+1);
  // dc (B,H) is in: dL/dc_t through c_{t+1}, out: dL/dc_{t-1}.
  //   dc_t  = dc + dh*o*(1 - tanh_c^2)
  //   dz_o  = dh*tanh_c * o(1-o)      dz_i = dc_t*g * i(1-i)
  //   dz_g  = dc_t*i * (1-g^2)        dz_f = dc_t*c_prev * f(1-f)
  //   dc_{t-1} = dc_t*f
  // dgates (B,4H) out: dL/dz in gate order i, f, g, o.
  void (*lstm_cell_backward)(int B, int H, const T* gates, const T* c_prev,
                             const T* tanh_c, const T* dh, T* dc, T* dgates);

  // Adam (Keras form, see core/optimizer.h) over n elements:
  //   m' = b1 m + (1-b1) g,  v' = b2 v + (1-b2) g^2,  p' = p - alpha m' / (sqrt(v') + eps)
  // adam_check computes p' and v' without writing and returns 1 if any is
  // NaN or infinite (else 0); adam_apply writes m', v', p'. Both evaluate the
  // same expressions, so a step that passes the check writes finite values.
  int (*adam_check)(int64_t n, const T* params, const T* grads, const T* m, const T* v, T alpha, T b1, T b2, T eps);
  void (*adam_apply)(int64_t n, T* params, const T* grads, T* m, T* v, T alpha, T b1, T b2, T eps);

  // Benchmark only: `iterations` rounds of independent multiply-adds on
  // registers (the machine's peak for this instruction set); returns a
  // checksum so the work cannot be optimized away. fma_flops_per_iteration
  // is the floating-point operations per round (2 per multiply-add).
  double (*fma_loop)(int64_t iterations);
  int fma_flops_per_iteration;
};

// The float table chosen at load (never null). Thread-safe after first call.
const KernelTable<float>& active_kernels();
// A named float table, or null if it is not built in or this CPU lacks it.
const KernelTable<float>* kernels_for_isa(const char* isa);
// The scalar reference tables (always available).
const KernelTable<float>& scalar_kernels_f32();
const KernelTable<double>& scalar_kernels_f64();

}  // namespace fc

#endif  // FLOWCAST_KERNELS_KERNELS_H
