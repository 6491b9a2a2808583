// The scalar reference table: plain C++ from reference.h, no ISA flags.
// Every SIMD table is tested against this one.
#include "kernels/kernels.h"
#include "kernels/reference.h"

namespace fc {

const KernelTable<float>& scalar_kernels_f32() {
  static const KernelTable<float> table = {
      "scalar",
      &ref::gemm<float>,
      &ref::packed_b_size,
      &ref::pack_b<float>,
      &ref::gemm_packed_b<float>,
      &ref::lstm_cell_forward<float>,
      &ref::lstm_cell_backward<float>,
      &ref::adam_check<float>,
      &ref::adam_apply<float>,
      &ref::fma_loop<float>,
      8 * 2,
  };
  return table;
}

const KernelTable<double>& scalar_kernels_f64() {
  static const KernelTable<double> table = {
      "scalar",
      &ref::gemm<double>,
      &ref::packed_b_size,
      &ref::pack_b<double>,
      &ref::gemm_packed_b<double>,
      &ref::lstm_cell_forward<double>,
      &ref::lstm_cell_backward<double>,
      &ref::adam_check<double>,
      &ref::adam_apply<double>,
      &ref::fma_loop<double>,
      8 * 2,
  };
  return table;
}

}  // namespace fc
