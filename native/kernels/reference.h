// Plain scalar kernels, templated on the element type so the same code runs in
// float32 (the scalar table) and float64 (the finite-difference oracle).
// Included by kernels_scalar.cc and by the core (compiled without ISA flags):
// the core calls the hard-sigmoid LSTM cell below directly (it has no SIMD
// twin: a rarely used option, kept exact and simple).
//
// The loops are ordered so that the innermost loop walks contiguous memory;
// reductions use a fixed order, so results are reproducible bit for bit.
#ifndef FLOWCAST_KERNELS_REFERENCE_H
#define FLOWCAST_KERNELS_REFERENCE_H

#include <cmath>
#include <cstdint>

namespace fc {
namespace ref {

template <typename T>
inline T sigmoid(T z) {
  return T(1) / (T(1) + std::exp(-z));
}

// Keras 2's hard_sigmoid (and ONNX HardSigmoid's defaults): clip(0.2 z + 0.5, 0, 1).
template <typename T>
inline T hard_sigmoid(T z) {
  const T y = T(0.2) * z + T(0.5);
  return y < T(0) ? T(0) : y > T(1) ? T(1) : y;
}

// d gate / dz from the gate's value a: a (1 - a) for the sigmoid; 0.2 inside
// the hard sigmoid's linear part (0 < a < 1), 0 where it is clipped.
template <typename T, bool kHard>
inline T gate_grad(T a) {
  if (kHard) return a > T(0) && a < T(1) ? T(0.2) : T(0);
  return a * (T(1) - a);
}

template <typename T, bool kHard>
inline T gate(T z) {
  return kHard ? hard_sigmoid(z) : sigmoid(z);
}

template <typename T>
void gemm(bool trans_a, bool trans_b, int M, int N, int K, const T* A, int lda,
          const T* B, int ldb, T beta, T* C, int ldc) {
  if (beta == T(0)) {
    for (int m = 0; m < M; m++)
      for (int n = 0; n < N; n++) C[(int64_t)m * ldc + n] = T(0);
  }
  if (!trans_a && trans_b) {
    // C[m,n] += sum_k A[m,k] * B[n,k]: both rows contiguous, a dot product.
    for (int m = 0; m < M; m++) {
      const T* a = A + (int64_t)m * lda;
      T* c = C + (int64_t)m * ldc;
      for (int n = 0; n < N; n++) {
        const T* b = B + (int64_t)n * ldb;
        T acc = T(0);
        for (int k = 0; k < K; k++) acc += a[k] * b[k];
        c[n] += acc;
      }
    }
  } else if (!trans_a && !trans_b) {
    // C[m,:] += A[m,k] * B[k,:]
    for (int m = 0; m < M; m++) {
      T* c = C + (int64_t)m * ldc;
      for (int k = 0; k < K; k++) {
        const T a = A[(int64_t)m * lda + k];
        const T* b = B + (int64_t)k * ldb;
        for (int n = 0; n < N; n++) c[n] += a * b[n];
      }
    }
  } else if (trans_a && !trans_b) {
    // C[m,:] += A[k,m] * B[k,:], A stored (K,M)
    for (int k = 0; k < K; k++) {
      const T* a = A + (int64_t)k * lda;
      const T* b = B + (int64_t)k * ldb;
      for (int m = 0; m < M; m++) {
        const T am = a[m];
        T* c = C + (int64_t)m * ldc;
        for (int n = 0; n < N; n++) c[n] += am * b[n];
      }
    }
  } else {
    // C[m,n] += sum_k A[k,m] * B[n,k]
    for (int m = 0; m < M; m++)
      for (int n = 0; n < N; n++) {
        T acc = T(0);
        for (int k = 0; k < K; k++) acc += A[(int64_t)k * lda + m] * B[(int64_t)n * ldb + k];
        C[(int64_t)m * ldc + n] += acc;
      }
  }
}

// The reference's packed layout is B itself, row-major (K, N) with stride N.
inline int64_t packed_b_size(int K, int N) { return (int64_t)K * N; }

template <typename T>
void pack_b(int K, int N, const T* B, int ldb, T* packed) {
  for (int k = 0; k < K; k++)
    for (int n = 0; n < N; n++) packed[(int64_t)k * N + n] = B[(int64_t)k * ldb + n];
}

template <typename T>
void gemm_packed_b(int M, int n_begin, int n_end, int N, int K, const T* A, int lda, const T* packed, T beta, T* C,
                   int ldc) {
  gemm(false, false, M, n_end - n_begin, K, A, lda, packed + n_begin, N, beta, C + n_begin, ldc);
}

// kHard: gates i, f, o use hard_sigmoid instead of the sigmoid.
template <typename T, bool kHard = false>
void lstm_cell_forward(int B, int H, T* gates, const T* c_prev, T* c, T* tanh_c, T* h) {
  for (int b = 0; b < B; b++) {
    T* z = gates + (int64_t)b * 4 * H;
    for (int j = 0; j < H; j++) {
      const T i = gate<T, kHard>(z[j]);
      const T f = gate<T, kHard>(z[H + j]);
      const T g = std::tanh(z[2 * H + j]);
      const T o = gate<T, kHard>(z[3 * H + j]);
      z[j] = i;
      z[H + j] = f;
      z[2 * H + j] = g;
      z[3 * H + j] = o;
      const int64_t s = (int64_t)b * H + j;
      const T cs = f * c_prev[s] + i * g;
      const T tc = std::tanh(cs);
      c[s] = cs;
      tanh_c[s] = tc;
      h[s] = o * tc;
    }
  }
}

template <typename T, bool kHard = false>
void lstm_cell_backward(int B, int H, const T* gates, const T* c_prev, const T* tanh_c,
                        const T* dh, T* dc, T* dgates) {
  for (int b = 0; b < B; b++) {
    const T* a = gates + (int64_t)b * 4 * H;
    T* dz = dgates + (int64_t)b * 4 * H;
    for (int j = 0; j < H; j++) {
      const int64_t s = (int64_t)b * H + j;
      const T i = a[j], f = a[H + j], g = a[2 * H + j], o = a[3 * H + j];
      const T tc = tanh_c[s];
      const T dct = dc[s] + dh[s] * o * (T(1) - tc * tc);
      dz[j] = dct * g * gate_grad<T, kHard>(i);
      dz[H + j] = dct * c_prev[s] * gate_grad<T, kHard>(f);
      dz[2 * H + j] = dct * i * (T(1) - g * g);
      dz[3 * H + j] = dh[s] * tc * gate_grad<T, kHard>(o);
      dc[s] = dct * f;
    }
  }
}

// GRU cell (torch.nn.GRU, gates r, z, n; the reset gate applies after the
// hidden projection), per row of B:
//   r = sigmoid(Zx_r + Zh_r),  z = sigmoid(Zx_z + Zh_z),  n = tanh(Zx_n + r * Zh_n)
//   h = (1 - z) * n + z * h_prev
// zx (B, 3H) holds Zx = b_ih + x W_ih^T and is overwritten with r, z, n;
// zh (B, 3H) holds Zh = b_hh + h_prev W_hh^T. Scalar only: the GRU's
// pointwise work is small next to its GEMMs.
template <typename T>
void gru_cell_forward(int B, int H, T* zx, const T* zh, const T* h_prev, T* h) {
  for (int b = 0; b < B; b++) {
    T* x = zx + (int64_t)b * 3 * H;
    const T* u = zh + (int64_t)b * 3 * H;
    for (int j = 0; j < H; j++) {
      const int64_t s = (int64_t)b * H + j;
      const T r = sigmoid(x[j] + u[j]);
      const T z = sigmoid(x[H + j] + u[H + j]);
      const T n = std::tanh(x[2 * H + j] + r * u[2 * H + j]);
      x[j] = r;
      x[H + j] = z;
      x[2 * H + j] = n;
      h[s] = (T(1) - z) * n + z * h_prev[s];
    }
  }
}

// Its gradient, from dh = dL/dh_t: writes dZx, dZh (B, 3H) and the direct
// part of dL/dh_{t-1}, z * dh (the rest is dZh W_hh):
//   dn = dh (1 - z), dz = dh (h_prev - n); a_n = dn (1 - n^2)
//   dZx_n = a_n, dZh_n = a_n r; a_r = a_n Zh_n r (1 - r); a_z = dz z (1 - z)
//   dZx_r = dZh_r = a_r, dZx_z = dZh_z = a_z
template <typename T>
void gru_cell_backward(int B, int H, const T* gates, const T* zh, const T* h_prev, const T* dh, T* dzx, T* dzh,
                       T* dh_direct) {
  for (int b = 0; b < B; b++) {
    const T* a = gates + (int64_t)b * 3 * H;
    const T* u = zh + (int64_t)b * 3 * H;
    T* dx = dzx + (int64_t)b * 3 * H;
    T* du = dzh + (int64_t)b * 3 * H;
    for (int j = 0; j < H; j++) {
      const int64_t s = (int64_t)b * H + j;
      const T r = a[j], z = a[H + j], n = a[2 * H + j], g = dh[s];
      const T an = g * (T(1) - z) * (T(1) - n * n);
      const T ar = an * u[2 * H + j] * r * (T(1) - r);
      const T az = g * (h_prev[s] - n) * z * (T(1) - z);
      dx[j] = ar;
      du[j] = ar;
      dx[H + j] = az;
      du[H + j] = az;
      dx[2 * H + j] = an;
      du[2 * H + j] = an * r;
      dh_direct[s] = g * z;
    }
  }
}

// Simple (Elman) RNN cell, torch.nn.RNN: h = tanh(Z) (or relu(Z)), Z (B, H)
// overwritten with h; backward dZ = dh (1 - h^2) (relu: dh where h > 0).
template <typename T>
void rnn_cell_forward(int B, int H, T* z, T* h, bool relu) {
  for (int64_t s = 0; s < (int64_t)B * H; s++) {
    const T a = relu ? (z[s] > T(0) ? z[s] : T(0)) : std::tanh(z[s]);
    z[s] = a;
    h[s] = a;
  }
}

template <typename T>
void rnn_cell_backward(int B, int H, const T* gates, const T* dh, T* dz, bool relu) {
  for (int64_t s = 0; s < (int64_t)B * H; s++)
    dz[s] = relu ? (gates[s] > T(0) ? dh[s] : T(0)) : dh[s] * (T(1) - gates[s] * gates[s]);
}

// x - x is exactly 0 for finite x and NaN otherwise: a branch-free test
// the compiler can vectorize (std::isfinite may not be).
template <typename T>
int adam_check(int64_t n, const T* params, const T* grads, const T* m, const T* v, T alpha, T b1, T b2, T eps) {
  int bad = 0;
  for (int64_t i = 0; i < n; i++) {
    const T g = grads[i];
    const T mi = b1 * m[i] + (T(1) - b1) * g;
    const T vi = b2 * v[i] + (T(1) - b2) * g * g;
    const T p = params[i] - alpha * mi / (std::sqrt(vi) + eps);
    bad |= !(p - p == T(0)) | !(vi - vi == T(0));
  }
  return bad;
}

template <typename T>
void adam_apply(int64_t n, T* params, const T* grads, T* m, T* v, T alpha, T b1, T b2, T eps) {
  for (int64_t i = 0; i < n; i++) {
    const T g = grads[i];
    m[i] = b1 * m[i] + (T(1) - b1) * g;
    v[i] = b2 * v[i] + (T(1) - b2) * g * g;
    params[i] -= alpha * m[i] / (std::sqrt(v[i]) + eps);
  }
}

// Scalar multiply-add chains (the compiler may vectorize them; the scalar
// table's "peak" is only a reference point for its own throughput).
template <typename T>
double fma_loop(int64_t iterations) {
  T acc[8];
  for (int i = 0; i < 8; i++) acc[i] = T(0.001) * T(i);
  const T a = T(0.999999), b = T(1e-7);
  for (int64_t it = 0; it < iterations; it++)
    for (int i = 0; i < 8; i++) acc[i] = acc[i] * a + b;
  double s = 0;
  for (int i = 0; i < 8; i++) s += (double)acc[i];
  return s;
}

}  // namespace ref
}  // namespace fc

#endif  // FLOWCAST_KERNELS_REFERENCE_H
